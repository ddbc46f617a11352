//! Two users chat, then alice deletes the conversation: once keeping history, once clearing it.
//!
//! Run against a server started with a manager token:
//! `NATTER_URL=http://127.0.0.1:5001 NATTER_MANAGER_TOKEN=… cargo run -p natter-sdk --example delete_conversation`

use natter_sdk::{Admin, Chat};
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NATTER_URL").unwrap_or_else(|_| "http://127.0.0.1:5001".into());
    let manager_token = std::env::var("NATTER_MANAGER_TOKEN")?;
    let admin = Admin::new(&url, &manager_token);
    admin
        .set_user_token("alice", "alice-example-token", 0, false)
        .await?;
    admin
        .set_user_token("bob", "bob-example-token", 0, false)
        .await?;
    let alice = Chat::login(&url, "alice-example-token");
    let bob = Chat::login(&url, "bob-example-token");

    bob.send_message("C2Calice", json!({"text": "lunch?"}), None)
        .await?;
    let unread = alice.total_unread_message_count().await?;
    println!("alice has {unread} unread");

    // Keep history: the entry goes, the messages stay readable.
    alice.delete_conversations(&["C2Cbob"], false).await?;
    let kept = alice.message_list("C2Cbob", None, 20).await?;
    println!(
        "after delete (history kept): {} messages readable",
        kept.message_list.len()
    );
    assert!(
        alice
            .conversation_list(&Default::default())
            .await?
            .is_empty()
    );

    // A new message revives it, with only the new message unread.
    bob.send_message("C2Calice", json!({"text": "still on?"}), None)
        .await?;
    let revived = alice.conversation_profile("C2Cbob").await?;
    println!("revived with {} unread", revived.unread_count);
    assert_eq!(revived.unread_count, 1);

    // The SDK default clears history, as the reference SDK does.
    let deleted = alice.delete_conversation("C2Cbob").await?;
    let cleared = alice.message_list("C2Cbob", None, 20).await?;
    println!(
        "deleted {deleted}; history now holds {} messages",
        cleared.message_list.len()
    );
    assert!(cleared.message_list.is_empty());

    // Bob's side is untouched.
    let bobs = bob.message_list("C2Calice", None, 20).await?;
    println!("bob still sees {} messages", bobs.message_list.len());
    assert!(bobs.message_list.len() >= 2);
    Ok(())
}
