//! Following (Tencent's `followUser`, `getMyFollowersList`, `checkFollowType`, …): a user
//! follows others one way, without asking them, as on a social feed; two who follow each other
//! are mutual followers. A user follows at most [`MAX_FOLLOWING`]; anyone may have any number of
//! followers.

use natter_core::Uid;
use natter_core::limits::MAX_FOLLOWING;

use crate::db::params;
use crate::profiles::{profile_columns, read_profile};
use crate::{Db, Result, UserProfile};

/// Why one user of a follow or unfollow was not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A user does not follow themself.
    Themself,
    NoSuchUser,
    /// The follower follows [`MAX_FOLLOWING`] users already.
    TooMany,
    /// An unfollow of someone the user does not follow.
    NotFollowed,
}

/// What a follow or unfollow did for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// False when it was so already (a follow of someone followed): no list changed.
    pub changed: bool,
    /// The other user follows the user back: the two are (or were, for an unfollow) mutual
    /// followers, so those lists change too.
    pub mutual: bool,
}

/// Which of a user's relations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Those who follow the user.
    Followers,
    /// Those the user follows.
    Following,
    /// Those both.
    Mutual,
}

/// One user of a list, with when the follow began (the user's of it, for mutual followers).
#[derive(Debug, Clone)]
pub struct Followed {
    pub profile: UserProfile,
    pub since_ms: i64,
}

/// Where a page of a list starts: after this follow, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub since_ms: i64,
    pub uid: Uid,
}

/// `follower` follows each of `targets`, as far as they may; each target's outcome, in order.
/// Following someone followed already keeps the follow as it was.
pub fn follow(
    db: &dyn Db,
    follower: &Uid,
    targets: &[Uid],
    now_ms: i64,
) -> Result<Vec<std::result::Result<Change, Refusal>>> {
    // The follower's row first: two follows at once count against the limit one after the other.
    crate::locks::lock_user(db, follower)?;
    let mut following = count(db, "follower", follower)?;
    let mut outcomes = Vec::with_capacity(targets.len());
    for target in targets {
        let outcome = if target == follower {
            Err(Refusal::Themself)
        } else if !db.exists(
            "SELECT 1 FROM users WHERE uid = $1",
            params![target.as_str()],
        )? {
            Err(Refusal::NoSuchUser)
        } else if follows(db, follower, target)? {
            Ok(Change {
                changed: false,
                mutual: follows(db, target, follower)?,
            })
        } else if following >= MAX_FOLLOWING as u64 {
            Err(Refusal::TooMany)
        } else {
            db.execute(
                "INSERT INTO follows (follower, followee, since_ms) VALUES ($1, $2, $3)",
                params![follower.as_str(), target.as_str(), now_ms],
            )?;
            following += 1;
            Ok(Change {
                changed: true,
                mutual: follows(db, target, follower)?,
            })
        };
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// `follower` stops following each of `targets`; each target's outcome, in order.
pub fn unfollow(
    db: &dyn Db,
    follower: &Uid,
    targets: &[Uid],
) -> Result<Vec<std::result::Result<Change, Refusal>>> {
    targets
        .iter()
        .map(|target| {
            let removed = db.execute(
                "DELETE FROM follows WHERE follower = $1 AND followee = $2",
                params![follower.as_str(), target.as_str()],
            )?;
            if removed == 0 {
                return Ok(Err(Refusal::NotFollowed));
            }
            Ok(Ok(Change {
                changed: true,
                mutual: follows(db, target, follower)?,
            }))
        })
        .collect()
}

/// A page of up to `count` of `uid`'s relations of one kind, newest follow first, after
/// `after`; and whether more follow.
pub fn list(
    db: &dyn Db,
    uid: &Uid,
    relation: Relation,
    after: Option<&After>,
    count: usize,
) -> Result<(Vec<Followed>, bool)> {
    let (other, from) = match relation {
        Relation::Followers => (
            "f.follower",
            "follows f JOIN users u ON u.uid = f.follower WHERE f.followee = $1",
        ),
        Relation::Following => (
            "f.followee",
            "follows f JOIN users u ON u.uid = f.followee WHERE f.follower = $1",
        ),
        Relation::Mutual => (
            "f.followee",
            "follows f JOIN follows back ON back.follower = f.followee \
             AND back.followee = f.follower JOIN users u ON u.uid = f.followee \
             WHERE f.follower = $1",
        ),
    };
    let (since, after_uid) =
        after.map_or((i64::MAX, ""), |after| (after.since_ms, after.uid.as_str()));
    let sql = format!(
        "SELECT {other}, f.since_ms, {} \
         FROM {from} AND (f.since_ms < $2 OR (f.since_ms = $2 AND {other} < $3)) \
         ORDER BY f.since_ms DESC, {other} DESC LIMIT $4",
        profile_columns!()
    );
    let mut page = db
        .query(
            &sql,
            params![uid.as_str(), since, after_uid, count as i64 + 1],
        )?
        .iter()
        .map(|row| {
            Ok(Followed {
                profile: read_profile(Uid::parse(&row.get::<String>(0)?, "uid")?, row, 2)?,
                since_ms: row.get(1)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let more = page.len() > count;
    page.truncate(count);
    Ok((page, more))
}

/// Each user's followers, following and mutual followers, in order.
pub fn counts(db: &dyn Db, uids: &[Uid]) -> Result<Vec<(u64, u64, u64)>> {
    uids.iter()
        .map(|uid| {
            let mutual: u64 = db
                .query_one(
                    "SELECT COUNT(*) FROM follows f JOIN follows back \
                     ON back.follower = f.followee AND back.followee = f.follower \
                     WHERE f.follower = $1",
                    params![uid.as_str()],
                )?
                .get(0)?;
            Ok((
                count(db, "followee", uid)?,
                count(db, "follower", uid)?,
                mutual,
            ))
        })
        .collect()
}

/// How each of `others` stands to `uid`: whether they follow `uid`, and whether `uid` follows
/// them.
pub fn relations(db: &dyn Db, uid: &Uid, others: &[Uid]) -> Result<Vec<(bool, bool)>> {
    others
        .iter()
        .map(|other| Ok((follows(db, other, uid)?, follows(db, uid, other)?)))
        .collect()
}

fn follows(db: &dyn Db, follower: &Uid, followee: &Uid) -> Result<bool> {
    db.exists(
        "SELECT 1 FROM follows WHERE follower = $1 AND followee = $2",
        params![follower.as_str(), followee.as_str()],
    )
}

/// How many rows of `follows` have `uid` as their `side` (`follower` or `followee`).
fn count(db: &dyn Db, side: &str, uid: &Uid) -> Result<u64> {
    db.query_one(
        &format!("SELECT COUNT(*) FROM follows WHERE {side} = $1"),
        params![uid.as_str()],
    )?
    .get(0)
}
