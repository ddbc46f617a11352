//! The WebSocket gateway and multi-device sync, driven through the Rust SDK and raw sockets.

use std::time::Duration;

use crate::common::{Options, Server, random_token};
use futures_util::{SinkExt, StreamExt};
use natter_sdk::wire::{ChannelRef, ServerEvent};
use natter_sdk::{Admin, Chat, Event, EventStream};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// How long a test waits for an event that must come.
const EVENT_WAIT: Duration = Duration::from_secs(10);

struct World {
    server: Server,
    admin: Admin,
}

impl World {
    async fn start() -> Self {
        let server = Server::start_with(Options::default()).await;
        let admin = Admin::new(&server.base, &server.manager_token);
        Self { server, admin }
    }

    /// A device of `uid` (0 app, 1 web, 2 pc) with its own token.
    async fn device(&self, uid: &str, device_flag: u8) -> Chat {
        let token = random_token(uid);
        self.admin
            .set_user_token(uid, &token, device_flag, false)
            .await
            .unwrap();
        Chat::login(&self.server.base, &token)
    }

    async fn master_token(&self, uid: &str, device_flag: u8) -> String {
        let token = random_token(uid);
        self.admin
            .set_user_token(uid, &token, device_flag, true)
            .await
            .unwrap();
        token
    }

    fn websocket_url(&self, token: &str) -> String {
        format!(
            "{}/v1/ws?token={token}",
            self.server.base.replacen("http", "ws", 1)
        )
    }
}

async fn next_server_event(stream: &mut EventStream) -> ServerEvent {
    loop {
        match tokio::time::timeout(EVENT_WAIT, stream.next()).await {
            Ok(Some(Event::Server(event))) => return event,
            Ok(Some(Event::CaughtUp(_))) => continue,
            Ok(Some(Event::Ended { code, reason })) => panic!("the server ended: {code} {reason}"),
            Ok(None) => panic!("the event stream ended"),
            Err(_) => panic!("no event within {EVENT_WAIT:?}"),
        }
    }
}

/// Skips events until one of the named kind arrives, returning it.
async fn wait_for(stream: &mut EventStream, wanted: fn(&ServerEvent) -> bool) -> ServerEvent {
    loop {
        let event = next_server_event(stream).await;
        if wanted(&event) {
            return event;
        }
    }
}

fn text(body: &str) -> serde_json::Value {
    json!({"text": body})
}

#[tokio::test]
async fn a_message_reaches_every_device_of_the_recipient() {
    let world = World::start().await;
    let alice_phone = world.device("alice", 0).await;
    let alice_web = world.device("alice", 1).await;
    let bob = world.device("bob", 0).await;
    let mut phone = alice_phone.events(0).await.unwrap();
    let mut web = alice_web.events(0).await.unwrap();

    let sent = bob
        .send_message("C2Calice", text("hi"), None)
        .await
        .unwrap();

    for stream in [&mut phone, &mut web] {
        match next_server_event(stream).await {
            ServerEvent::MessageReceived { message_list } => {
                assert_eq!(message_list.len(), 1);
                assert_eq!(message_list[0].message_id, sent.message_id);
                assert_eq!(
                    message_list[0].conversation_id, "C2Cbob",
                    "named as alice sees it"
                );
            }
            other => panic!("expected messageReceived, got {other:?}"),
        }
        match next_server_event(stream).await {
            ServerEvent::ConversationListUpdated { conversation_list } => {
                assert_eq!(conversation_list.len(), 1, "only the changed conversation");
                assert_eq!(conversation_list[0].conversation_id, "C2Cbob");
                assert_eq!(conversation_list[0].unread_count, 1);
            }
            other => panic!("expected conversationListUpdated, got {other:?}"),
        }
        assert_eq!(total_of(next_server_event(stream).await), Some(1));
    }
}

/// The SDK reads its socket through a small buffer (8 KiB); a message at the payload limit
/// arrives in one frame several times that size, and must arrive whole.
#[tokio::test]
async fn a_message_larger_than_the_sdks_read_buffer_arrives_whole() {
    let world = World::start().await;
    let alice = world.device("alice", 0).await;
    let bob = world.device("bob", 0).await;
    let mut stream = alice.events(0).await.unwrap();
    let body: String = ('a'..='z').cycle().take(60 * 1024).collect();

    let sent = bob
        .send_message("C2Calice", text(&body), None)
        .await
        .unwrap();

    match next_server_event(&mut stream).await {
        ServerEvent::MessageReceived { message_list } => {
            assert_eq!(message_list[0].message_id, sent.message_id);
            assert_eq!(message_list[0].payload, text(&body));
        }
        other => panic!("expected messageReceived, got {other:?}"),
    }
}

#[tokio::test]
async fn a_deletion_reaches_the_other_device_only_when_sync_is_on() {
    let world = World::start().await;
    let device_a = world.device("alice", 0).await;
    let device_b = world.device("alice", 1).await;
    let bob = world.device("bob", 0).await;
    let carol = world.device("carol", 0).await;
    bob.send_message("C2Calice", text("one"), None)
        .await
        .unwrap();
    let version_before = device_b.sync(0, 0).await.unwrap().version;
    let mut events_a = device_a.events(version_before).await.unwrap();
    let mut events_b = device_b.events(version_before).await.unwrap();

    // Off (the default): B hears nothing of it; the next thing B hears is carol's message.
    device_a.delete_conversation("C2Cbob").await.unwrap();
    carol
        .send_message("C2Calice", text("marker"), None)
        .await
        .unwrap();
    match next_server_event(&mut events_b).await {
        ServerEvent::MessageReceived { message_list } => assert_eq!(message_list[0].from, "carol"),
        other => panic!("B must not hear of a deletion while sync is off, got {other:?}"),
    }
    let sync = device_b.sync(version_before, 0).await.unwrap();
    assert!(sync.deleted_conversation_id_list.is_empty(), "{sync:?}");
    assert!(
        !sync
            .conversation_list
            .iter()
            .any(|c| c.conversation_id == "C2Cbob")
    );

    // On: B gets the event and the tombstone; A, which deleted, gets no deletion event.
    world
        .admin
        .set_sync_conversation_deletion(true)
        .await
        .unwrap();
    bob.send_message("C2Calice", text("two"), None)
        .await
        .unwrap();
    let version_revived = device_b.sync(0, 0).await.unwrap().version;
    device_a
        .delete_conversations(&["C2Cbob"], false)
        .await
        .unwrap();
    let deleted = wait_for(&mut events_b, |event| {
        matches!(event, ServerEvent::ConversationDeleted { .. })
    })
    .await;
    let ServerEvent::ConversationDeleted {
        conversation_id_list,
        clear_history_message,
        version: deleted_at,
    } = deleted
    else {
        unreachable!()
    };
    assert_eq!(conversation_id_list, ["C2Cbob"]);
    assert!(!clear_history_message);
    assert!(
        deleted_at > version_revived,
        "the deletion's version {deleted_at} outranks every earlier object"
    );
    let sync = device_b.sync(version_revived, 0).await.unwrap();
    assert!(sync.version >= deleted_at);
    assert_eq!(
        sync.deleted_conversation_id_list,
        vec!["C2Cbob".to_string()]
    );

    carol
        .send_message("C2Calice", text("marker 2"), None)
        .await
        .unwrap();
    loop {
        match next_server_event(&mut events_a).await {
            ServerEvent::ConversationDeleted { .. } => panic!("the deleting device is not told"),
            ServerEvent::MessageReceived { message_list }
                if message_list[0].payload == text("marker 2") =>
            {
                break;
            }
            _ => continue,
        }
    }
}

#[tokio::test]
async fn a_deletion_reaches_another_tab_of_the_same_device() {
    let world = World::start().await;
    world
        .admin
        .set_sync_conversation_deletion(true)
        .await
        .unwrap();
    let tab_a = world.device("alice", 1).await;
    // Two browser tabs share one token; each has its own connection.
    let tab_b = tab_a.clone_without_connection();
    let bob = world.device("bob", 0).await;
    let carol = world.device("carol", 0).await;
    bob.send_message("C2Calice", text("hi"), None)
        .await
        .unwrap();
    let mut events_a = tab_a.events(0).await.unwrap();
    let mut events_b = tab_b.events(0).await.unwrap();

    tab_a.delete_conversation("C2Cbob").await.unwrap();
    let deleted = wait_for(&mut events_b, |event| {
        matches!(event, ServerEvent::ConversationDeleted { .. })
    })
    .await;
    assert!(matches!(deleted, ServerEvent::ConversationDeleted { .. }));
    carol
        .send_message("C2Calice", text("marker"), None)
        .await
        .unwrap();
    loop {
        match next_server_event(&mut events_a).await {
            ServerEvent::ConversationDeleted { .. } => panic!("the deleting tab is not told"),
            ServerEvent::MessageReceived { message_list } if message_list[0].from == "carol" => {
                break;
            }
            _ => continue,
        }
    }
}

#[tokio::test]
async fn a_server_api_deletion_reaches_every_device_when_sync_is_on() {
    let world = World::start().await;
    world
        .admin
        .set_sync_conversation_deletion(true)
        .await
        .unwrap();
    let device = world.device("alice", 0).await;
    let bob = world.device("bob", 0).await;
    bob.send_message("C2Calice", text("hi"), None)
        .await
        .unwrap();
    let mut events = device.events(0).await.unwrap();
    let channel = ChannelRef {
        channel_id: "bob".into(),
        channel_type: 1,
    };
    world
        .admin
        .delete_conversation("alice", channel, false)
        .await
        .unwrap();
    let deleted = wait_for(&mut events, |event| {
        matches!(event, ServerEvent::ConversationDeleted { .. })
    })
    .await;
    assert!(matches!(
        deleted,
        ServerEvent::ConversationDeleted {
            conversation_id_list,
            clear_history_message: false,
            version,
        } if conversation_id_list == ["C2Cbob"] && version > 0
    ));
}

#[tokio::test]
async fn a_discarded_conversation_is_not_pushed_but_still_listed() {
    let world = World::start().await;
    let alice = world.device("alice", 0).await;
    let bob = world.device("bob", 0).await;
    let carol = world.device("carol", 0).await;
    bob.send_message("C2Calice", text("first"), None)
        .await
        .unwrap();
    alice
        .set_message_remind_type(&["C2Cbob"], "Discard")
        .await
        .unwrap();
    let mut events = alice.events(0).await.unwrap();

    bob.send_message("C2Calice", text("not pushed"), None)
        .await
        .unwrap();
    carol
        .send_message("C2Calice", text("pushed"), None)
        .await
        .unwrap();
    let received = wait_for(&mut events, |event| {
        matches!(event, ServerEvent::MessageReceived { .. })
    })
    .await;
    match received {
        ServerEvent::MessageReceived { message_list } => assert_eq!(message_list[0].from, "carol"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        alice
            .conversation_profile("C2Cbob")
            .await
            .unwrap()
            .unread_count,
        2
    );
}

#[tokio::test]
async fn a_group_message_reaches_every_online_member_once() {
    let world = World::start().await;
    let members = ["alice", "bob", "carol", "dave"];
    let mut chats = Vec::new();
    for uid in members {
        chats.push(world.device(uid, 0).await);
    }
    world.admin.create_group("team", &members).await.unwrap();
    let mut streams = Vec::new();
    for chat in &chats[1..] {
        streams.push(chat.events(0).await.unwrap());
    }

    chats[0]
        .send_message("GROUPteam", text("hello team"), None)
        .await
        .unwrap();
    chats[0]
        .send_message("GROUPteam", text("second"), None)
        .await
        .unwrap();

    for stream in &mut streams {
        let mut received = Vec::new();
        while received.len() < 2 {
            if let ServerEvent::MessageReceived { message_list } = next_server_event(stream).await {
                received.extend(message_list);
            }
        }
        let texts: Vec<_> = received
            .iter()
            .map(|message| message.payload.clone())
            .collect();
        assert_eq!(
            texts,
            vec![text("hello team"), text("second")],
            "each message exactly once"
        );
        assert!(
            received
                .iter()
                .all(|message| message.conversation_id == "GROUPteam")
        );
    }
}

/// A group message's members mostly share one serialised conversation with their own unread
/// count and version written in; those whose copy differs otherwise get it built whole. Either
/// way, what each member is pushed is what their own list holds.
#[tokio::test]
async fn each_online_member_is_pushed_their_own_copy_of_a_group_conversation() {
    let world = World::start().await;
    let members = ["alice", "bob", "carol", "dave", "erin"];
    let mut chats = Vec::new();
    for uid in members {
        chats.push(world.device(uid, 0).await);
    }
    world.admin.create_group("team", &members).await.unwrap();
    chats[0]
        .send_message("GROUPteam", text("first"), None)
        .await
        .unwrap();
    // Bob has read it, Carol pinned the conversation, Dave keeps a draft in it; Erin did nothing.
    chats[1].set_message_read("GROUPteam", None).await.unwrap();
    chats[2].pin_conversation("GROUPteam", true).await.unwrap();
    chats[3]
        .set_conversation_draft("GROUPteam", "half a thought")
        .await
        .unwrap();
    let mut streams = Vec::new();
    for chat in &chats {
        streams.push(chat.events(0).await.unwrap());
    }

    chats[0]
        .send_message("GROUPteam", text("second"), None)
        .await
        .unwrap();

    for ((uid, chat), stream) in members.iter().zip(&chats).zip(&mut streams) {
        let ServerEvent::ConversationListUpdated { conversation_list } =
            wait_for(stream, |event| {
                matches!(event, ServerEvent::ConversationListUpdated { .. })
            })
            .await
        else {
            unreachable!()
        };
        let mut listed = chat.conversation_profile("GROUPteam").await.unwrap();
        assert_eq!(listed.group_at_info_list, Some(Vec::new()));
        // The one difference: a message's push leaves the mentions to the message.
        listed.group_at_info_list = None;
        assert_eq!(
            conversation_list,
            std::slice::from_ref(&listed),
            "{uid}'s pushed copy"
        );
        // Alice sent both; Bob had read the first.
        let unread = match *uid {
            "alice" => 0,
            "bob" => 1,
            _ => 2,
        };
        assert_eq!(listed.unread_count, unread, "{uid}'s unread count");
        assert_eq!(listed.is_pinned, *uid == "carol");
        assert_eq!(
            listed.draft_text,
            if *uid == "dave" { "half a thought" } else { "" }
        );
    }
}

#[tokio::test]
async fn unread_totals_arrive_after_reads_and_deletes() {
    let world = World::start().await;
    let alice = world.device("alice", 0).await;
    let bob = world.device("bob", 0).await;
    let carol = world.device("carol", 0).await;
    let mut events = alice.events(0).await.unwrap();
    let is_total =
        |event: &ServerEvent| matches!(event, ServerEvent::TotalUnreadMessageCountUpdated { .. });

    bob.send_message("C2Calice", text("1"), None).await.unwrap();
    bob.send_message("C2Calice", text("2"), None).await.unwrap();
    carol
        .send_message("C2Calice", text("3"), None)
        .await
        .unwrap();
    let mut last_total = None;
    while last_total != Some(3) {
        last_total = total_of(wait_for(&mut events, is_total).await);
    }

    alice.set_message_read("C2Cbob", None).await.unwrap();
    assert_eq!(total_of(wait_for(&mut events, is_total).await), Some(1));
    alice.delete_conversation("C2Ccarol").await.unwrap();
    assert_eq!(total_of(wait_for(&mut events, is_total).await), Some(0));
}

/// The count of an unread-total event.
fn total_of(event: ServerEvent) -> Option<u64> {
    match event {
        ServerEvent::TotalUnreadMessageCountUpdated {
            total_unread_count, ..
        } => Some(total_unread_count),
        _ => None,
    }
}

/// Opens a raw WebSocket with `token` and pings, so the connection is subscribed.
async fn subscribed_socket(
    world: &World,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let (mut socket, _) = tokio_tungstenite::connect_async(world.websocket_url(token))
        .await
        .unwrap();
    socket
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    let pong = socket.next().await.unwrap().unwrap().into_text().unwrap();
    let pong: serde_json::Value = serde_json::from_str(pong.as_str()).unwrap();
    assert_eq!(pong["event"], "pong");
    assert!(pong["data"]["connectionID"].is_string(), "{pong}");
    socket
}

/// The close frame the server sends next on `socket`.
async fn close_frame(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> tokio_tungstenite::tungstenite::protocol::CloseFrame {
    tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    })
    .await
    .expect("the connection is closed")
    .expect("a close frame with a reason")
}

#[tokio::test]
async fn a_master_login_replaces_the_older_connection_of_the_same_device_type() {
    let world = World::start().await;
    let token = world.master_token("alice", 0).await;
    let mut old = subscribed_socket(&world, &token).await;

    let new = Chat::login(&world.server.base, &token);
    let mut new_events = new.events(0).await.unwrap();

    let close = close_frame(&mut old).await;
    assert_eq!(close.code, CloseCode::from(4001));
    assert!(close.reason.contains("replaced"), "{}", close.reason);

    // The SDK's stream, replaced in turn, says so and stops instead of fighting back.
    let newest = Chat::login(&world.server.base, &token);
    let _newest_events = newest.events(0).await.unwrap();
    let ended = tokio::time::timeout(EVENT_WAIT, async {
        loop {
            match new_events.next().await {
                Some(Event::Ended { code, .. }) => return code,
                Some(_) => continue,
                None => panic!("the stream closed without saying why"),
            }
        }
    })
    .await
    .expect("the replaced stream ends");
    assert_eq!(ended, 4001);
    assert!(new_events.next().await.is_none(), "and does not reconnect");
}

#[tokio::test]
async fn a_new_token_for_the_device_closes_the_connections_of_the_old_one() {
    let world = World::start().await;
    let old_token = world.master_token("alice", 1).await;
    let mut old = subscribed_socket(&world, &old_token).await;
    let other_device = world.master_token("alice", 0).await;
    let mut phone = subscribed_socket(&world, &other_device).await;

    // The same token again changes nothing.
    world
        .admin
        .set_user_token("alice", &old_token, 1, true)
        .await
        .unwrap();
    let new_token = world.master_token("alice", 1).await;

    let close = close_frame(&mut old).await;
    assert_eq!(close.code, CloseCode::from(4003));
    assert!(close.reason.contains("token"), "{}", close.reason);
    // The phone (another device flag) stays connected and is still served.
    phone
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    let pong = phone.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(pong.as_str().contains("pong"), "{pong}");
    // The new token connects; the old one is refused.
    let _new = subscribed_socket(&world, &new_token).await;
    assert!(
        tokio_tungstenite::connect_async(world.websocket_url(&old_token))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_token_withdrawn_before_the_first_ping_closes_the_connection_at_that_ping() {
    let world = World::start().await;
    let old_token = world.master_token("alice", 1).await;
    // Upgraded but not yet subscribed when the app gives the device a new token.
    let (mut early, _) = tokio_tungstenite::connect_async(world.websocket_url(&old_token))
        .await
        .unwrap();
    world.master_token("alice", 1).await;

    early
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    let close = close_frame(&mut early).await;
    assert_eq!(
        close.code,
        CloseCode::from(4003),
        "no pong and no events for a withdrawn token"
    );
}

#[tokio::test]
async fn the_websocket_refuses_a_missing_or_wrong_token() {
    let world = World::start().await;
    for url in [
        format!("{}/v1/ws", world.server.base.replacen("http", "ws", 1)),
        world.websocket_url("not-a-real-token"),
    ] {
        match tokio_tungstenite::connect_async(url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 401);
            }
            other => panic!("expected 401, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_slow_consumer_is_told_to_resync_while_the_others_lose_nothing() {
    let world = World::start().await;
    let slow_token = random_token("alice");
    world
        .admin
        .set_user_token("alice", &slow_token, 0, false)
        .await
        .unwrap();
    let fast = world.device("alice", 1).await;
    let bob = world.device("bob", 0).await;
    let (mut slow, _) = tokio_tungstenite::connect_async(world.websocket_url(&slow_token))
        .await
        .unwrap();
    slow.send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
        .unwrap();
    slow.next().await.unwrap().unwrap();
    let mut fast_events = fast.events(0).await.unwrap();

    // Large payloads fill the slow socket's kernel buffers quickly; then its queue overflows.
    let big = "x".repeat(60 * 1024);
    let messages = 200;
    let fast_reader = tokio::spawn(async move {
        let mut received = 0;
        while received < messages {
            if let ServerEvent::MessageReceived { message_list } =
                next_server_event(&mut fast_events).await
            {
                received += message_list.len();
            }
        }
        received
    });
    for chunk in 0..messages / 20 {
        let sends = (0..20).map(|index| {
            let bob = bob.clone();
            let payload = json!({"text": big, "n": chunk * 20 + index});
            async move { bob.send_message("C2Calice", payload, None).await.unwrap() }
        });
        futures_util::future::join_all(sends).await;
    }
    assert_eq!(
        fast_reader.await.unwrap(),
        messages,
        "the fast device lost nothing"
    );

    // Now the slow device reads: what was queued, then resyncRequired, then a close.
    let mut resync_version = None;
    let close = loop {
        match tokio::time::timeout(EVENT_WAIT, slow.next())
            .await
            .expect("frames or a close")
        {
            Some(Ok(Message::Text(text))) => {
                if let Ok(ServerEvent::ResyncRequired { version }) =
                    serde_json::from_str(text.as_str())
                {
                    resync_version = Some(version);
                }
            }
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    let version = resync_version.expect("resyncRequired before the close");
    assert_eq!(close.expect("a close frame").code, CloseCode::from(4002));
    let slow_chat = Chat::login(&world.server.base, &slow_token);
    let caught_up = slow_chat.sync(version, 0).await.unwrap();
    let conversation = caught_up
        .conversation_list
        .iter()
        .find(|conversation| conversation.conversation_id == "C2Cbob")
        .expect("the conversation it missed updates of");
    assert_eq!(conversation.unread_count, messages as u64);
}

#[tokio::test]
async fn a_device_offline_during_changes_gets_exactly_them_through_sync() {
    let world = World::start().await;
    world
        .admin
        .set_sync_conversation_deletion(true)
        .await
        .unwrap();
    let alice = world.device("alice", 0).await;
    let offline = world.device("alice", 1).await;
    let bob = world.device("bob", 0).await;
    let carol = world.device("carol", 0).await;
    let dave = world.device("dave", 0).await;
    bob.send_message("C2Calice", text("b"), None).await.unwrap();
    carol
        .send_message("C2Calice", text("c"), None)
        .await
        .unwrap();
    dave.send_message("C2Calice", text("d"), None)
        .await
        .unwrap();
    let version = offline.sync(0, 0).await.unwrap().version;

    // While the second device is away: a new message from carol, a deletion of dave's chat.
    carol
        .send_message("C2Calice", text("c2"), None)
        .await
        .unwrap();
    alice.delete_conversation("C2Cdave").await.unwrap();

    let changes = offline.sync(version, 0).await.unwrap();
    let changed: Vec<_> = changes
        .conversation_list
        .iter()
        .map(|conversation| conversation.conversation_id.as_str())
        .collect();
    assert_eq!(
        changed,
        vec!["C2Ccarol"],
        "bob's untouched conversation is not resent"
    );
    assert_eq!(
        changes.deleted_conversation_id_list,
        vec!["C2Cdave".to_string()]
    );
    assert!(!changes.reset_required);
    assert_eq!(
        offline
            .sync(changes.version, changes.profile_version)
            .await
            .unwrap()
            .conversation_list
            .len(),
        0
    );
}

#[tokio::test]
async fn the_sdk_stream_reconnects_and_catches_up_after_the_server_restarts() {
    let mut world = World::start().await;
    let alice = world.device("alice", 0).await;
    let bob_token = random_token("bob");
    world
        .admin
        .set_user_token("bob", &bob_token, 0, false)
        .await
        .unwrap();
    let bob = Chat::login(&world.server.base, &bob_token);
    bob.send_message("C2Calice", text("before"), None)
        .await
        .unwrap();
    let version = alice.sync(0, 0).await.unwrap().version;
    let mut events = alice.events(version).await.unwrap();

    let address = world.server.base.trim_start_matches("http://").to_owned();
    world.server.restart_on(&address).await;
    bob.send_message("C2Calice", text("while away"), None)
        .await
        .unwrap();

    let seen = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match events.next().await.expect("the stream keeps going") {
                Event::CaughtUp(changes) => {
                    if let Some(conversation) = changes
                        .conversation_list
                        .iter()
                        .find(|conversation| conversation.conversation_id == "C2Cbob")
                    {
                        return conversation.last_message.clone();
                    }
                }
                Event::Server(ServerEvent::ConversationListUpdated { conversation_list }) => {
                    if let Some(conversation) = conversation_list.into_iter().next() {
                        return conversation.last_message;
                    }
                }
                Event::Server(_) => {}
                Event::Ended { code, reason } => panic!("the server ended: {code} {reason}"),
            }
        }
    })
    .await
    .expect("the stream came back");
    assert_eq!(seen.expect("a last message").payload, text("while away"));
}

/// The peer conversation's `peerReadSeq` as `who` sees it now.
async fn peer_read_seq(who: &Chat, conversation_id: &str) -> u64 {
    who.conversation_profile(conversation_id)
        .await
        .unwrap()
        .peer_read_seq
}

#[tokio::test]
async fn a_read_reaches_the_senders_devices_as_a_receipt_and_a_deletion_does_not() {
    let world = World::start().await;
    let alice = world.device("alice", 0).await;
    let alice_web = world.device("alice", 1).await;
    let bob = world.device("bob", 0).await;
    let mut seqs = Vec::new();
    for body in ["one", "two", "three"] {
        seqs.push(
            alice
                .send_message("C2Cbob", text(body), None)
                .await
                .unwrap()
                .seq,
        );
    }
    assert_eq!(peer_read_seq(&alice, "C2Cbob").await, 0, "unread yet");
    let before = alice_web.sync(0, 0).await.unwrap().version;
    let mut web_events = alice_web.events(before).await.unwrap();

    // Bob reads the first two: both of alice's devices are pushed the receipt.
    bob.set_message_read("C2Calice", Some(seqs[1]))
        .await
        .unwrap();
    let pushed = wait_for(&mut web_events, |event| {
        matches!(event, ServerEvent::ConversationListUpdated { conversation_list }
            if conversation_list.iter().any(|c| c.peer_read_seq > 0))
    })
    .await;
    let ServerEvent::ConversationListUpdated { conversation_list } = pushed else {
        unreachable!()
    };
    assert_eq!(conversation_list[0].conversation_id, "C2Cbob");
    assert_eq!(conversation_list[0].peer_read_seq, seqs[1]);
    assert_eq!(peer_read_seq(&alice, "C2Cbob").await, seqs[1]);
    assert_eq!(
        peer_read_seq(&bob, "C2Calice").await,
        0,
        "alice read nothing of bob's"
    );

    // A device that was away learns it by sync: the receipt gave the conversation a version.
    let synced = alice.sync(before, 0).await.unwrap();
    let conversation = synced
        .conversation_list
        .iter()
        .find(|c| c.conversation_id == "C2Cbob")
        .expect("the receipt is a change the sync reports");
    assert_eq!(conversation.peer_read_seq, seqs[1]);

    // A new message's push carries the receipt as it stands (the delivery reads both rows).
    alice
        .send_message("C2Cbob", text("four"), None)
        .await
        .unwrap();
    let pushed = wait_for(&mut web_events, |event| {
        matches!(event, ServerEvent::ConversationListUpdated { conversation_list }
            if conversation_list.iter().any(|c| c.last_message.as_ref()
                .is_some_and(|last| last.payload == text("four"))))
    })
    .await;
    let ServerEvent::ConversationListUpdated { conversation_list } = pushed else {
        unreachable!()
    };
    assert_eq!(conversation_list[0].peer_read_seq, seqs[1]);

    // Deleting the conversation unread is not reading it; reading after it comes back is.
    bob.delete_conversations(&["C2Calice"], false)
        .await
        .unwrap();
    assert_eq!(peer_read_seq(&alice, "C2Cbob").await, seqs[1]);
    let last = alice
        .send_message("C2Cbob", text("five"), None)
        .await
        .unwrap()
        .seq;
    bob.set_all_message_read("C2C").await.unwrap();
    assert_eq!(peer_read_seq(&alice, "C2Cbob").await, last);
}

#[tokio::test]
async fn groups_have_no_receipts() {
    let world = World::start().await;
    let alice = world.device("alice", 0).await;
    let bob = world.device("bob", 0).await;
    world
        .admin
        .create_group("team", &["alice", "bob"])
        .await
        .unwrap();
    let sent = alice
        .send_message("GROUPteam", text("hi"), None)
        .await
        .unwrap();
    bob.set_message_read("GROUPteam", Some(sent.seq))
        .await
        .unwrap();
    assert_eq!(peer_read_seq(&alice, "GROUPteam").await, 0);
}
