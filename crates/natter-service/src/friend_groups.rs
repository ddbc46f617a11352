//! A user's friend groups from a client (Tencent's `getFriendGroupList`, `createFriendGroup`,
//! `addToFriendGroup`, …): named sets of their friends, `natter_store::friend_groups`. A change
//! is heard on every device of the user, as the groups (`friendGroupListUpdated`) and as the
//! friend list, whose entries name their groups (`friendListUpdated`).

use natter_core::friend_rules;
use natter_core::wire;
use natter_core::{Error, Result, Uid};
use natter_store::friend_groups::{self, FriendGroup};

use crate::Natter;
use crate::friends::friend_ids;
use crate::now_ms;

/// Which change of a group's friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FriendGroupChange {
    Create,
    Add,
    Remove,
}

impl Natter {
    /// `GET /v1/friend-groups`.
    pub async fn friend_groups(&self, uid: &Uid) -> Result<wire::FriendGroupList> {
        let owner = uid.clone();
        let groups = self.read(move |db| friend_groups::list(db, &owner)).await?;
        Ok(wire::FriendGroupList {
            friend_group_list: groups.iter().map(present).collect(),
        })
    }

    /// `POST /v1/friend-groups` (create, with 0 or more friends), `/add` and `/remove`.
    pub async fn change_friend_group(
        &self,
        uid: &Uid,
        change: FriendGroupChange,
        request: wire::FriendGroupMembers,
    ) -> Result<wire::ChangedFriendGroup> {
        friend_rules::check_group_name(&request.name, "name")?;
        // A group may be made empty; adding or removing names someone.
        let friends = if change == FriendGroupChange::Create && request.user_id_list.is_empty() {
            Vec::new()
        } else {
            friend_ids(&request.user_id_list, "userIDList")?
        };
        let (owner, name, now_ms) = (uid.clone(), request.name, now_ms());
        let changed = self
            .write(move |db| match change {
                FriendGroupChange::Create => {
                    friend_groups::create(db, &owner, &name, &friends, now_ms)
                }
                FriendGroupChange::Add => friend_groups::add(db, &owner, &name, &friends),
                FriendGroupChange::Remove => friend_groups::remove(db, &owner, &name, &friends),
            })
            .await?;
        self.tell_friend_lists(std::slice::from_ref(uid));
        let why = match change {
            FriendGroupChange::Create | FriendGroupChange::Add => "is not a friend of",
            FriendGroupChange::Remove => "is not in that group of",
        };
        Ok(wire::ChangedFriendGroup {
            friend_group: present(&changed.group),
            failure_user_id_list: changed
                .passed_over
                .iter()
                .map(|other| wire::FriendFailure {
                    user_id: other.to_string(),
                    message: format!("{other} {why} {uid}"),
                })
                .collect(),
        })
    }

    /// `POST /v1/friend-groups/delete`: the group as it was; its friends stay friends.
    pub async fn delete_friend_group(
        &self,
        uid: &Uid,
        request: wire::FriendGroupName,
    ) -> Result<wire::FriendGroup> {
        friend_rules::check_group_name(&request.name, "name")?;
        let owner = uid.clone();
        let group = self
            .write(move |db| friend_groups::delete(db, &owner, &request.name))
            .await?;
        self.tell_friend_lists(std::slice::from_ref(uid));
        Ok(present(&group))
    }

    /// `POST /v1/friend-groups/rename`.
    pub async fn rename_friend_group(
        &self,
        uid: &Uid,
        request: wire::RenameFriendGroup,
    ) -> Result<wire::FriendGroup> {
        friend_rules::check_group_name(&request.old_name, "oldName")?;
        friend_rules::check_group_name(&request.new_name, "newName")?;
        if request.old_name == request.new_name {
            return Err(Error::invalid_argument(
                "newName: the same as oldName; nothing to rename",
            ));
        }
        let owner = uid.clone();
        let group = self
            .write(move |db| {
                friend_groups::rename(db, &owner, &request.old_name, &request.new_name)
            })
            .await?;
        self.tell_friend_lists(std::slice::from_ref(uid));
        Ok(present(&group))
    }
}

fn present(group: &FriendGroup) -> wire::FriendGroup {
    wire::FriendGroup {
        name: group.name.clone(),
        user_id_list: group.friends.iter().map(ToString::to_string).collect(),
        count: u64::try_from(group.friends.len()).unwrap_or(u64::MAX),
    }
}
