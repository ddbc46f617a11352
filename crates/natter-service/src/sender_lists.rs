//! WuKongIM's channel blacklists and whitelists, set by the app backend. The rules that use
//! them run in the store's send path (`natter_store::sender_lists`).

use natter_core::limits::MAX_UIDS_PER_CALL;
use natter_core::wire::{SenderListEntry, SenderListRequest};
use natter_core::{ChannelKind, Error, GroupId, ListChange, Result, SenderList, Uid};
use natter_store::{ListOwner, sender_lists};

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
        self.write(move |db| match change {
            ListChange::Add => sender_lists::add(db, list, &owner, &uids, now_ms),
            ListChange::Set => sender_lists::set(db, list, &owner, &uids, now_ms),
            ListChange::Remove => sender_lists::remove(db, list, &owner, &uids),
            ListChange::RemoveAll => sender_lists::remove_all(db, list, &owner),
        })
        .await
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
