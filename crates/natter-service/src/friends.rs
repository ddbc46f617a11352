//! Friend lists and friend requests from a client (Tencent's `addFriend`, `getFriendList`,
//! `acceptFriendApplication`, …). The rules are `natter_core::friend_rules`; the rows
//! `natter_store::friends`. Whoever's list or requests a call changed hears it on every device
//! (`friendListUpdated`, `friendApplicationListUpdated`), the other user of the call included.

use natter_core::friend_rules::{self, AddOutcome, Direction, Relation};
use natter_core::limits::MAX_UIDS_PER_CALL;
use natter_core::wire::{self, ServerEvent};
use natter_core::{Error, Result, Uid};
use natter_store::friends::{self, AddRequest};

use crate::groups::distinct_uids;
use crate::profiles::custom_field_map;
use crate::{Natter, now_ms, present};

impl Natter {
    /// `GET /v1/friends`.
    pub async fn friends(&self, uid: &Uid) -> Result<wire::FriendList> {
        let owner = uid.clone();
        let list = self.read(move |db| friends::list(db, &owner)).await?;
        Ok(wire::FriendList {
            friend_list: list.iter().map(friend).collect(),
        })
    }

    /// `POST /v1/friends`: the user adds `to`, at once or as a request that waits.
    pub async fn add_friend(
        &self,
        uid: &Uid,
        request: wire::AddFriend,
    ) -> Result<wire::AddedFriend> {
        let target = Uid::parse(&request.to, "to")?;
        if &target == uid {
            return Err(Error::invalid_argument(
                "to: a user cannot add themself as a friend",
            ));
        }
        friend_rules::check_source(&request.source)?;
        friend_rules::check_wording(&request.wording)?;
        friend_rules::check_remark(&request.remark)?;
        check_group_choice(&request.group_name, "groupName")?;
        let asked = AddRequest {
            direction: request.direction,
            source: request.source,
            wording: request.wording,
            remark: request.remark,
            group_name: request.group_name,
        };
        let (adder, added, now_ms) = (uid.clone(), target.clone(), now_ms());
        let done = self
            .write(move |db| friends::add(db, &adder, &added, &asked, now_ms))
            .await?;
        let both = [uid.clone(), target.clone()];
        let status = match done.outcome {
            AddOutcome::Added => {
                let listed = if done.target_listed_adder {
                    &both[..]
                } else {
                    &both[..1]
                };
                self.tell_friend_lists(listed);
                wire::AddFriendStatus::Added
            }
            AddOutcome::Pending => wire::AddFriendStatus::Pending,
        };
        // A request was made, or one between the two was fulfilled.
        self.tell_each(&both, &ServerEvent::FriendApplicationListUpdated {});
        Ok(wire::AddedFriend {
            user_id: target.to_string(),
            status,
        })
    }

    /// `POST /v1/friends/delete`: the user takes users out of their list (and, both ways,
    /// themself out of each of theirs); those not in it are the failures.
    pub async fn delete_friends(
        &self,
        uid: &Uid,
        request: wire::FriendIdList,
    ) -> Result<wire::DeletedFriends> {
        let others = friend_ids(&request.user_id_list, "userIDList")?;
        self.remove_friends(uid, others, request.direction).await
    }

    /// `GET /user/friends`: a user's friend list, for the app backend.
    pub async fn friends_of(&self, uid: &str) -> Result<wire::FriendList> {
        self.friends(&Uid::parse(uid, "uid")?).await
    }

    /// `POST /user/friends/import`: the app backend puts users in a user's list, and both ways
    /// the user in theirs, asking no one; entries already there stay as they are.
    pub async fn import_friends(&self, request: wire::FriendImport) -> Result<()> {
        let uid = Uid::parse(&request.uid, "uid")?;
        if request.friends.is_empty() || request.friends.len() > MAX_UIDS_PER_CALL {
            return Err(Error::invalid_argument(format!(
                "friends: give 1 to {MAX_UIDS_PER_CALL} entries, got {}",
                request.friends.len()
            )));
        }
        let mut entries: Vec<friends::Imported> = Vec::with_capacity(request.friends.len());
        for imported in request.friends {
            let friend = Uid::parse(&imported.uid, "friends: uid")?;
            if friend == uid || entries.iter().any(|entry| entry.friend == friend) {
                return Err(Error::invalid_argument(format!(
                    "friends: uid \"{friend}\" is the user themself, or named twice"
                )));
            }
            friend_rules::check_source(&imported.source)?;
            friend_rules::check_remark(&imported.remark)?;
            check_group_choice(&imported.group_name, "friends: group_name")?;
            entries.push(friends::Imported {
                friend,
                remark: imported.remark,
                source: imported.source,
                group_name: imported.group_name,
            });
        }
        let everyone: Vec<Uid> = std::iter::once(uid.clone())
            .chain(entries.iter().map(|entry| entry.friend.clone()))
            .collect();
        let (owner, direction, now_ms) = (uid, request.direction, now_ms());
        let changed = self
            .write(move |db| friends::import(db, &owner, &entries, direction, now_ms))
            .await?;
        self.tell_friend_lists(&changed);
        // Requests the new entries fulfilled are gone.
        self.tell_each(&everyone, &ServerEvent::FriendApplicationListUpdated {});
        Ok(())
    }

    /// `POST /user/friends/delete`: the app backend takes users out of a user's list, as the
    /// user's own deletion does; those not in it are passed over.
    pub async fn remove_friends_of(&self, request: wire::FriendRemoval) -> Result<()> {
        let uid = Uid::parse(&request.uid, "uid")?;
        let others = friend_ids(&request.friend_uids, "friend_uids")?;
        self.remove_friends(&uid, others, request.direction)
            .await
            .map(drop)
    }

    async fn remove_friends(
        &self,
        uid: &Uid,
        others: Vec<Uid>,
        direction: Direction,
    ) -> Result<wire::DeletedFriends> {
        let (owner, named) = (uid.clone(), others.clone());
        let removals = self
            .write(move |db| friends::remove(db, &owner, &named, direction))
            .await?;
        let mut answer = wire::DeletedFriends {
            success_user_id_list: Vec::new(),
            failure_user_id_list: Vec::new(),
        };
        let mut told = vec![uid.clone()];
        for (other, removal) in others.into_iter().zip(removals) {
            if !removal.was_listed {
                answer.failure_user_id_list.push(wire::FriendFailure {
                    message: format!("{other} is not in the friend list of {uid}"),
                    user_id: other.to_string(),
                });
                continue;
            }
            answer.success_user_id_list.push(other.to_string());
            if removal.left_their_list {
                told.push(other);
            }
        }
        if !answer.success_user_id_list.is_empty() {
            self.tell_friend_lists(&told);
        }
        Ok(answer)
    }

    /// `POST /v1/friends/check`: how each user stands towards the user.
    pub async fn check_friends(
        &self,
        uid: &Uid,
        request: wire::FriendIdList,
    ) -> Result<wire::FriendRelations> {
        let others = friend_ids(&request.user_id_list, "userIDList")?;
        let (owner, named) = (uid.clone(), others.clone());
        let relations = self
            .read(move |db| friends::relations(db, &owner, &named))
            .await?;
        Ok(wire::FriendRelations {
            result_list: others
                .iter()
                .zip(relations)
                .map(|(other, (mine, theirs))| wire::FriendRelation {
                    user_id: other.to_string(),
                    relation: Relation::of(request.direction, mine, theirs),
                })
                .collect(),
        })
    }

    /// `POST /v1/friends/remark`: the user renames a friend in their list, or sets their custom
    /// fields.
    pub async fn update_friend(
        &self,
        uid: &Uid,
        request: wire::FriendUpdate,
    ) -> Result<wire::Friend> {
        let named = Uid::parse(&request.user_id, "userID")?;
        if let Some(remark) = &request.remark {
            friend_rules::check_remark(remark)?;
        }
        let change = friends::EntryChange {
            remark: request.remark,
            custom_fields: request
                .friend_custom_field
                .map(|fields| custom_field_map(fields, "friendCustomField"))
                .transpose()?,
        };
        if change.remark.is_none() && change.custom_fields.is_none() {
            return Err(Error::invalid_argument(
                "remark, friendCustomField: neither given; set at least one",
            ));
        }
        let owner = uid.clone();
        let entry = self
            .write(move |db| friends::update_entry(db, &owner, &named, &change))
            .await?;
        self.tell_each(
            std::slice::from_ref(uid),
            &ServerEvent::FriendListUpdated {},
        );
        Ok(friend(&entry))
    }

    /// `GET /v1/friend-applications`.
    pub async fn friend_applications(&self, uid: &Uid) -> Result<wire::FriendApplicationList> {
        let owner = uid.clone();
        let requests = self.read(move |db| friends::requests(db, &owner)).await?;
        let unread_count = requests
            .iter()
            .filter(|request| request.incoming && !request.seen)
            .count();
        Ok(wire::FriendApplicationList {
            application_list: requests
                .into_iter()
                .map(|request| wire::FriendApplication {
                    user_id: request.other.uid.to_string(),
                    nick: request.other.nick,
                    avatar: request.other.avatar,
                    time: request.time_ms,
                    source: request.source,
                    wording: request.wording,
                    application_type: if request.incoming {
                        wire::FriendApplicationType::Incoming
                    } else {
                        wire::FriendApplicationType::Outgoing
                    },
                })
                .collect(),
            unread_count: u64::try_from(unread_count).unwrap_or(u64::MAX),
        })
    }

    /// `POST /v1/friend-applications/accept`.
    pub async fn accept_friend_application(
        &self,
        uid: &Uid,
        request: wire::AcceptFriendApplication,
    ) -> Result<()> {
        let asker = Uid::parse(&request.user_id, "userID")?;
        friend_rules::check_remark(&request.remark)?;
        let (owner, from, direction, now_ms) =
            (uid.clone(), asker.clone(), request.direction, now_ms());
        let own_list_changed = self
            .write(move |db| friends::accept(db, &owner, &from, direction, &request.remark, now_ms))
            .await?;
        let both = [asker, uid.clone()];
        let listed = if own_list_changed {
            &both[..]
        } else {
            &both[..1]
        };
        self.tell_friend_lists(listed);
        self.tell_each(&both, &ServerEvent::FriendApplicationListUpdated {});
        Ok(())
    }

    /// `POST /v1/friend-applications/refuse`: as a deletion, of a request to the user only.
    pub async fn refuse_friend_application(
        &self,
        uid: &Uid,
        request: wire::FriendApplicationRef,
    ) -> Result<()> {
        if request.application_type != wire::FriendApplicationType::Incoming {
            return Err(Error::invalid_argument(
                "type: a user refuses only requests made to them (incoming)",
            ));
        }
        self.drop_friend_application(uid, request).await
    }

    /// `POST /v1/friend-applications/delete`.
    pub async fn drop_friend_application(
        &self,
        uid: &Uid,
        request: wire::FriendApplicationRef,
    ) -> Result<()> {
        let other = Uid::parse(&request.user_id, "userID")?;
        let (from, to) = match request.application_type {
            wire::FriendApplicationType::Incoming => (other.clone(), uid.clone()),
            wire::FriendApplicationType::Outgoing => (uid.clone(), other.clone()),
        };
        self.write(move |db| friends::drop_request(db, &from, &to))
            .await?;
        self.tell_each(
            &[uid.clone(), other],
            &ServerEvent::FriendApplicationListUpdated {},
        );
        Ok(())
    }

    /// `POST /v1/friend-applications/read`: the requests to the user count as read.
    pub async fn mark_friend_applications_read(&self, uid: &Uid) -> Result<()> {
        let owner = uid.clone();
        self.write(move |db| friends::mark_requests_seen(db, &owner))
            .await?;
        self.tell_each(
            std::slice::from_ref(uid),
            &ServerEvent::FriendApplicationListUpdated {},
        );
        Ok(())
    }

    /// Each user's friend list changed, and with it perhaps their friend groups (a friend who
    /// leaves the list leaves its groups; an add may name a group): their devices read both
    /// again.
    pub(crate) fn tell_friend_lists(&self, uids: &[Uid]) {
        self.tell_each(uids, &ServerEvent::FriendListUpdated {});
        self.tell_each(uids, &ServerEvent::FriendGroupListUpdated {});
    }
}

pub(crate) fn friend(entry: &friends::Friend) -> wire::Friend {
    wire::Friend {
        user_id: entry.profile.uid.to_string(),
        remark: entry.remark.clone(),
        source: entry.source.clone(),
        wording: entry.wording.clone(),
        add_time: entry.added_ms,
        group_list: entry.groups.clone(),
        profile: present::profile(&entry.profile),
        friend_custom_field: present::custom_field_list(&entry.custom_fields),
    }
}

/// Checks the friend group an add names to put the friend in, if it names one.
fn check_group_choice(name: &str, field: &str) -> Result<()> {
    if name.is_empty() {
        return Ok(());
    }
    friend_rules::check_group_name(name, field)
}

/// The users a deletion or a check names in `field`: 1 to [`MAX_UIDS_PER_CALL`], each once.
pub(crate) fn friend_ids(user_ids: &[String], field: &str) -> Result<Vec<Uid>> {
    if user_ids.is_empty() || user_ids.len() > MAX_UIDS_PER_CALL {
        return Err(Error::invalid_argument(format!(
            "{field}: give 1 to {MAX_UIDS_PER_CALL} user IDs, got {}",
            user_ids.len()
        )));
    }
    distinct_uids(user_ids, field)
}
