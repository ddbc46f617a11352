//! Group tips: the message a group shows its members when one of them changes it from a client
//! (someone joins, quits or is removed, the profile or the owner changes, an admin is named or
//! unnamed, a member is muted), as Tencent's server
//! writes them (`TIMGroupTipElem`, [`GroupTipPayload`]). Each is written in the change's own
//! transaction, so the change and its tip commit together. The app backend's changes through the
//! server API write none: WuKongIM's server writes none either, and its backends send their own.
//!
//! A tip is a message of the group like any other (a seq, history, unread for everyone but its
//! operator, the list's last message), from the member who made the change.

use std::collections::BTreeMap;

use natter_core::message::GROUP_TIP;
use natter_core::wire::{CustomField, GroupTipMember, GroupTipPayload, NewGroupProfile};
use natter_core::{ChannelKind, GroupId, Uid};

use crate::profiles;
use crate::rows;
use crate::{Db, GroupProfile, Result, Sent, StoreError, StoredMessage, UserRole};

/// What a tip tells (Tencent's `operationType`).
#[derive(Debug, Clone, PartialEq)]
pub enum Tip {
    /// `GRP_TIP_MBR_JOIN` (1): users joined, by themselves or added by the operator.
    Joined,
    /// `GRP_TIP_MBR_QUIT` (2): the operator left.
    Quit,
    /// `GRP_TIP_MBR_KICKED_OUT` (3): the operator removed members.
    KickedOut,
    /// `GRP_TIP_MBR_SET_ADMIN` (4): the owner named an admin.
    SetAdmin,
    /// `GRP_TIP_MBR_CANCELED_ADMIN` (5): the owner unnamed an admin.
    CanceledAdmin,
    /// `GRP_TIP_GRP_PROFILE_UPDATED` (6): the operator changed these fields of the profile.
    ProfileUpdated(NewGroupProfile),
    /// `GRP_TIP_MBR_PROFILE_UPDATED` (7): the operator muted members for `secs` (0: unmuted),
    /// which each member's `muteTime` tells.
    Muted { secs: u64 },
}

impl Tip {
    fn operation_type(&self) -> u8 {
        match self {
            Self::Joined => 1,
            Self::Quit => 2,
            Self::KickedOut => 3,
            Self::SetAdmin => 4,
            Self::CanceledAdmin => 5,
            Self::ProfileUpdated(_) => 6,
            Self::Muted { .. } => 7,
        }
    }
}

/// What a member's edit changed between two profiles of a group, as a profile tip names it;
/// `None` when nothing a tip tells of did. (The owner changes by a transfer, not by an edit.)
pub fn profile_changes(before: &GroupProfile, after: &GroupProfile) -> Option<NewGroupProfile> {
    let changed = |old: &String, new: &String| (old != new).then(|| new.clone());
    let changes = NewGroupProfile {
        owner_id: None,
        group_name: changed(&before.name, &after.name),
        notification: changed(&before.notice, &after.notice),
        introduction: changed(&before.introduction, &after.introduction),
        avatar: changed(&before.avatar, &after.avatar),
        join_option: changed(&before.join_option, &after.join_option),
        mute_all_members: (before.mute_all != after.mute_all).then_some(after.mute_all),
        group_custom_field: changed_fields(&before.custom_fields, &after.custom_fields),
    };
    (changes != NewGroupProfile::default()).then_some(changes)
}

/// The custom fields that differ between two profiles of a group, with their new values (`""`
/// for one removed), as Tencent's tip lists them; `None` when none does.
fn changed_fields(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Option<Vec<CustomField>> {
    let removed = before.keys().filter(|key| !after.contains_key(*key));
    let removed = removed.map(|key| (key, ""));
    let set = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value));
    let mut changed: Vec<CustomField> = set
        .map(|(key, value)| (key, value.as_str()))
        .chain(removed)
        .map(|(key, value)| CustomField {
            key: key.clone(),
            value: value.to_owned(),
        })
        .collect();
    changed.sort_by(|a, b| a.key.cmp(&b.key));
    (!changed.is_empty()).then_some(changed)
}

/// Writes the tip of a change `operator` made to the group, about `users` (those who joined,
/// quit, were removed, named or unnamed admins, or muted; the new owner, for a change of owner).
/// A membership tip about no one writes nothing: the change changed nothing.
pub fn write(
    db: &dyn Db,
    group: &GroupId,
    operator: &Uid,
    tip: Tip,
    users: &[Uid],
    now_ms: i64,
) -> Result<Option<Sent>> {
    if users.is_empty() && !matches!(tip, Tip::ProfileUpdated(_)) {
        return Ok(None);
    }
    let channel = rows::find_channel(db, ChannelKind::Group, group.as_str())?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?;
    let sender = rows::require_shown_user(db, operator, UserRole::Sender)?;
    let mute_time = match tip {
        Tip::Muted { secs } => Some(secs),
        _ => None,
    };
    let member_list = profiles::users(db, users)?
        .into_iter()
        .map(|profile| GroupTipMember {
            user_id: profile.uid.to_string(),
            nick: profile.nick,
            avatar: profile.avatar,
            mute_time,
        })
        .collect();
    let user_id_list = match &tip {
        Tip::ProfileUpdated(_) => vec![operator.to_string()],
        _ => users.iter().map(ToString::to_string).collect(),
    };
    let payload = GroupTipPayload {
        operation_type: tip.operation_type(),
        operator_id: operator.to_string(),
        user_id_list,
        member_list,
        member_count: profiles::group_profile(db, group)?.member_count,
        new_group_profile: match tip {
            Tip::ProfileUpdated(changes) => Some(changes),
            _ => None,
        },
    };
    let message = StoredMessage {
        id: 0,
        seq: 0,
        from: operator.to_string(),
        time_ms: now_ms,
        client_msg_no: None,
        message_type: GROUP_TIP.to_owned(),
        payload: serde_json::to_string(&payload).map_err(StoreError::internal)?,
        cloud_custom_data: String::new(),
        revoked_by: None,
        sender,
        silent: false,
        version: 0,
        needs_read_receipt: false,
        read_count: 0,
    };
    crate::messaging::append_found(db, channel, &message, crate::messaging::Reach::EVERYONE)
        .map(Some)
}
