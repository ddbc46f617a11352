//! Requests to join a group that takes new members with approval (Tencent's `joinGroup` on a
//! `NeedPermission` group, `getGroupApplicationList` and `handleGroupApplication`). A request
//! waits, one per user and group, until the group's owner or an admin approves it (the user
//! joins) or refuses it; either way it is gone. Who may ask and who may answer is
//! `natter_core::group_rules`.

use natter_core::group_rules::GroupAction;
use natter_core::{GroupId, Uid};

use crate::db::params;
use crate::groups;
use crate::{Db, MembershipChange, Result, StoreError};

/// A request to join, as the owner or admin who answers it lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupApplication {
    pub group: GroupId,
    pub group_name: String,
    pub applicant: Uid,
    /// The applicant's nick (empty when they set none).
    pub applicant_nick: String,
    /// What they wrote with the request (Tencent's `applyMessage`).
    pub message: String,
    pub time_ms: i64,
}

/// Records `uid`'s request to join the group whose channel is `channel_id`; asking again replaces
/// the message and the time.
pub(crate) fn ask(
    db: &dyn Db,
    channel_id: i64,
    uid: &Uid,
    message: &str,
    now_ms: i64,
) -> Result<()> {
    db.execute(
        "INSERT INTO group_applications (channel_id, uid, message, time_ms) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel_id, uid) DO UPDATE SET message = $3, time_ms = $4",
        params![channel_id, uid.as_str(), message, now_ms],
    )?;
    Ok(())
}

/// The requests waiting for `manager`, oldest first: those to the groups they own or administer
/// that are not dismissed, from users who are not members by now (the app backend may have added
/// them).
pub fn pending_for(db: &dyn Db, manager: &Uid) -> Result<Vec<GroupApplication>> {
    db.query(
        "SELECT ch.key, ch.name, a.uid, COALESCE(u.nick, ''), a.message, a.time_ms \
         FROM group_applications a \
         JOIN channels ch ON ch.id = a.channel_id \
         LEFT JOIN users u ON u.uid = a.uid \
         WHERE (ch.owner_uid = $1 OR EXISTS ( \
             SELECT 1 FROM group_members r \
             WHERE r.channel_id = a.channel_id AND r.uid = $1 AND r.is_admin = 1)) \
         AND ch.dismissed = 0 AND NOT EXISTS ( \
             SELECT 1 FROM conversations c \
             WHERE c.channel_id = a.channel_id AND c.uid = a.uid AND c.left_seq IS NULL) \
         ORDER BY a.time_ms, a.uid",
        params![manager.as_str()],
    )?
    .iter()
    .map(|row| {
        Ok(GroupApplication {
            group: GroupId::parse(&row.get::<String>(0)?, "groupID")?,
            group_name: row.get(1)?,
            applicant: Uid::parse(&row.get::<String>(2)?, "applicant")?,
            applicant_nick: row.get(3)?,
            message: row.get(4)?,
            time_ms: row.get(5)?,
        })
    })
    .collect()
}

/// How the owner or an admin answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Agree,
    Reject,
}

/// The owner or an admin (`by`) answers `applicant`'s request: approved, the applicant joins as
/// when they join a group open to all, the group's tip naming who approved; refused, nothing
/// changes. The request is gone either way. `None` when refused, or when the applicant was a
/// member already.
pub fn handle(
    db: &dyn Db,
    group: &GroupId,
    by: &Uid,
    applicant: &Uid,
    decision: Decision,
    now_ms: i64,
) -> Result<Option<MembershipChange>> {
    let (channel, _, _) = groups::authorised(db, group, by, GroupAction::HandleApplication)?;
    let removed = db.execute(
        "DELETE FROM group_applications WHERE channel_id = $1 AND uid = $2",
        params![channel.id, applicant.as_str()],
    )?;
    if removed == 0 {
        return Err(StoreError::NoSuchApplication {
            group: group.clone(),
            applicant: applicant.clone(),
        });
    }
    match decision {
        Decision::Reject => Ok(None),
        Decision::Agree => groups::admit(db, &channel, group, applicant, by, now_ms),
    }
}
