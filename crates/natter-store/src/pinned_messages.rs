//! Messages pinned at the top of a group (Tencent's `pinGroupMessage`,
//! `getPinnedGroupMessageList`): at most [`MAX_PINNED_MESSAGES_PER_GROUP`] per group, each with
//! who pinned it. A pin is the group's, not a member's: every current member sees the same
//! list, and hears of each change. Pins go with their message.

use natter_core::group_rules::GroupAction;
use natter_core::limits::MAX_PINNED_MESSAGES_PER_GROUP;
use natter_core::{ConversationId, GroupId, Uid};

use crate::db::params;
use crate::groups::authorised;
use crate::profiles::current_member_of;
use crate::removal::visible_message;
use crate::rows::{self, MESSAGE_COLUMNS};
use crate::{Db, Result, StoreError, StoredMessage};

/// A member pins a message of the group, or unpins one.
#[derive(Debug, Clone)]
pub struct PinChange {
    pub group: GroupId,
    pub by: Uid,
    pub message_id: i64,
    pub pin: bool,
    pub now_ms: i64,
}

/// A pin that changed, and who is to hear of it.
#[derive(Debug, Clone)]
pub struct PinChanged {
    pub message: StoredMessage,
    /// The group's current members.
    pub members: Vec<Uid>,
}

/// A pinned message, with who pinned it.
#[derive(Debug, Clone)]
pub struct Pinned {
    pub message: StoredMessage,
    pub pinned_by: Uid,
}

/// Pins or unpins a message the member sees in the group, as the group's rules let them
/// (`GroupAction::PinMessages`). `None` when it was so already: nothing changed, and no one is
/// to hear of it. A recalled message is not pinned, and a group with the most pins takes no
/// more until one is unpinned.
pub fn change(db: &dyn Db, change: &PinChange) -> Result<Option<PinChanged>> {
    // Finding the group inside a write locks its channel's row (`crate::locks`): two pins at
    // once are counted one after the other.
    let (channel, _, _) = authorised(db, &change.group, &change.by, GroupAction::PinMessages)?;
    let conversation = ConversationId::Group(change.group.clone());
    let message = visible_message(db, &change.by, &conversation, change.message_id)?.message;
    let pinned = db.exists(
        "SELECT 1 FROM pinned_messages WHERE channel_id = $1 AND message_id = $2",
        params![channel.id, change.message_id],
    )?;
    if pinned == change.pin {
        return Ok(None);
    }
    if change.pin {
        if message.revoked_by.is_some() {
            return Err(StoreError::RecalledMessage(change.message_id));
        }
        let count: i64 = db
            .query_one(
                "SELECT COUNT(*) FROM pinned_messages WHERE channel_id = $1",
                params![channel.id],
            )?
            .get(0)?;
        if count as usize >= MAX_PINNED_MESSAGES_PER_GROUP {
            return Err(StoreError::PinnedMessageLimit {
                group: change.group.clone(),
                limit: MAX_PINNED_MESSAGES_PER_GROUP,
            });
        }
        db.execute(
            "INSERT INTO pinned_messages (channel_id, message_id, pinned_by, pinned_ms) \
             VALUES ($1, $2, $3, $4)",
            params![
                channel.id,
                change.message_id,
                change.by.as_str(),
                change.now_ms
            ],
        )?;
    } else {
        db.execute(
            "DELETE FROM pinned_messages WHERE channel_id = $1 AND message_id = $2",
            params![channel.id, change.message_id],
        )?;
    }
    let members = crate::messaging::current_members(db, channel.id)?;
    Ok(Some(PinChanged { message, members }))
}

/// The group's pinned messages, oldest message first, for a current member.
pub fn list(db: &dyn Db, uid: &Uid, group: &GroupId) -> Result<Vec<Pinned>> {
    let channel_id = current_member_of(db, uid, group)?;
    let sql = format!(
        "SELECT p.pinned_by, {MESSAGE_COLUMNS} FROM pinned_messages p \
         JOIN messages m ON m.id = p.message_id LEFT JOIN users su ON su.uid = m.from_uid \
         WHERE p.channel_id = $1 ORDER BY m.seq"
    );
    db.query(&sql, params![channel_id])?
        .iter()
        .map(|row| {
            Ok(Pinned {
                pinned_by: Uid::parse(&row.get::<String>(0)?, "pinned_by")?,
                message: rows::read_message(row, 1)?,
            })
        })
        .collect()
}
