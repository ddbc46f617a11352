//! Following (Tencent's `followUser`, `unfollowUser`, the follow lists, `getUserFollowInfo`
//! and `checkFollowType`): the checks of each call, and the answers' shapes, over
//! `natter_store::follows`.

use natter_core::limits::{
    MAX_FOLLOWING, MAX_FOLLOWS_PER_PAGE, MAX_USERS_PER_FOLLOW_CALL, MAX_USERS_PER_FOLLOW_QUESTION,
};
use natter_core::wire::{self, FollowListType, ServerEvent};
use natter_core::{Error, Result, Uid};
use natter_store::follows::{self, After, Change, Refusal, Relation};
use natter_store::{Db, profiles};

use crate::events::{Frame, Recipients};
use crate::{Natter, now_ms, present};

impl Natter {
    /// `POST /v1/follows`: `uid` follows the users named, each as far as they may; both sides
    /// of each new follow hear `followListsUpdated`.
    pub async fn follow(
        &self,
        uid: &Uid,
        request: wire::FollowRequest,
    ) -> Result<wire::FollowResultList> {
        let named = named(&request.user_id_list, MAX_USERS_PER_FOLLOW_CALL)?;
        let (follower, targets, now) = (uid.clone(), valid(&named), now_ms());
        let done = self
            .write(move |db| {
                let outcomes = follows::follow(db, &follower, &targets, now)?;
                with_profiles(db, &follower, &targets, outcomes)
            })
            .await?;
        Ok(self.answer_and_tell(&named, done, true))
    }

    /// `POST /v1/follows/remove`: `uid` stops following the users named; both sides of each
    /// follow ended hear `followListsUpdated`.
    pub async fn unfollow(
        &self,
        uid: &Uid,
        request: wire::FollowRequest,
    ) -> Result<wire::FollowResultList> {
        let named = named(&request.user_id_list, MAX_USERS_PER_FOLLOW_CALL)?;
        let (follower, targets) = (uid.clone(), valid(&named));
        let done = self
            .write(move |db| {
                let outcomes = follows::unfollow(db, &follower, &targets)?;
                with_profiles(db, &follower, &targets, outcomes)
            })
            .await?;
        Ok(self.answer_and_tell(&named, done, false))
    }

    /// The answer to a follow or an unfollow; and the event to both sides of each change.
    fn answer_and_tell(
        &self,
        named: &[(String, Result<Uid>)],
        done: Done,
        is_add: bool,
    ) -> wire::FollowResultList {
        for (target, change) in done.targets.iter().zip(&done.outcomes) {
            let Ok(change) = change else { continue };
            if !change.changed {
                continue;
            }
            let changes = |own: FollowListType| {
                let mut lists = vec![own];
                if change.mutual {
                    lists.push(FollowListType::Mutual);
                }
                lists
                    .into_iter()
                    .map(|list_type| wire::FollowListChange { list_type, is_add })
                    .collect::<Vec<_>>()
            };
            let sides = [
                (&done.follower, target, changes(FollowListType::Following)),
                (target, &done.follower, changes(FollowListType::Followers)),
            ];
            for (told, about, change_list) in sides {
                if !self.events.may_be_online(&told.uid) {
                    continue;
                }
                let event = ServerEvent::FollowListsUpdated {
                    user_info: about.profile.clone(),
                    change_list,
                };
                self.events
                    .publish(&told.uid, &Frame::new(event, None), Recipients::All);
            }
        }
        results(named, done.outcomes)
    }

    /// `GET /v1/follows`: a page of the user's followers, following or mutual followers.
    pub async fn follow_list(
        &self,
        uid: &Uid,
        list_type: FollowListType,
        cursor: Option<&str>,
        count: Option<u64>,
    ) -> Result<wire::FollowList> {
        let count = match count {
            None => MAX_FOLLOWS_PER_PAGE,
            Some(n) if (1..=MAX_FOLLOWS_PER_PAGE as u64).contains(&n) => n as usize,
            Some(n) => {
                return Err(Error::invalid_argument(format!(
                    "count: 1 to {MAX_FOLLOWS_PER_PAGE}, not {n}"
                )));
            }
        };
        let after = match cursor {
            None | Some("") => None,
            Some(cursor) => Some(parse_cursor(cursor)?),
        };
        let relation = match list_type {
            FollowListType::Followers => Relation::Followers,
            FollowListType::Following => Relation::Following,
            FollowListType::Mutual => Relation::Mutual,
        };
        let owner = uid.clone();
        let (page, more) = self
            .read(move |db| follows::list(db, &owner, relation, after.as_ref(), count))
            .await?;
        Ok(wire::FollowList {
            next_cursor: match (more, page.last()) {
                (true, Some(last)) => format!("{}.{}", last.since_ms, last.profile.uid),
                _ => String::new(),
            },
            result_list: page
                .into_iter()
                .map(|followed| wire::FollowedUser {
                    user_id: followed.profile.uid.to_string(),
                    follow_time: followed.since_ms / 1000,
                    nick: followed.profile.nick,
                    avatar: followed.profile.avatar,
                })
                .collect(),
        })
    }

    /// `POST /v1/follows/info`: how many follow each user, whom they follow, and how many both;
    /// the user's own counts when no one is named.
    pub async fn follow_info(
        &self,
        uid: &Uid,
        request: wire::FollowQuestion,
    ) -> Result<wire::FollowInfoList> {
        let asked = if request.user_id_list.is_empty() {
            vec![uid.clone()]
        } else {
            question(&request.user_id_list)?
        };
        let users = asked.clone();
        let counts = self.read(move |db| follows::counts(db, &users)).await?;
        Ok(wire::FollowInfoList {
            follow_info_list: asked
                .iter()
                .zip(counts)
                .map(|(user, (followers, following, mutual))| wire::FollowInfo {
                    user_id: user.to_string(),
                    followers_count: followers,
                    following_count: following,
                    mutual_followers_count: mutual,
                })
                .collect(),
        })
    }

    /// `POST /v1/follows/check`: how each user named stands to the user.
    pub async fn check_follow_type(
        &self,
        uid: &Uid,
        request: wire::FollowQuestion,
    ) -> Result<wire::FollowTypeList> {
        if request.user_id_list.is_empty() {
            return Err(Error::invalid_argument(format!(
                "userIDList: 1 to {MAX_USERS_PER_FOLLOW_QUESTION} users"
            )));
        }
        let asked = question(&request.user_id_list)?;
        let (owner, others) = (uid.clone(), asked.clone());
        let relations = self
            .read(move |db| follows::relations(db, &owner, &others))
            .await?;
        Ok(wire::FollowTypeList {
            result_list: asked
                .iter()
                .zip(relations)
                .map(|(user, (follows_me, i_follow))| wire::FollowType {
                    user_id: user.to_string(),
                    follow_type: u8::from(follows_me) | (u8::from(i_follow) << 1),
                })
                .collect(),
        })
    }
}

/// The users a follow or unfollow names: 1 to `most`, each parsed or kept as its refusal, so
/// that one malformed ID fails alone, as Tencent answers per user.
fn named(ids: &[String], most: usize) -> Result<Vec<(String, Result<Uid>)>> {
    if ids.is_empty() || ids.len() > most {
        return Err(Error::invalid_argument(format!(
            "userIDList: 1 to {most} users, not {}",
            ids.len()
        )));
    }
    Ok(ids
        .iter()
        .map(|id| (id.clone(), Uid::parse(id, "userIDList")))
        .collect())
}

/// The well-formed users among those named.
fn valid(named: &[(String, Result<Uid>)]) -> Vec<Uid> {
    named
        .iter()
        .filter_map(|(_, uid)| uid.as_ref().ok().cloned())
        .collect()
}

/// One result per user named, in order: a malformed ID's refusal, else the store's outcome.
fn results(
    named: &[(String, Result<Uid>)],
    outcomes: Vec<std::result::Result<Change, Refusal>>,
) -> wire::FollowResultList {
    let mut outcomes = outcomes.into_iter();
    let result_list = named
        .iter()
        .map(|(id, uid)| {
            let (result_code, result_info) = match uid {
                Err(error) => (40001, error.message.clone()),
                Ok(uid) => match outcomes.next() {
                    None | Some(Ok(_)) => (0, String::new()),
                    Some(Err(refusal)) => refusal_of(refusal, uid),
                },
            };
            wire::FollowResult {
                user_id: id.clone(),
                result_code,
                result_info,
            }
        })
        .collect();
    wire::FollowResultList { result_list }
}

/// A refusal's code and words, as the API's errors give them.
fn refusal_of(refusal: Refusal, uid: &Uid) -> (u32, String) {
    match refusal {
        Refusal::Themself => (40001, "a user does not follow themself".to_owned()),
        Refusal::NoSuchUser => (40401, format!("there is no user {uid}")),
        Refusal::TooMany => (
            40901,
            format!("the user follows {MAX_FOLLOWING} users, the most they may"),
        ),
        Refusal::NotFollowed => (40401, format!("the user does not follow {uid}")),
    }
}

/// The 1–100 users a question names.
fn question(ids: &[String]) -> Result<Vec<Uid>> {
    if ids.len() > MAX_USERS_PER_FOLLOW_QUESTION {
        return Err(Error::invalid_argument(format!(
            "userIDList: at most {MAX_USERS_PER_FOLLOW_QUESTION} users, not {}",
            ids.len()
        )));
    }
    ids.iter().map(|id| Uid::parse(id, "userIDList")).collect()
}

/// A `nextCursor` this list gave: the time of the page's last follow, a dot, its user.
fn parse_cursor(cursor: &str) -> Result<After> {
    let not_ours = || {
        Error::invalid_argument(format!(
            "cursor: {cursor:?} is not a cursor a follow list gave"
        ))
    };
    let (since, uid) = cursor.split_once('.').ok_or_else(not_ours)?;
    Ok(After {
        since_ms: since.parse().map_err(|_| not_ours())?,
        uid: Uid::parse(uid, "cursor").map_err(|_| not_ours())?,
    })
}

/// A user of a follow, as its events show them.
#[derive(Debug, Clone)]
struct Side {
    uid: Uid,
    profile: wire::UserProfile,
}

/// What a follow or an unfollow did: each target's outcome, with both sides as shown.
struct Done {
    follower: Side,
    targets: Vec<Side>,
    outcomes: Vec<std::result::Result<Change, Refusal>>,
}

/// The outcomes with the profiles their events show, read in the same transaction.
fn with_profiles(
    db: &dyn Db,
    follower: &Uid,
    targets: &[Uid],
    outcomes: Vec<std::result::Result<Change, Refusal>>,
) -> natter_store::Result<Done> {
    let side = |uid: &Uid| -> natter_store::Result<Side> {
        let profile = profiles::user(db, uid)?.map_or_else(
            || wire::UserProfile {
                user_id: uid.to_string(),
                nick: String::new(),
                avatar: String::new(),
            },
            |profile| present::user(&profile),
        );
        Ok(Side {
            uid: uid.clone(),
            profile,
        })
    };
    Ok(Done {
        follower: side(follower)?,
        targets: targets
            .iter()
            .map(side)
            .collect::<natter_store::Result<_>>()?,
        outcomes,
    })
}
