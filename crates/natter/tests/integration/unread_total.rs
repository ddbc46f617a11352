//! The running unread total: after each kind of write, `GET /v1/unread` answers the stored
//! running total, and that equals the sum the unread rule gives over the user's conversation
//! rows, recomputed from the database behind the server's back; a database from before the
//! running total has it filled in when the server starts. On SQLite, and on PostgreSQL when
//! the suite runs there.

use crate::common::{Server, User};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use serde_json::{Value, json};

const USERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

/// The unread rule summed over the user's listed, unarchived, notifying conversations, in the
/// database's own SQL.
fn recount_sql(postgres: bool, uid: &str) -> String {
    let (greatest, least) = if postgres {
        ("GREATEST", "LEAST")
    } else {
        ("MAX", "MIN")
    };
    format!(
        "SELECT CAST(COALESCE(SUM({greatest}(0, \
             {least}(COALESCE(c.left_seq, ch.last_seq), ch.last_seq) \
             - {greatest}(c.read_seq, c.deleted_to_seq, c.cleared_to_seq, c.own_last_seq, \
                          c.join_seq - 1) \
             - c.uncounted)), 0) AS BIGINT) \
         FROM conversations c JOIN channels ch ON ch.id = c.channel_id \
         WHERE c.uid = '{uid}' AND c.listed = 1 AND c.archived = 0 AND c.remind NOT IN (1, 2)"
    )
}

/// Every user's total as the API answers it, as stored, and as recounted, must agree.
async fn check(server: &Server, users: &[User], step: &str) {
    let storage = server.storage();
    let postgres = storage.database_url.is_some();
    for user in users {
        let answered = user.total_unread().await;
        let uid = &user.uid;
        let stored = storage.query_number(&format!(
            "SELECT unread_total FROM users WHERE uid = '{uid}'"
        ));
        let recounted = storage.query_number(&recount_sql(postgres, uid));
        assert_eq!(
            (answered as i64, stored),
            (recounted, recounted),
            "{uid}'s total after {step}: answered, stored, recounted"
        );
    }
}

fn message_id(message: &Value) -> String {
    message["messageID"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_total_is_the_sum_of_the_rule_after_every_kind_of_write() {
    let server = Server::start().await;
    let manager = server.manager();
    let mut users = Vec::new();
    for uid in USERS {
        users.push(server.user(uid).await);
    }
    let [alice, bob, carol, dave] = [&users[0], &users[1], &users[2], &users[3]];
    manager
        .create_group("team", &["alice", "bob", "carol"])
        .await;
    check(&server, &users, "creating a group").await;

    bob.send_many("C2Calice", 3).await;
    carol.send_many("C2Calice", 2).await;
    dave.send_text("C2Calice", "hello").await;
    bob.send_many("GROUPteam", 2).await;
    alice.send_text("GROUPteam", "mine").await;
    check(&server, &users, "sends").await;

    let silent = json!({"from_uid": "bob", "channel_id": "alice", "channel_type": 1,
        "payload": BASE64.encode(json!({"type": 1, "content": "quiet"}).to_string()),
        "header": {"red_dot": 0}});
    manager.post("/message/send", silent).await.ok();
    check(&server, &users, "a silent message").await;

    manager
        .post(
            "/system/notices",
            json!({"uids": ["alice", "bob"], "payload": BASE64.encode("{}")}),
        )
        .await
        .ok();
    check(&server, &users, "system notices").await;

    alice.read("C2Cbob", Some(2)).await.ok();
    check(&server, &users, "a partial read").await;
    manager
        .post(
            "/conversations/setUnread",
            json!({"uid": "alice", "channel_id": "carol", "channel_type": 1, "unread": 1}),
        )
        .await
        .ok();
    check(&server, &users, "setUnread").await;
    manager
        .post(
            "/conversations/clearUnread",
            json!({"uid": "alice", "channel_id": "dave", "channel_type": 1}),
        )
        .await
        .ok();
    check(&server, &users, "clearUnread").await;

    alice
        .post(
            "/v1/conversations/archive",
            json!({"conversationIDList": ["C2Ccarol"]}),
        )
        .await
        .ok();
    carol.send_text("C2Calice", "into the archive").await;
    check(&server, &users, "archiving, and a message into the archive").await;
    alice
        .post(
            "/v1/conversations/restore",
            json!({"conversationIDList": ["C2Ccarol"]}),
        )
        .await
        .ok();
    check(&server, &users, "unarchiving").await;

    alice
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["GROUPteam"], "messageRemindType": "AcceptNotNotify"}),
        )
        .await
        .ok();
    bob.send_text("GROUPteam", "muted").await;
    check(&server, &users, "muting, and a message while muted").await;
    alice
        .post(
            "/v1/conversations/remindType",
            json!({"conversationIDList": ["GROUPteam"], "messageRemindType": "AcceptAndNotify"}),
        )
        .await
        .ok();
    check(&server, &users, "unmuting").await;

    alice
        .post(
            "/v1/conversations/mark",
            json!({"conversationIDList": ["C2Cbob"], "markType": 8, "enableMark": true}),
        )
        .await
        .ok();
    check(&server, &users, "hiding").await;

    let recalled = bob.send_text("C2Calice", "oops").await;
    bob.post(
        "/v1/messages/revoke",
        json!({"conversationID": "C2Calice", "messageID": message_id(&recalled)}),
    )
    .await
    .ok();
    check(&server, &users, "a recall").await;

    let unwanted = bob.send_text("GROUPteam", "unwanted").await;
    alice
        .post(
            "/v1/messages/delete",
            json!({"conversationID": "GROUPteam", "messageIDList": [message_id(&unwanted)]}),
        )
        .await
        .ok();
    check(&server, &users, "a delete-for-me").await;

    alice.delete(&["C2Cbob", "C2Cdave"], Some(false)).await.ok();
    check(&server, &users, "a deletion keeping history").await;
    manager
        .post(
            "/conversations/restore",
            json!({"uid": "alice", "channel_id": "bob", "channel_type": 1}),
        )
        .await
        .ok();
    check(&server, &users, "an admin restore").await;
    dave.send_text("C2Calice", "back again").await;
    check(&server, &users, "a revival by a new message").await;
    manager
        .post(
            "/conversations/batchDelete",
            json!({"uid": "alice", "channels": [{"channel_id": "carol", "channel_type": 1}],
                   "clear_history": true}),
        )
        .await
        .ok();
    check(&server, &users, "a server-API deletion clearing history").await;
    bob.post("/v1/conversations/C2Calice/clearHistory", json!({}))
        .await
        .ok();
    check(&server, &users, "clearing history").await;

    manager.remove_members("team", &["carol"]).await;
    bob.send_text("GROUPteam", "after carol").await;
    check(&server, &users, "a kick").await;
    manager.add_members("team", &["carol", "dave"]).await;
    bob.send_text("GROUPteam", "welcome").await;
    check(&server, &users, "joins").await;
    carol.post("/v1/groups/team/leave", json!({})).await.ok();
    bob.send_text("GROUPteam", "bye carol").await;
    check(&server, &users, "a leave").await;
    manager.dismiss_group("team").await;
    check(&server, &users, "a dismissal").await;

    alice
        .post("/v1/conversations/readAll", json!({}))
        .await
        .ok();
    check(&server, &users, "reading all").await;
    assert_eq!(alice.total_unread().await, 0);
}

/// A database written before the running total existed gets every user's total computed
/// from their conversations when the server starts.
#[tokio::test]
async fn an_older_database_gets_its_totals_filled_in() {
    let mut server = Server::start().await;
    let manager = server.manager();
    let mut users = Vec::new();
    for uid in USERS {
        users.push(server.user(uid).await);
    }
    manager
        .create_group("team", &["alice", "bob", "carol", "dave"])
        .await;
    users[1].send_many("C2Calice", 3).await;
    users[2].send_many("GROUPteam", 2).await;
    users[0].read("GROUPteam", Some(1)).await.ok();
    users[0].read("C2Cbob", Some(2)).await.ok();
    users[3].send_many("C2Cbob", 4).await;
    let totals: Vec<u64> = {
        let mut totals = Vec::new();
        for user in &users {
            totals.push(user.total_unread().await);
        }
        totals
    };
    assert_eq!(totals, [2, 6, 0, 2]);

    let address = server.base.trim_start_matches("http://").to_owned();
    server.stop().await;
    // Back to schema 5, the one before the running total, as an older Natter left it: without
    // what migration 6 (the total) and every later one added.
    const BEFORE_THE_TOTAL: i64 = 5;
    const LATER_SCHEMA: &str = "ALTER TABLE webhook_nodes DROP COLUMN presence_batch; DROP INDEX channels_by_community; ALTER TABLE channels DROP COLUMN supports_topics; ALTER TABLE channels DROP COLUMN community_id; ALTER TABLE channels DROP COLUMN topic_data; DROP TABLE group_member_marks; ALTER TABLE memberships DROP COLUMN joined_ms; ALTER TABLE messages DROP COLUMN excluded_from_last; DROP TABLE system_accounts; ALTER TABLE channels DROP COLUMN shared_data_revision; DROP TABLE group_bans; ALTER TABLE users DROP COLUMN details; \
        ALTER TABLE channels DROP COLUMN max_member_count; \
        ALTER TABLE channels DROP COLUMN custom_fields; \
        DROP TABLE group_attributes; \
        ALTER TABLE group_members DROP COLUMN custom_fields; \
        ALTER TABLE users DROP COLUMN unread_total; \
        DROP INDEX folder_members_by_channel; DROP TABLE purge_candidates; \
        ALTER TABLE conversations DROP COLUMN peer_read_seq; \
        ALTER TABLE channels DROP COLUMN owner_uid; ALTER TABLE channels DROP COLUMN introduction; \
        ALTER TABLE channels DROP COLUMN join_option; DROP TABLE mentions; \
        ALTER TABLE messages DROP COLUMN version; DROP TABLE group_applications; \
        DROP TABLE group_members; ALTER TABLE channels DROP COLUMN mute_all; \
        DROP TABLE friend_group_members; DROP TABLE friend_groups; DROP TABLE friend_requests; \
        DROP TABLE friends; ALTER TABLE users DROP COLUMN allow_type; \
        DROP TABLE message_reactions; ALTER TABLE messages DROP COLUMN reactions_version; \
        DROP TABLE status_subscriptions; DROP TABLE user_status; \
        DROP TABLE message_receipts; ALTER TABLE messages DROP COLUMN needs_read_receipt; \
        DROP TABLE pinned_messages; DROP TABLE group_counters; DROP TABLE follows; \
        DROP TABLE receive_options; DROP TABLE message_extensions;";
    let storage = server.storage();
    match &storage.database_url {
        None => {
            let path = storage.data_dir().join(natter_store::sqlite::DATABASE_FILE);
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute_batch(&format!(
                "{LATER_SCHEMA} PRAGMA user_version = {BEFORE_THE_TOTAL};"
            ))
            .unwrap();
        }
        Some(url) => {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                client
                    .batch_execute(&format!(
                        "{LATER_SCHEMA} UPDATE natter_schema SET version = {BEFORE_THE_TOTAL};"
                    ))
                    .unwrap();
            })
            .join()
            .unwrap();
        }
    }
    server.restart_on(&address).await;
    let mut after = Vec::new();
    for user in &users {
        after.push(user.total_unread().await);
    }
    assert_eq!(after, totals);
    check(&server, &users, "the migration").await;
    // The read receipts are copied from the readers' rows into their peers' rows.
    let bobs_view = users[1].conversation("C2Calice").await.ok();
    assert_eq!(bobs_view["peerReadSeq"], 2, "{bobs_view}");
    let alices_view = users[0].conversation("C2Cbob").await.ok();
    assert_eq!(alices_view["peerReadSeq"], 0, "bob read nothing of alice's");
}
