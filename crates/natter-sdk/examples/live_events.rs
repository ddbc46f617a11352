//! Two devices of alice: a deletion on one reaches the other when the app's deletion sync is on.
//!
//! `NATTER_URL=… NATTER_MANAGER_TOKEN=… cargo run -p natter-sdk --example live_events`

use natter_sdk::wire::ServerEvent;
use natter_sdk::{Admin, Chat, Event};
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NATTER_URL").unwrap_or_else(|_| "http://127.0.0.1:5001".into());
    let admin = Admin::new(&url, &std::env::var("NATTER_MANAGER_TOKEN")?);
    admin.set_sync_conversation_deletion(true).await?;
    admin
        .set_user_token("alice", "alice-phone-token", 0, false)
        .await?;
    admin
        .set_user_token("alice", "alice-laptop-token", 2, false)
        .await?;
    admin
        .set_user_token("carol", "carol-example-token", 0, false)
        .await?;
    let phone = Chat::login(&url, "alice-phone-token");
    let laptop = Chat::login(&url, "alice-laptop-token");
    let carol = Chat::login(&url, "carol-example-token");

    carol
        .send_message("C2Calice", json!({"text": "hello"}), None)
        .await?;
    let mut laptop_events = laptop.events(laptop.sync(0, 0).await?.version).await?;
    phone.delete_conversation("C2Ccarol").await?;

    while let Some(event) = laptop_events.next().await {
        if let Event::Server(ServerEvent::ConversationDeleted {
            conversation_id_list,
            ..
        }) = event
        {
            println!("the laptop learned of the deletion of {conversation_id_list:?}");
            break;
        }
    }
    Ok(())
}
