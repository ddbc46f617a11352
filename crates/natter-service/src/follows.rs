//! Following (Tencent's `followUser`, `unfollowUser`, the follow lists, `getUserFollowInfo`
//! and `checkFollowType`): the checks of each call, and the answers' shapes, over
//! `natter_store::follows`.

use natter_core::limits::{
    MAX_FOLLOWING, MAX_FOLLOWS_PER_PAGE, MAX_USERS_PER_FOLLOW_CALL, MAX_USERS_PER_FOLLOW_QUESTION,
};
use natter_core::wire::{self, FollowListType};
use natter_core::{Error, Result, Uid};
use natter_store::follows::{self, After, Refusal, Relation};

use crate::{Natter, now_ms};

impl Natter {
    /// `POST /v1/follows`: `uid` follows the users named, each as far as they may.
    pub async fn follow(
        &self,
        uid: &Uid,
        request: wire::FollowRequest,
    ) -> Result<wire::FollowResultList> {
        let named = named(&request.user_id_list, MAX_USERS_PER_FOLLOW_CALL)?;
        let (follower, targets, now) = (uid.clone(), valid(&named), now_ms());
        let outcomes = self
            .write(move |db| follows::follow(db, &follower, &targets, now))
            .await?;
        Ok(results(&named, outcomes))
    }

    /// `POST /v1/follows/remove`: `uid` stops following the users named.
    pub async fn unfollow(
        &self,
        uid: &Uid,
        request: wire::FollowRequest,
    ) -> Result<wire::FollowResultList> {
        let named = named(&request.user_id_list, MAX_USERS_PER_FOLLOW_CALL)?;
        let (follower, targets) = (uid.clone(), valid(&named));
        let outcomes = self
            .write(move |db| follows::unfollow(db, &follower, &targets))
            .await?;
        Ok(results(&named, outcomes))
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
    outcomes: Vec<std::result::Result<(), Refusal>>,
) -> wire::FollowResultList {
    let mut outcomes = outcomes.into_iter();
    let result_list = named
        .iter()
        .map(|(id, uid)| {
            let (result_code, result_info) = match uid {
                Err(error) => (40001, error.message.clone()),
                Ok(uid) => match outcomes.next().unwrap_or(Ok(())) {
                    Ok(()) => (0, String::new()),
                    Err(refusal) => refusal_of(refusal, uid),
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
