//! Reactions to messages (Tencent's `addMessageReaction`: an emoji response and the like). Any
//! member who sees a message may react to it with any reaction, once each, and take a reaction
//! back. Reactions are not part of a conversation's version or of sync: a device asks for those
//! of the messages it shows, and hears of changes live.

use natter_core::limits::{MAX_REACTIONS_PER_MESSAGE, MAX_USERS_PER_REACTION};
use natter_core::{ConversationId, Uid};

use crate::db::params;
use crate::removal::{locate, viewers, visible_message};
use crate::{Db, Result, StoreError};

/// A user adds a reaction to a message, or takes theirs back.
#[derive(Debug, Clone)]
pub struct ReactionChange {
    pub by: Uid,
    /// The conversation the message must be in, as the user names it.
    pub conversation: ConversationId,
    pub message_id: i64,
    pub reaction_id: String,
    pub add: bool,
    pub now_ms: i64,
}

/// A reaction as it is after a change, and who is to hear of it.
#[derive(Debug, Clone)]
pub struct ReactionChanged {
    pub message_id: i64,
    /// How many times the message's reactions have changed, this change included.
    pub version: u64,
    pub reaction_id: String,
    /// Everyone who reacted so, first to react first.
    pub users: Vec<Uid>,
    /// Every user who may see the message, with the conversation as they name it.
    pub members: Vec<(Uid, ConversationId)>,
}

/// One reaction to a message, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionSummary {
    pub reaction_id: String,
    /// How many users reacted so.
    pub total: u64,
    /// The first of them, first to react first.
    pub first_users: Vec<Uid>,
    /// Whether the user who asks is one of them.
    pub by_me: bool,
}

/// Adds or takes back a reaction. Refused when the user cannot see the message, when it was
/// recalled, when they reacted so already (adding) or did not (taking back), and when the
/// message has the most reactions, or the reaction the most users.
pub fn change(db: &dyn Db, change: &ReactionChange) -> Result<ReactionChanged> {
    // The channel's row first, as every change of its messages takes it: two users' reactions
    // to one message are counted one after the other.
    let channel_id = locate(db, change.message_id)?.channel_id;
    crate::locks::lock_channel(db, channel_id)?;
    let located = visible_message(db, &change.by, &change.conversation, change.message_id)?;
    if located.message.revoked_by.is_some() {
        return Err(StoreError::RecalledMessage(change.message_id));
    }
    let users = users_of(db, change.message_id, &change.reaction_id)?;
    let reacted = users.contains(&change.by);
    if change.add {
        if reacted {
            return Err(StoreError::AlreadyReacted {
                uid: change.by.clone(),
                message_id: change.message_id,
                reaction_id: change.reaction_id.clone(),
            });
        }
        if users.is_empty() && reaction_count(db, change.message_id)? >= MAX_REACTIONS_PER_MESSAGE {
            return Err(StoreError::ReactionLimit {
                message_id: change.message_id,
                limit: MAX_REACTIONS_PER_MESSAGE,
            });
        }
        if users.len() >= MAX_USERS_PER_REACTION {
            return Err(StoreError::ReactionUserLimit {
                message_id: change.message_id,
                reaction_id: change.reaction_id.clone(),
                limit: MAX_USERS_PER_REACTION,
            });
        }
        db.execute(
            "INSERT INTO message_reactions (message_id, reaction_id, uid, time_ms) \
             VALUES ($1, $2, $3, $4)",
            params![
                change.message_id,
                &change.reaction_id,
                change.by.as_str(),
                change.now_ms
            ],
        )?;
    } else {
        if !reacted {
            return Err(StoreError::NotReacted {
                uid: change.by.clone(),
                message_id: change.message_id,
                reaction_id: change.reaction_id.clone(),
            });
        }
        db.execute(
            "DELETE FROM message_reactions WHERE message_id = $1 AND reaction_id = $2 AND uid = $3",
            params![change.message_id, &change.reaction_id, change.by.as_str()],
        )?;
    }
    let version: u64 = db
        .query_one(
            "UPDATE messages SET reactions_version = reactions_version + 1 WHERE id = $1 \
             RETURNING reactions_version",
            params![change.message_id],
        )?
        .get(0)?;
    let members = viewers(db, channel_id, located.message.seq)?;
    Ok(ReactionChanged {
        message_id: change.message_id,
        version,
        reaction_id: change.reaction_id.clone(),
        users: users_of(db, change.message_id, &change.reaction_id)?,
        members,
    })
}

/// A message's reactions as a list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReactions {
    pub message_id: i64,
    /// How many times its reactions have changed.
    pub version: u64,
    /// In the order each was first made.
    pub reactions: Vec<ReactionSummary>,
}

/// The reactions to each of `message_ids` that `uid` sees in `conversation`, oldest reaction
/// first, each with its first `max_users` users. A message the user cannot see, or that is in
/// another conversation, has none.
pub fn summaries(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_ids: &[i64],
    max_users: usize,
) -> Result<Vec<MessageReactions>> {
    let mut answers = Vec::with_capacity(message_ids.len());
    for &message_id in message_ids {
        let (version, reactions) = match visible_message(db, uid, conversation, message_id) {
            Ok(_) => {
                let version: u64 = db
                    .query_one(
                        "SELECT reactions_version FROM messages WHERE id = $1",
                        params![message_id],
                    )?
                    .get(0)?;
                (version, summarise(db, uid, message_id, max_users)?)
            }
            Err(
                StoreError::NoSuchMessage(_)
                | StoreError::MessageNotInConversation { .. }
                | StoreError::UnknownUser { .. },
            ) => (0, Vec::new()),
            Err(other) => return Err(other),
        };
        answers.push(MessageReactions {
            message_id,
            version,
            reactions,
        });
    }
    Ok(answers)
}

/// One page of the users who reacted to a message so, first to react first: `count` of them
/// from the `from`th, and where the next page starts (`None`: this was the last).
pub fn users(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    message_id: i64,
    reaction_id: &str,
    from: usize,
    count: usize,
) -> Result<(Vec<Uid>, Option<usize>)> {
    visible_message(db, uid, conversation, message_id)?;
    let all = users_of(db, message_id, reaction_id)?;
    let page: Vec<Uid> = all.iter().skip(from).take(count).cloned().collect();
    let next = from + page.len();
    Ok((page, (next < all.len()).then_some(next)))
}

fn users_of(db: &dyn Db, message_id: i64, reaction_id: &str) -> Result<Vec<Uid>> {
    db.query_map(
        "SELECT uid FROM message_reactions WHERE message_id = $1 AND reaction_id = $2 \
         ORDER BY time_ms, uid",
        params![message_id, reaction_id],
        |row| Ok(Uid::parse(row.text(0)?, "uid")?),
    )
}

fn reaction_count(db: &dyn Db, message_id: i64) -> Result<usize> {
    let count: i64 = db
        .query_one(
            "SELECT COUNT(DISTINCT reaction_id) FROM message_reactions WHERE message_id = $1",
            params![message_id],
        )?
        .get(0)?;
    Ok(count as usize)
}

/// A message's reactions, in the order each was first made.
fn summarise(
    db: &dyn Db,
    uid: &Uid,
    message_id: i64,
    max_users: usize,
) -> Result<Vec<ReactionSummary>> {
    let rows = db.query(
        "SELECT reaction_id, uid FROM message_reactions WHERE message_id = $1 \
         ORDER BY time_ms, uid",
        params![message_id],
    )?;
    let mut summaries: Vec<ReactionSummary> = Vec::new();
    for row in rows {
        let reaction_id: String = row.get(0)?;
        let user: String = row.get(1)?;
        let user = Uid::parse(&user, "uid")?;
        let index = match summaries.iter().position(|s| s.reaction_id == reaction_id) {
            Some(index) => index,
            None => {
                summaries.push(ReactionSummary {
                    reaction_id,
                    total: 0,
                    first_users: Vec::new(),
                    by_me: false,
                });
                summaries.len() - 1
            }
        };
        let summary = &mut summaries[index];
        summary.total += 1;
        summary.by_me |= &user == uid;
        if summary.first_users.len() < max_users {
            summary.first_users.push(user);
        }
    }
    Ok(summaries)
}
