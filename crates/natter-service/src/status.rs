//! User status (Tencent's `setSelfStatus`, `getUserStatus`, `subscribeUserStatus`,
//! `unsubscribeUserStatus`): whether a user is connected anywhere in the cluster
//! ([`crate::presence`]) and the status they chose to show. A change reaches every device of
//! the user and of each user subscribed to them.

use natter_core::limits::{
    MAX_CUSTOM_STATUS_BYTES, MAX_STATUS_SUBSCRIPTIONS, MAX_USERS_PER_STATUS_QUERY,
    MAX_USERS_PER_STATUS_SUBSCRIBE,
};
use natter_core::user_status::StatusType;
use natter_core::wire::{self, ServerEvent};
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::status::{self, StoredStatus};
use natter_store::{Db, friends, presence};

use crate::presence::live_since;
use crate::{Actor, Natter, now_ms};

/// A user's new status and who hears of it.
pub(crate) struct StatusChange {
    pub(crate) status: StoredStatus,
    /// Their subscribers, with the app's `friend_status_notification` the users who have them
    /// in their friend list, and the user themself when they chose it (their other devices show
    /// it); a device needs no word of its own user going online or offline. Each once.
    recipients: Vec<Uid>,
}

impl StatusChange {
    /// The user's status as it now is, with who hears of it; `None` if the user does not exist,
    /// or if no one hears of it (most users going online or offline have no subscriber: their
    /// status is not even read then).
    pub(crate) fn read(
        db: &dyn Db,
        uid: &Uid,
        heard_by: Audience,
        live_since_ms: i64,
    ) -> natter_store::Result<Option<Self>> {
        let mut recipients = status::subscribers(db, uid)?;
        if heard_by.friends {
            recipients.extend(friends::listed_by(db, uid)?);
            recipients.sort_unstable();
            recipients.dedup();
        }
        if heard_by.themself {
            recipients.push(uid.clone());
        }
        if recipients.is_empty() {
            return Ok(None);
        }
        let Some(Some(status)) =
            status::statuses(db, std::slice::from_ref(uid), live_since_ms)?.pop()
        else {
            return Ok(None);
        };
        Ok(Some(Self { status, recipients }))
    }
}

/// Who hears of a user's status change besides their subscribers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Audience {
    /// The users who have them in their friend list (the app's `friend_status_notification`).
    pub(crate) friends: bool,
    /// The user's own devices: they chose it.
    pub(crate) themself: bool,
}

/// The users a request names, each once, in its order: a well-formed ID, or the failure of
/// one that is none.
type Named = std::result::Result<Uid, wire::UserStatusFailure>;

fn named_users(list: Option<Vec<String>>, most: usize) -> Result<Vec<Named>> {
    let list = list.unwrap_or_default();
    if list.is_empty() || list.len() > most {
        return Err(Error::invalid_argument(format!(
            "userIDList: give 1 to {most} user IDs, not {}",
            list.len()
        )));
    }
    let mut named: Vec<Named> = Vec::with_capacity(list.len());
    for text in list {
        let one = Uid::parse(&text, "userIDList").map_err(|error| failure(text, error.message));
        if !named.contains(&one) {
            named.push(one);
        }
    }
    Ok(named)
}

/// The well-formed IDs of `named`.
fn uids_of(named: &[Named]) -> Vec<Uid> {
    named.iter().filter_map(|one| one.clone().ok()).collect()
}

fn failure(user_id: impl Into<String>, message: impl Into<String>) -> wire::UserStatusFailure {
    wire::UserStatusFailure {
        user_id: user_id.into(),
        message: message.into(),
    }
}

fn no_such_user(uid: &Uid) -> wire::UserStatusFailure {
    failure(uid.as_str(), format!("no user {uid}"))
}

impl Natter {
    /// `POST /v1/user-status/self`: sets the status the user shows; answers their status.
    pub async fn set_self_status(
        &self,
        actor: &Actor,
        request: wire::SetSelfStatusRequest,
    ) -> Result<wire::UserStatus> {
        let custom_status = request.custom_status;
        if custom_status.len() > MAX_CUSTOM_STATUS_BYTES {
            return Err(Error::invalid_argument(format!(
                "customStatus: at most {MAX_CUSTOM_STATUS_BYTES} bytes, not {}",
                custom_status.len()
            )));
        }
        let uid = actor.uid.clone();
        let audience = self.status_audience(true);
        let change = self
            .write(move |db| {
                status::set_custom(db, &uid, &custom_status)?;
                StatusChange::read(db, &uid, audience, live_since(now_ms()))
            })
            .await?
            .ok_or_else(|| Error::not_found(format!("no user {}", actor.uid)))?;
        self.tell_status(&change);
        Ok(self.shown(&change.status))
    }

    /// `POST /v1/user-status`: the statuses of users, in the order asked.
    pub async fn user_statuses(
        &self,
        request: wire::UserStatusRequest,
    ) -> Result<wire::UserStatusList> {
        let named = named_users(request.user_id_list, MAX_USERS_PER_STATUS_QUERY)?;
        let asked = uids_of(&named);
        let found = self
            .read(move |db| status::statuses(db, &asked, live_since(now_ms())))
            .await?;
        let mut found = found.into_iter();
        let (mut success_user_list, mut failure_user_list) = (Vec::new(), Vec::new());
        for one in named {
            match one.map(|uid| (found.next().flatten(), uid)) {
                Ok((Some(status), _)) => success_user_list.push(self.shown(&status)),
                Ok((None, uid)) => failure_user_list.push(no_such_user(&uid)),
                Err(failure) => failure_user_list.push(failure),
            }
        }
        Ok(wire::UserStatusList {
            success_user_list,
            failure_user_list,
        })
    }

    /// `POST /v1/user-status/subscribe`: the user hears of these users' status changes from now
    /// on, keeping the newest [`MAX_STATUS_SUBSCRIPTIONS`] subscriptions.
    pub async fn subscribe_status(
        &self,
        actor: &Actor,
        request: wire::UserStatusRequest,
    ) -> Result<wire::UserStatusSubscription> {
        let named = named_users(request.user_id_list, MAX_USERS_PER_STATUS_SUBSCRIBE)?;
        let subscriber = actor.uid.clone();
        let failure_user_list = self
            .write(move |db| {
                let found = status::statuses(db, &uids_of(&named), live_since(now_ms()))?;
                let mut found = found.into_iter();
                let (mut targets, mut failures) = (Vec::new(), Vec::new());
                for one in &named {
                    let exists = one.is_ok() && found.next().flatten().is_some();
                    match one {
                        Err(failure) => failures.push(failure.clone()),
                        Ok(uid) if *uid == subscriber => failures.push(failure(
                            uid.as_str(),
                            "a user's own status reaches their devices without subscribing",
                        )),
                        Ok(uid) if !exists => failures.push(no_such_user(uid)),
                        Ok(uid) => targets.push(uid.clone()),
                    }
                }
                status::subscribe(
                    db,
                    &subscriber,
                    &targets,
                    now_ms(),
                    MAX_STATUS_SUBSCRIPTIONS,
                )?;
                Ok(failures)
            })
            .await?;
        Ok(wire::UserStatusSubscription { failure_user_list })
    }

    /// `POST /v1/user-status/unsubscribe`: ends subscriptions, every one without a list.
    pub async fn unsubscribe_status(
        &self,
        actor: &Actor,
        request: wire::UserStatusRequest,
    ) -> Result<wire::UserStatusSubscription> {
        let (targets, failure_user_list) = match request.user_id_list {
            None => (None, Vec::new()),
            Some(list) if list.is_empty() => (None, Vec::new()),
            list => {
                let named = named_users(list, MAX_USERS_PER_STATUS_SUBSCRIBE)?;
                let failures = named.iter().filter_map(|one| one.clone().err()).collect();
                (Some(uids_of(&named)), failures)
            }
        };
        let subscriber = actor.uid.clone();
        self.write(move |db| status::unsubscribe(db, &subscriber, targets.as_deref()))
            .await?;
        Ok(wire::UserStatusSubscription { failure_user_list })
    }

    /// `GET /v1/groups/{groupID}/online-count`: how many of the group's members are online, for
    /// one of them.
    pub async fn group_online_count(
        &self,
        uid: &Uid,
        group_id: &str,
    ) -> Result<wire::GroupOnlineMemberCount> {
        let group = GroupId::parse(group_id, "groupID")?;
        let uid = uid.clone();
        let member_count = self
            .read(move |db| presence::online_members(db, &uid, &group, live_since(now_ms())))
            .await?;
        Ok(wire::GroupOnlineMemberCount { member_count })
    }

    /// The status as devices see it. A connection on this node counts at once, before the
    /// presence task has recorded it.
    fn shown(&self, status: &StoredStatus) -> wire::UserStatus {
        let online = status.online || self.events.is_connected_here(&status.uid);
        wire::UserStatus {
            user_id: status.uid.to_string(),
            status_type: StatusType::of(online, status.signed_in).code(),
            custom_status: status.custom_status.clone(),
            version: status.version,
        }
    }

    /// Who hears of a status change besides the user's subscribers, as the app's settings are
    /// now; `chosen`: the user set it.
    pub(crate) fn status_audience(&self, chosen: bool) -> Audience {
        Audience {
            friends: self.settings().friend_status_notification,
            themself: chosen,
        }
    }

    /// Every device of the user and of their subscribers hears the new status.
    pub(crate) fn tell_status(&self, change: &StatusChange) {
        let event = ServerEvent::UserStatusUpdated {
            user_status_list: vec![self.shown(&change.status)],
        };
        self.tell_each(&change.recipients, &event);
    }
}
