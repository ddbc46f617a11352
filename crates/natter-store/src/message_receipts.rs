//! Read receipts of single messages (Tencent's `needReadReceipt`): a sender asks for them when
//! sending, each reader gives theirs once for the messages they have seen, and the sender
//! learns how many of those the message was sent to have read it, and who. Unlike the
//! one-to-one receipt of `crate::receipts`, which moves with a conversation's read position,
//! these are per message and per reader, in groups too, and the reader gives them on purpose:
//! they neither follow nor move the unread count.
//!
//! Who a group message counts as unread for is the group's current members who joined before
//! it was sent, its sender aside: those who left cannot read it any more, and those who joined
//! after it did not get it. A reader who left still counts as having read it.

use std::collections::BTreeMap;

use natter_core::{ConversationId, Uid};

use crate::db::params;
use crate::removal::{locate, visible_message};
use crate::{Db, Result, StoreError, StoredMessage};

/// How far one message has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptCount {
    pub message_id: i64,
    /// How many users gave a receipt for it.
    pub read: u64,
    /// How many of those it counts for have not.
    pub unread: u64,
}

/// The counts that a reader's receipts changed, for one sender to hear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub sender: Uid,
    /// The conversation, as the sender names it.
    pub conversation: ConversationId,
    pub counts: Vec<ReceiptCount>,
}

/// `reader` gives their receipts for `message_ids` of `conversation`. Each message must be one
/// they see there; of those, the ones that ask for receipts, from someone else and not recalled
/// are counted, each once per reader. Answers the changed counts grouped by sender, in the
/// order of the messages; empty when no message took a new receipt.
pub fn give(
    db: &dyn Db,
    reader: &Uid,
    conversation: &ConversationId,
    message_ids: &[i64],
    now_ms: i64,
) -> Result<Vec<Given>> {
    let Some(&first) = message_ids.first() else {
        return Ok(Vec::new());
    };
    // The channel's row first, as every change of its messages takes it (`crate::locks`): two
    // readers of one message are counted one after the other, so the counts the sender hears
    // last are the counts as they are.
    crate::locks::lock_channel(db, locate(db, first)?.channel_id)?;
    let mut by_sender: BTreeMap<Uid, Given> = BTreeMap::new();
    for &message_id in message_ids {
        let located = visible_message(db, reader, conversation, message_id)?;
        let message = &located.message;
        if !asks(message, reader) {
            continue;
        }
        let added = db.execute(
            "INSERT INTO message_receipts (message_id, uid, time_ms) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            params![message_id, reader.as_str(), now_ms],
        )?;
        if added == 0 {
            continue;
        }
        let sender = Uid::parse(&message.from, "from_uid")?;
        let counts = count(db, conversation, located.channel_id, message)?;
        by_sender
            .entry(sender.clone())
            .or_insert_with(|| Given {
                conversation: named_by_sender(conversation, reader),
                sender,
                counts: Vec::new(),
            })
            .counts
            .push(counts);
    }
    Ok(by_sender.into_values().collect())
}

/// The counts of those of `message_ids` that `uid` sent in `conversation` asking for receipts,
/// in the order asked. Messages they cannot see, did not send or that asked for none are left
/// out.
pub fn counts(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_ids: &[i64],
) -> Result<Vec<ReceiptCount>> {
    let mut counts = Vec::with_capacity(message_ids.len());
    for &message_id in message_ids {
        let located = match visible_message(db, uid, conversation, message_id) {
            Ok(located) => located,
            Err(StoreError::NoSuchMessage(_) | StoreError::MessageNotInConversation { .. }) => {
                continue;
            }
            Err(other) => return Err(other),
        };
        let message = &located.message;
        if message.needs_read_receipt && message.from == uid.as_str() {
            counts.push(count(db, conversation, located.channel_id, message)?);
        }
    }
    Ok(counts)
}

/// Which of a message's readers to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    /// Those who gave a receipt.
    Read,
    /// Those it counts as unread for.
    Unread,
}

/// One page of a group message's readers, or of the members it is unread for, in uid order:
/// up to `count` after `after`, and whether more follow. Only the message's sender may ask.
pub fn readers(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_id: i64,
    which: Readers,
    after: Option<&Uid>,
    count: usize,
) -> Result<(Vec<Uid>, bool)> {
    let located = visible_message(db, uid, conversation, message_id)?;
    if located.message.from != uid.as_str() {
        return Err(StoreError::NotTheSender {
            uid: uid.clone(),
            message_id,
        });
    }
    let after = after.map_or("", Uid::as_str);
    let limit = count as i64 + 1;
    let mut page: Vec<Uid> = match which {
        Readers::Read => db.query_map(
            "SELECT uid FROM message_receipts WHERE message_id = $1 AND uid > $2 \
             ORDER BY uid LIMIT $3",
            params![message_id, after, limit],
            |row| Ok(Uid::parse(row.text(0)?, "uid")?),
        )?,
        Readers::Unread if !located.message.needs_read_receipt => Vec::new(),
        Readers::Unread => db.query_map(
            &format!("SELECT ms.uid FROM {UNREAD_FOR} AND ms.uid > $5 ORDER BY ms.uid LIMIT $6"),
            params![
                located.channel_id,
                located.message.seq,
                uid.as_str(),
                message_id,
                after,
                limit
            ],
            |row| Ok(Uid::parse(row.text(0)?, "uid")?),
        )?,
    };
    let more = page.len() > count;
    page.truncate(count);
    Ok((page, more))
}

/// Whether `reader` owes `message` a receipt: it asks for them, another user sent it, and it
/// was not recalled.
fn asks(message: &StoredMessage, reader: &Uid) -> bool {
    message.needs_read_receipt && message.revoked_by.is_none() && message.from != reader.as_str()
}

/// The current members of channel `$1` who joined by seq `$2`, other than its sender `$3`,
/// without a receipt for message `$4`.
const UNREAD_FOR: &str = "memberships ms WHERE ms.channel_id = $1 AND ms.left_seq IS NULL \
    AND ms.join_seq <= $2 AND ms.uid <> $3 AND NOT EXISTS (SELECT 1 FROM message_receipts r \
    WHERE r.message_id = $4 AND r.uid = ms.uid)";

fn count(
    db: &dyn Db,
    conversation: &ConversationId,
    channel_id: i64,
    message: &StoredMessage,
) -> Result<ReceiptCount> {
    let read: u64 = db
        .query_one(
            "SELECT COUNT(*) FROM message_receipts WHERE message_id = $1",
            params![message.id],
        )?
        .get(0)?;
    let unread = match conversation {
        ConversationId::Group(_) => db
            .query_one(
                &format!("SELECT COUNT(*) FROM {UNREAD_FOR}"),
                params![channel_id, message.seq, message.from.as_str(), message.id],
            )?
            .get(0)?,
        // One-to-one, the peer is the only reader.
        _ => u64::from(read == 0),
    };
    Ok(ReceiptCount {
        message_id: message.id,
        read,
        unread,
    })
}

/// `conversation` as the other side of it names it: a group is the same for everyone; a
/// one-to-one conversation is named after `reader`.
fn named_by_sender(conversation: &ConversationId, reader: &Uid) -> ConversationId {
    match conversation {
        ConversationId::C2c(_) => ConversationId::C2c(reader.clone()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    //! The counts a group's receipts give, against who is a member when.

    use natter_core::{ConversationId, GroupId, Uid};

    use super::*;
    use crate::test_stores::{make_users, new_message, on_both};
    use crate::{NewMessage, Store, groups, messaging};

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    fn team() -> GroupId {
        GroupId::parse("team", "groupID").unwrap()
    }

    async fn send(store: &Store, from: &str, asks: bool) -> i64 {
        let message = NewMessage {
            message_type: "TIMTextElem".into(),
            needs_read_receipt: asks,
            ..new_message(
                &uid(from),
                ConversationId::Group(team()),
                r#"{"text":"hi"}"#,
            )
        };
        let sent = store.write(move |db| messaging::send(db, &message)).await;
        sent.unwrap().message.id
    }

    async fn give_as(store: &Store, reader: &str, ids: &[i64]) -> Vec<Given> {
        let (reader, ids) = (uid(reader), ids.to_vec());
        let to = ConversationId::Group(team());
        store
            .write(move |db| give(db, &reader, &to, &ids, 5))
            .await
            .unwrap()
    }

    async fn unread_for(store: &Store, message_id: i64) -> Vec<Uid> {
        let to = ConversationId::Group(team());
        let found = store
            .read(move |db| readers(db, &uid("ann"), &to, message_id, Readers::Unread, None, 10))
            .await;
        found.unwrap().0
    }

    #[test]
    fn a_group_message_counts_the_members_who_had_it_and_each_reader_once() {
        on_both(|place| async move {
            let store = place.open().await;
            let everyone = ["ann", "bob", "cat", "dan"].map(uid);
            store
                .write(move |db| {
                    make_users(db, everyone.clone())?;
                    groups::upsert(db, &team(), &everyone[..3], true, None, 1)
                })
                .await
                .unwrap();
            let asked = send(&store, "ann", true).await;
            let plain = send(&store, "ann", false).await;
            // Dan joins after it: it was never sent to him.
            store
                .write(|db| groups::add_members(db, &team(), &[uid("dan")], false, 2))
                .await
                .unwrap();

            let given = give_as(&store, "bob", &[asked, plain]).await;
            let counted = ReceiptCount {
                message_id: asked,
                read: 1,
                unread: 1,
            };
            assert_eq!(
                given,
                vec![Given {
                    sender: uid("ann"),
                    conversation: ConversationId::Group(team()),
                    counts: vec![counted.clone()],
                }]
            );
            assert!(
                give_as(&store, "bob", &[asked]).await.is_empty(),
                "twice is once"
            );
            assert_eq!(unread_for(&store, asked).await, vec![uid("cat")]);

            let ids = vec![asked, plain];
            let to = ConversationId::Group(team());
            let listed = store
                .read(move |db| counts(db, &uid("ann"), &to, &ids))
                .await
                .unwrap();
            assert_eq!(listed, vec![counted], "only the message that asked");

            // Cat leaves unread: no longer counted; Bob's receipt stays.
            store
                .write(|db| groups::leave_group(db, &team(), &uid("cat"), 3))
                .await
                .unwrap();
            assert!(unread_for(&store, asked).await.is_empty());

            let to = ConversationId::Group(team());
            let refused = store
                .read(move |db| readers(db, &uid("bob"), &to, asked, Readers::Read, None, 10))
                .await;
            assert!(
                matches!(refused, Err(StoreError::NotTheSender { .. })),
                "only the sender asks who read it: {refused:?}"
            );
            store.close().await;
        });
    }
}
