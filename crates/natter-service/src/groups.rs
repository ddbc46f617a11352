//! Groups, managed by the app backend through the server API (the calls a client makes are in
//! `client_groups.rs`).

use std::collections::HashSet;

use natter_core::wire::{ChannelRef, ChannelRequest};
use natter_core::{ChannelKind, ConversationId, Error, GroupId, Result, Uid};
use serde_json::json;

use natter_store::{GroupProfile, MembershipChange, groups, profiles};

use crate::client_groups::audience_if;
use crate::{Natter, now_ms};

/// What `POST /channel/subscriber_*` does to the listed members.
#[derive(Debug, Clone, Copy)]
enum Membership {
    Add,
    Remove,
}

impl Natter {
    /// `POST /channel`: creates the group or adds members; `reset: 1` replaces the member list.
    /// Members who never had a token are registered, as on WuKongIM's other paths.
    /// With `disband: 1` the group is then dismissed, as WuKongIM stores the channel disbanded
    /// with its subscribers.
    pub async fn upsert_group(&self, request: ChannelRequest) -> Result<()> {
        let group = group_id(request.channel_type, &request.channel_id)?;
        let members = distinct_uids(&request.subscribers, "subscribers")?;
        let reset = resets(request.reset)?;
        refuse_ban(request.ban)?;
        let disband = disbands(request.disband)?;
        let (id, open, now_ms) = (group.clone(), request.new_members_see_history, now_ms());
        let (change, moved) = self
            .write_registering(members.clone(), move |db| {
                let change = groups::upsert(db, &id, &members, reset, open, now_ms)?;
                let moved = moved_members(db, &id, &change)?;
                Ok((change, moved))
            })
            .await?;
        self.notify_membership(&group, &change.rejoined).await;
        self.tell_removed(&group, &change.left, None).await;
        self.tell_members_moved(moved);
        if disband {
            self.dismiss_group(ChannelRef {
                channel_id: group.to_string(),
                channel_type: ChannelKind::Group.code(),
            })
            .await?;
        }
        Ok(())
    }

    pub async fn add_members(&self, request: ChannelRequest) -> Result<()> {
        self.change_members(request, Membership::Add).await
    }

    pub async fn remove_members(&self, request: ChannelRequest) -> Result<()> {
        self.change_members(request, Membership::Remove).await
    }

    /// `POST /channel/subscriber_remove_all`: every current member is removed, as
    /// [`Natter::remove_members`] removes some. A group that does not exist is done, as on
    /// WuKongIM.
    pub async fn remove_all_members(&self, channel: ChannelRef) -> Result<()> {
        let group = group_id(channel.channel_type, &channel.channel_id)?;
        self.remove_by_app(group, groups::remove_all_members).await
    }

    /// The app backend removes members (`remove`, in the store): they hear it, and so does
    /// everyone who shows the group.
    async fn remove_by_app(
        &self,
        group: GroupId,
        remove: impl Fn(&dyn natter_store::Db, &GroupId) -> natter_store::Result<MembershipChange>
        + Send
        + Sync
        + 'static,
    ) -> Result<()> {
        let id = group.clone();
        let (change, moved) = self
            .write(move |db| {
                let change = remove(db, &id)?;
                let moved = moved_members(db, &id, &change)?;
                Ok((change, moved))
            })
            .await?;
        self.tell_removed(&group, &change.left, None).await;
        self.tell_members_moved(moved);
        Ok(())
    }

    async fn change_members(&self, request: ChannelRequest, membership: Membership) -> Result<()> {
        // WuKongIM's subscriber_add takes a channel_type left out as a group.
        let channel_type = match (&membership, request.channel_type) {
            (Membership::Add, 0) => ChannelKind::Group.code(),
            (_, channel_type) => channel_type,
        };
        let group = group_id(channel_type, &request.channel_id)?;
        let members = distinct_uids(&request.subscribers, "subscribers")?;
        if members.is_empty() {
            return Err(Error::invalid_argument(
                "subscribers: is empty; list at least one uid",
            ));
        }
        match membership {
            Membership::Add => {
                if request.temp_subscriber.is_some_and(|temp| temp != 0) {
                    return Err(Error::invalid_argument(
                        "temp_subscriber: temporary subscribers are not supported; add members",
                    ));
                }
                let reset = resets(request.reset)?;
                let (id, now_ms) = (group.clone(), now_ms());
                let (change, moved) = self
                    .write_registering(members.clone(), move |db| {
                        let change = groups::add_members(db, &id, &members, reset, now_ms)?;
                        let moved = moved_members(db, &id, &change)?;
                        Ok((change, moved))
                    })
                    .await?;
                self.notify_membership(&group, &change.rejoined).await;
                self.tell_removed(&group, &change.left, None).await;
                self.tell_members_moved(moved);
                Ok(())
            }
            Membership::Remove => {
                let remove = move |db: &dyn natter_store::Db, id: &GroupId| {
                    groups::remove_members(db, id, &members)
                };
                self.remove_by_app(group, remove).await
            }
        }
    }

    /// Everyone who shows a group whose members the app backend moved hears it, as they hear
    /// of a client's changes (`tell_group_changed`).
    fn tell_members_moved(&self, moved: Option<(GroupProfile, Vec<Uid>)>) {
        if let Some((profile, audience)) = moved {
            self.tell_group_changed(&profile, &audience);
        }
    }

    /// `POST /v1/groups/{groupID}/leave`: a member leaves by themself; the group's tip tells the
    /// others, and a silent notice in `@TIM#SYSTEM` their own devices (Tencent's quit notice,
    /// which TUIKit reads to close the group on the other devices). Their conversation stays,
    /// read-only, with the history up to now. Returns whether they were a member until now (a
    /// former member leaves again without an error, and nothing changes).
    pub async fn leave_group(&self, uid: &Uid, group_id: &str) -> Result<bool> {
        let group = GroupId::parse(group_id, "groupID")?;
        let (id, member, now_ms) = (group.clone(), uid.clone(), now_ms());
        let (change, profile, audience) = self
            .write(move |db| {
                let change = groups::leave_group(db, &id, &member, now_ms)?;
                // Its member count changed, and its owner when the owner of a work group left.
                let audience = audience_if(db, &id, !change.left.is_empty())?;
                Ok((change, profiles::group_profile(db, &id)?, audience))
            })
            .await?;
        self.notify_membership(&group, &change.left).await;
        self.tell_group_changed(&profile, &audience);
        self.announce_tip(change.tip.as_ref()).await;
        let notice = group_notice("groupQuit", &group, Some(uid));
        self.notify_each_silently(&change.left, &notice).await;
        Ok(!change.left.is_empty())
    }

    /// `POST /channel/delete`: dismisses the group; members keep read-only conversations and
    /// find a notice in `@TIM#SYSTEM`. A group that does not exist is done, as on WuKongIM.
    pub async fn dismiss_group(&self, channel: ChannelRef) -> Result<()> {
        let group = group_id(channel.channel_type, &channel.channel_id)?;
        let id = group.clone();
        let change = self.write(move |db| groups::dismiss(db, &id)).await?;
        self.tell_dismissed(&group, &change.left, None).await;
        Ok(())
    }

    /// The members of a dismissed group see their conversation turn read-only and find a
    /// notice in `@TIM#SYSTEM`, naming the member who dismissed it (`None`: the app backend).
    pub(crate) async fn tell_dismissed(
        &self,
        group: &GroupId,
        members: &[Uid],
        operator: Option<&Uid>,
    ) {
        self.notify_membership(group, members).await;
        let notice = group_notice("groupDismissed", group, operator);
        self.notify_each(members, &notice).await;
    }

    /// The devices of members who left, or joined again, see their conversation change (read-only
    /// now, or counting unread messages from the rejoin on).
    pub(crate) async fn notify_membership(&self, group: &GroupId, members: &[Uid]) {
        let conversation = ConversationId::Group(group.clone());
        for uid in members {
            if !self.events.may_be_online(uid) {
                continue;
            }
            match self.find_conversation(uid, &conversation).await {
                Ok(Some(view)) => self.notify_changed(uid, &[view]).await,
                Ok(None) => {}
                Err(error) => tracing::warn!(%uid, %error, "cannot tell a member of a change"),
            }
        }
    }

    /// Removed members find a notice in `@TIM#SYSTEM`, naming the member who removed them
    /// (`None`: the app backend).
    pub(crate) async fn tell_removed(
        &self,
        group: &GroupId,
        removed: &[Uid],
        operator: Option<&Uid>,
    ) {
        self.notify_membership(group, removed).await;
        let notice = group_notice("groupMemberRemoved", group, operator);
        self.notify_each(removed, &notice).await;
    }
}

/// A group notice for `@TIM#SYSTEM`; `operatorID` names the member who acted, when one did
/// (Tencent's group system notices carry it).
pub(crate) fn group_notice(
    kind: &str,
    group: &GroupId,
    operator: Option<&Uid>,
) -> serde_json::Value {
    let mut notice = json!({"type": kind, "groupID": group.to_string()});
    if let Some(operator) = operator {
        notice["operatorID"] = json!(operator.to_string());
    }
    notice
}

/// Group endpoints take `channel_type` 2 only: personal channels have no member list to manage.
fn group_id(channel_type: i64, channel_id: &str) -> Result<GroupId> {
    if channel_type != ChannelKind::Group.code() {
        return Err(Error::invalid_argument(format!(
            "channel_type: {channel_type} is not supported here; groups are channel_type 2"
        )));
    }
    GroupId::parse(channel_id, "channel_id")
}

/// WuKongIM's `reset`: whether the listed members become the only ones; 0 or 1 only.
fn resets(reset: u8) -> Result<bool> {
    match reset {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(Error::invalid_argument(format!(
            "reset: {other} is not 0 or 1"
        ))),
    }
}

/// WuKongIM's `ban`: only 0 is accepted. A banned WuKongIM channel takes messages from no one
/// but the system; Natter has no such state, and taking the flag without acting on it would let
/// the messages it was meant to stop through.
pub(crate) fn refuse_ban(ban: Option<u8>) -> Result<()> {
    match ban {
        None | Some(0) => Ok(()),
        Some(_) => Err(Error::invalid_argument(
            "ban: banning a channel is not supported; remove its members instead",
        )),
    }
}

/// WuKongIM's `disband`: whether to dismiss the group; 0 or 1 only, checked before anything is
/// written, so that `disband: 2` dismisses nothing.
pub(crate) fn disbands(disband: Option<u8>) -> Result<bool> {
    match disband {
        None | Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(other) => Err(Error::invalid_argument(format!(
            "disband: {other} is not 0 or 1"
        ))),
    }
}

/// Parses a list of user IDs named `field`, all or nothing, dropping repeats.
pub(crate) fn distinct_uids(uids: &[String], field: &str) -> Result<Vec<Uid>> {
    let mut seen = HashSet::new();
    let mut distinct = Vec::with_capacity(uids.len());
    for uid in uids {
        let uid = Uid::parse(uid, field)?;
        if seen.insert(uid.clone()) {
            distinct.push(uid);
        }
    }
    Ok(distinct)
}

/// The group's profile and everyone who shows it, read in the write that made `change`, when
/// it moved the group's members (their member count changed).
fn moved_members(
    db: &dyn natter_store::Db,
    group: &GroupId,
    change: &MembershipChange,
) -> natter_store::Result<Option<(GroupProfile, Vec<Uid>)>> {
    if !change.moved_members() {
        return Ok(None);
    }
    Ok(Some((
        profiles::group_profile(db, group)?,
        profiles::group_audience(db, group)?,
    )))
}
