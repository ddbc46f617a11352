//! Messages pinned at the top of a group (Tencent's `pinGroupMessage`,
//! `getPinnedGroupMessageList`): a member with the right pins or unpins, and every current
//! member's devices hear it.

use std::collections::HashMap;

use natter_core::wire::{self, ServerEvent};
use natter_core::{ConversationId, GroupId, Result, Uid};
use natter_store::pinned_messages::{self, PinChange};
use natter_store::{Db, profiles};

use crate::events::{Frame, Recipients};
use crate::removal::parse_message_id;
use crate::{Natter, now_ms, present};

impl Natter {
    /// `POST /v1/groups/{groupID}/pinned-messages`: pins a message of the group, or unpins it;
    /// a pin that is so already changes nothing and tells no one.
    pub async fn pin_group_message(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::PinMessageRequest,
    ) -> Result<wire::Empty> {
        let group = GroupId::parse(group_id, "groupID")?;
        let change = PinChange {
            group: group.clone(),
            by: uid.clone(),
            message_id: parse_message_id(&request.message_id, "messageID")?,
            pin: request.is_pinned,
            now_ms: now_ms(),
        };
        let by = uid.clone();
        let changed = self
            .write_on_messages("messageID", move |db| {
                match pinned_messages::change(db, &change)? {
                    Some(changed) => Ok(Some((changed, pinner(db, &by)?))),
                    None => Ok(None),
                }
            })
            .await?;
        let Some((changed, operator_info)) = changed else {
            return Ok(wire::Empty {});
        };
        let event = ServerEvent::GroupPinnedMessageUpdated {
            group_id: group.to_string(),
            message: Box::new(present::message(
                &changed.message,
                &ConversationId::Group(group),
            )),
            is_pinned: request.is_pinned,
            operator_info,
        };
        let frame = Frame::new(event, None);
        for member in &changed.members {
            if self.events.may_be_online(member) {
                self.events.publish(member, &frame, Recipients::All);
            }
        }
        Ok(wire::Empty {})
    }

    /// `GET /v1/groups/{groupID}/pinned-messages`: the group's pinned messages, for a current
    /// member.
    pub async fn pinned_group_messages(
        &self,
        uid: &Uid,
        group_id: &str,
    ) -> Result<wire::PinnedMessageList> {
        let group = GroupId::parse(group_id, "groupID")?;
        let (reader, asked) = (uid.clone(), group.clone());
        let (pinned, pinners) = self
            .read(move |db| {
                let pinned = pinned_messages::list(db, &reader, &asked)?;
                let mut pinners: Vec<Uid> = pinned.iter().map(|p| p.pinned_by.clone()).collect();
                pinners.sort();
                pinners.dedup();
                Ok((pinned, profiles::users(db, &pinners)?))
            })
            .await?;
        let shown: HashMap<&Uid, wire::UserProfile> = pinners
            .iter()
            .map(|profile| (&profile.uid, present::user(profile)))
            .collect();
        let conversation = ConversationId::Group(group);
        Ok(wire::PinnedMessageList {
            message_list: pinned
                .iter()
                .map(|pinned| wire::PinnedMessage {
                    message: present::message(&pinned.message, &conversation),
                    pinner_info: shown
                        .get(&pinned.pinned_by)
                        .cloned()
                        .unwrap_or_else(|| unknown_user(&pinned.pinned_by)),
                })
                .collect(),
        })
    }
}

/// Who pinned, as the event shows them.
fn pinner(db: &dyn Db, uid: &Uid) -> natter_store::Result<wire::UserProfile> {
    Ok(profiles::user(db, uid)?
        .map(|profile| present::user(&profile))
        .unwrap_or_else(|| unknown_user(uid)))
}

/// A user without a profile row any more: their ID, nothing else.
fn unknown_user(uid: &Uid) -> wire::UserProfile {
    wire::UserProfile {
        user_id: uid.to_string(),
        nick: String::new(),
        avatar: String::new(),
    }
}
