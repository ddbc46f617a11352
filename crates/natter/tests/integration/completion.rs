//! A write runs to completion with its events, whatever becomes of the request that asked for
//! it: the client may go away or the request time out once the write is queued, and the user's
//! other devices must still hear of it.

use std::time::Duration;

use crate::common::{Options, Server};
use natter_sdk::wire::ServerEvent;
use natter_sdk::{Chat, Event, EventStream};
use tokio::io::AsyncWriteExt;

/// How long a test waits for the event that must come.
const EVENT_WAIT: Duration = Duration::from_secs(15);

/// A server with deletion sync on where alice has a conversation with bob, her phone listening.
async fn alice_with_a_listening_phone(
    options: Options,
) -> (Server, crate::common::User, EventStream) {
    let server = Server::start_with(Options {
        sync_conversation_deletion: Some(true),
        ..options
    })
    .await;
    let web = server.device("alice", 1).await;
    let phone = server.device("alice", 0).await;
    let bob = server.user("bob").await;
    bob.send_text("C2Calice", "hi").await;
    let events = Chat::login(&server.base, &phone.token)
        .events(0)
        .await
        .expect("the phone connects");
    (server, web, events)
}

async fn deleted_on(events: &mut EventStream) -> Vec<String> {
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match events.next().await {
                Some(Event::Server(ServerEvent::ConversationDeleted {
                    conversation_id_list,
                    ..
                })) => return conversation_id_list,
                Some(Event::Ended { code, reason }) => panic!("ended: {code} {reason}"),
                Some(_) => continue,
                None => panic!("the stream closed"),
            }
        }
    })
    .await
    .expect("the other device hears of the deletion")
}

#[tokio::test]
async fn a_delete_whose_request_timed_out_still_reaches_the_other_devices() {
    let (server, web, mut phone) = alice_with_a_listening_phone(Options {
        request_timeout_secs: Some(1),
        ..Options::default()
    })
    .await;
    let blocked = server.storage().block_writes();
    let answer = web.delete(&["C2Cbob"], Some(false)).await;
    answer.expect_error(503, 50301, "unavailable");
    drop(blocked);
    assert_eq!(deleted_on(&mut phone).await, ["C2Cbob"]);
    assert!(web.list_ids().await.is_empty(), "the delete was stored");
}

#[tokio::test]
async fn a_delete_whose_client_went_away_still_reaches_the_other_devices() {
    let (server, web, mut phone) = alice_with_a_listening_phone(Options::default()).await;
    let blocked = server.storage().block_writes();
    let body = r#"{"conversationIDList":["C2Cbob"],"clearHistoryMessage":false}"#;
    let request = format!(
        "POST /v1/conversations/delete HTTP/1.1\r\nhost: natter\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        web.token,
        body.len()
    );
    let address = server.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    // The write is queued behind the lock; the client hangs up without waiting for it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    socket.shutdown().await.unwrap();
    drop(socket);
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(blocked);
    assert_eq!(deleted_on(&mut phone).await, ["C2Cbob"]);
}
