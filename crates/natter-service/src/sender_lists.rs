//! WuKongIM's channel blacklists and whitelists, set by the app backend; a user's own blacklist
//! is also their blocklist, which they set from a client (Tencent's `addToBlacklist`). The rules
//! that use them run in the store's send path (`natter_store::sender_lists`).

use natter_core::limits::MAX_UIDS_PER_CALL;
use natter_core::wire::{SenderListEntry, SenderListRequest, ServerEvent};
use natter_core::{ChannelKind, Error, GroupId, ListChange, Result, SenderList, Uid};
use natter_store::{Db, ListOwner, friends, sender_lists};

use crate::groups::distinct_uids;
use crate::{Natter, now_ms};

impl Natter {
    /// `POST /channel/{blacklist,whitelist}_{add,set,remove,remove_all}`.
    pub async fn change_sender_list(
        &self,
        list: SenderList,
        change: ListChange,
        request: SenderListRequest,
    ) -> Result<()> {
        let owner = list_owner(&request.channel_id, request.channel_type)?;
        let needs_uids = matches!(change, ListChange::Add | ListChange::Remove);
        if (needs_uids && request.uids.is_empty()) || request.uids.len() > MAX_UIDS_PER_CALL {
            return Err(Error::invalid_argument(format!(
                "uids: give 1 to {MAX_UIDS_PER_CALL} uids, got {}",
                request.uids.len()
            )));
        }
        let uids = request
            .uids
            .iter()
            .map(|uid| Uid::parse(uid, "uids"))
            .collect::<Result<Vec<_>>>()?;
        let now_ms = now_ms();
        let blocker = match (&owner, list) {
            (ListOwner::User(uid), SenderList::Blacklist) => Some(uid.clone()),
            _ => None,
        };
        let is_a_blocklist = blocker.is_some();
        let (unfriended, blocked) = self
            .write(move |db| {
                let unfriended = change_list(db, list, &owner, change, &uids, now_ms)?;
                Ok((unfriended, blocked_by(db, &owner, is_a_blocklist)?))
            })
            .await?;
        if let (Some(uid), Some(blocked)) = (blocker, blocked) {
            self.tell_blacklist(&uid, blocked);
        }
        self.tell_unfriended(&unfriended);
        Ok(())
    }

    /// `GET /v1/blacklist`: the users this user blocks (Tencent's `getBlacklist`), in the
    /// order blocked. Their one-to-one messages do not reach the user: it is the user's own
    /// WuKongIM blacklist (`channel_type` 1), which the app backend sees and sets too.
    pub async fn blacklist(&self, uid: &Uid) -> Result<Vec<String>> {
        let owner = ListOwner::User(uid.clone());
        self.read(move |db| blocked_users(db, &owner)).await
    }

    /// `POST /v1/blacklist` (`ListChange::Add`) and `POST /v1/blacklist/remove`
    /// (`ListChange::Remove`): the user blocks or unblocks 1–1000 users, as Tencent's
    /// `addToBlacklist` and `removeFromBlacklist`; answers the list as it now is, which the
    /// user's devices are also sent (`blacklistUpdated`). As Tencent's, a user cannot block
    /// themself: alone, they are refused; among others, they are passed over.
    pub async fn change_blacklist(
        &self,
        uid: &Uid,
        change: ListChange,
        user_id_list: &[String],
    ) -> Result<Vec<String>> {
        if user_id_list.is_empty() || user_id_list.len() > MAX_UIDS_PER_CALL {
            return Err(Error::invalid_argument(format!(
                "userIDList: give 1 to {MAX_UIDS_PER_CALL} userIDs, got {}",
                user_id_list.len()
            )));
        }
        let mut users = distinct_uids(user_id_list, "userIDList")?;
        users.retain(|user| user != uid);
        if users.is_empty() && matches!(change, ListChange::Add) {
            return Err(Error::invalid_argument(
                "userIDList: a user cannot block themself",
            ));
        }
        let owner = ListOwner::User(uid.clone());
        let now_ms = now_ms();
        let (unfriended, blocked) = self
            .write(move |db| {
                let unfriended =
                    change_list(db, SenderList::Blacklist, &owner, change, &users, now_ms)?;
                Ok((unfriended, blocked_by(db, &owner, true)?))
            })
            .await?;
        let blocked = blocked.unwrap_or_default();
        self.tell_blacklist(uid, blocked.clone());
        self.tell_unfriended(&unfriended);
        Ok(blocked)
    }

    /// Users whose friends or friend requests a block ended read them again.
    fn tell_unfriended(&self, unfriended: &[Uid]) {
        self.tell_friend_lists(unfriended);
        self.tell_each(unfriended, &ServerEvent::FriendApplicationListUpdated {});
    }

    /// The user's devices hear their blocklist as it now is.
    fn tell_blacklist(&self, uid: &Uid, blocked: Vec<String>) {
        let event = ServerEvent::BlacklistUpdated {
            user_id_list: blocked,
        };
        self.tell_each(std::slice::from_ref(uid), &event);
    }

    /// `GET /channel/whitelist`: the uids on a whitelist, in the order they were added.
    pub async fn whitelist(
        &self,
        channel_id: &str,
        channel_type: i64,
    ) -> Result<Vec<SenderListEntry>> {
        let owner = list_owner(channel_id, channel_type)?;
        let entries = self
            .read(move |db| sender_lists::entries(db, SenderList::Whitelist, &owner))
            .await?;
        entries
            .iter()
            .map(|entry| {
                let at = jiff::Timestamp::from_millisecond(entry.created_ms)
                    .map_err(Error::internal)?
                    .to_string();
                Ok(SenderListEntry {
                    uid: entry.uid.to_string(),
                    created_at: at.clone(),
                    updated_at: at,
                })
            })
            .collect()
    }
}

/// Changes a list. A user who blocks others ends what is between them, as on Tencent: they are
/// no longer friends and the requests between them go; returns the users that touched (the
/// blocker first), whose devices are told.
fn change_list(
    db: &dyn Db,
    list: SenderList,
    owner: &ListOwner,
    change: ListChange,
    uids: &[Uid],
    now_ms: i64,
) -> natter_store::Result<Vec<Uid>> {
    let listed = match change {
        ListChange::Add => sender_lists::add(db, list, owner, uids, now_ms).map(|()| true)?,
        ListChange::Set => sender_lists::set(db, list, owner, uids, now_ms).map(|()| true)?,
        ListChange::Remove => sender_lists::remove(db, list, owner, uids).map(|()| false)?,
        ListChange::RemoveAll => sender_lists::remove_all(db, list, owner).map(|()| false)?,
    };
    match (owner, list) {
        (ListOwner::User(blocker), SenderList::Blacklist) if listed => {
            friends::end_for_block(db, blocker, uids)
        }
        _ => Ok(Vec::new()),
    }
}

/// The users a user's blacklist holds, in the order blocked.
fn blocked_users(db: &dyn Db, owner: &ListOwner) -> natter_store::Result<Vec<String>> {
    let entries = sender_lists::entries(db, SenderList::Blacklist, owner)?;
    Ok(entries.iter().map(|entry| entry.uid.to_string()).collect())
}

/// [`blocked_users`], read in the write that changed the list, when `wanted`.
fn blocked_by(
    db: &dyn Db,
    owner: &ListOwner,
    wanted: bool,
) -> natter_store::Result<Option<Vec<String>>> {
    wanted.then(|| blocked_users(db, owner)).transpose()
}

/// A group's list (`channel_type` 2) or a user's (1: who may message them one-to-one).
fn list_owner(channel_id: &str, channel_type: i64) -> Result<ListOwner> {
    match ChannelKind::from_code(channel_type) {
        Some(ChannelKind::Personal) => Ok(ListOwner::User(Uid::parse(channel_id, "channel_id")?)),
        Some(ChannelKind::Group) => Ok(ListOwner::Group(GroupId::parse(channel_id, "channel_id")?)),
        _ => Err(Error::invalid_argument(format!(
            "channel_type: {channel_type} has no sender lists; use 1 (a user's) or 2 (a group's)"
        ))),
    }
}
