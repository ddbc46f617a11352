//! User status: the status each user chose to show, its version, and who subscribed to whose.
//! Whether a user is online comes from [`crate::presence`]; the service decides what it means.

use natter_core::Uid;

use crate::db::params;
use crate::{Db, Result, locks};

/// What is stored and known of a user's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatus {
    pub uid: Uid,
    /// A connection of the user is open on a live node.
    pub online: bool,
    /// A device of the user holds a token (signed in, not signed out).
    pub signed_in: bool,
    pub custom_status: String,
    pub version: u64,
}

/// The statuses of `uids`, in that order; `None` for a user who does not exist.
pub fn statuses(
    db: &dyn Db,
    uids: &[Uid],
    live_since_ms: i64,
) -> Result<Vec<Option<StoredStatus>>> {
    uids.iter()
        .map(|uid| {
            let row = db.query_opt(
                "SELECT COALESCE(s.custom_status, ''), COALESCE(s.version, 0), \
                 EXISTS (SELECT 1 FROM webhook_presence p JOIN webhook_nodes n ON n.id = p.node \
                         WHERE p.uid = u.uid AND n.heartbeat_ms >= $2), \
                 EXISTS (SELECT 1 FROM devices d WHERE d.uid = u.uid) \
                 FROM users u LEFT JOIN user_status s ON s.uid = u.uid WHERE u.uid = $1",
                params![uid.as_str(), live_since_ms],
            )?;
            row.map(|row| {
                Ok(StoredStatus {
                    uid: uid.clone(),
                    custom_status: row.get(0)?,
                    version: row.get(1)?,
                    online: row.get::<bool>(2)?,
                    signed_in: row.get::<bool>(3)?,
                })
            })
            .transpose()
        })
        .collect()
}

/// Sets the status the user shows; returns its new version.
pub fn set_custom(db: &dyn Db, uid: &Uid, custom_status: &str) -> Result<u64> {
    locks::lock_user(db, uid)?;
    let row = db.query_one(
        "INSERT INTO user_status (uid, custom_status, version) VALUES ($1, $2, 1) \
         ON CONFLICT (uid) DO UPDATE SET custom_status = $2, version = user_status.version + 1 \
         RETURNING version",
        params![uid.as_str(), custom_status],
    )?;
    row.get(0)
}

/// The user went online or offline: a new version of their status. Going offline also clears
/// the status they chose, as Tencent's clears it once a user is offline. The caller holds the
/// user's row (`presence::record`).
pub fn changed(db: &dyn Db, uid: &Uid, online: bool) -> Result<u64> {
    let sql = if online {
        "INSERT INTO user_status (uid, custom_status, version) VALUES ($1, '', 1) \
         ON CONFLICT (uid) DO UPDATE SET version = user_status.version + 1 \
         RETURNING version"
    } else {
        "INSERT INTO user_status (uid, custom_status, version) VALUES ($1, '', 1) \
         ON CONFLICT (uid) DO UPDATE SET custom_status = '', version = user_status.version + 1 \
         RETURNING version"
    };
    db.query_one(sql, params![uid.as_str()])?.get(0)
}

/// Subscribes `subscriber` to the status of `targets` (users who exist), keeping at most `most`
/// subscriptions: past that, the oldest go.
pub fn subscribe(
    db: &dyn Db,
    subscriber: &Uid,
    targets: &[Uid],
    now_ms: i64,
    most: usize,
) -> Result<()> {
    locks::lock_user(db, subscriber)?;
    for target in targets {
        db.execute(
            "INSERT INTO status_subscriptions (subscriber, target, since_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (subscriber, target) DO UPDATE SET since_ms = $3",
            params![subscriber.as_str(), target.as_str(), now_ms],
        )?;
    }
    let newest_first = db.query(
        "SELECT target FROM status_subscriptions WHERE subscriber = $1 \
         ORDER BY since_ms DESC, target DESC",
        params![subscriber.as_str()],
    )?;
    for row in newest_first.into_iter().skip(most) {
        let target: String = row.get(0)?;
        db.execute(
            "DELETE FROM status_subscriptions WHERE subscriber = $1 AND target = $2",
            params![subscriber.as_str(), target.as_str()],
        )?;
    }
    Ok(())
}

/// Ends the subscriptions of `subscriber` to `targets`, or every one (`None`).
pub fn unsubscribe(db: &dyn Db, subscriber: &Uid, targets: Option<&[Uid]>) -> Result<()> {
    match targets {
        None => {
            db.execute(
                "DELETE FROM status_subscriptions WHERE subscriber = $1",
                params![subscriber.as_str()],
            )?;
        }
        Some(targets) => {
            for target in targets {
                db.execute(
                    "DELETE FROM status_subscriptions WHERE subscriber = $1 AND target = $2",
                    params![subscriber.as_str(), target.as_str()],
                )?;
            }
        }
    }
    Ok(())
}

/// Who subscribed to the user's status.
pub fn subscribers(db: &dyn Db, target: &Uid) -> Result<Vec<Uid>> {
    db.query(
        "SELECT subscriber FROM status_subscriptions WHERE target = $1 ORDER BY subscriber",
        params![target.as_str()],
    )?
    .into_iter()
    .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, users};

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    #[tokio::test]
    async fn past_the_most_subscriptions_the_oldest_go_and_versions_rise_with_each_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(dir.path()).unwrap();
        let names = ["alice", "bob", "carol", "dave"];
        let subscribed = store
            .write(move |db| {
                users::register(db, &names.map(uid), 1)?;
                subscribe(db, &uid("alice"), &[uid("bob"), uid("carol")], 10, 2)?;
                subscribe(db, &uid("alice"), &[uid("dave")], 20, 2)?;
                subscribe(db, &uid("bob"), &[uid("dave")], 20, 2)?;
                subscribers(db, &uid("dave"))
            })
            .await
            .unwrap();
        assert_eq!(subscribed, [uid("alice"), uid("bob")]);
        let (of_bob, of_carol) = store
            .write(|db| {
                Ok((
                    subscribers(db, &uid("bob"))?,
                    subscribers(db, &uid("carol"))?,
                ))
            })
            .await
            .unwrap();
        assert!(
            of_bob.is_empty(),
            "bob was of the oldest two, and went first by name"
        );
        assert_eq!(of_carol, [uid("alice")]);

        let versions = store
            .write(|db| {
                let chosen = set_custom(db, &uid("alice"), "busy")?;
                let connected = changed(db, &uid("alice"), true)?;
                let first_of_bob = changed(db, &uid("bob"), false)?;
                set_custom(db, &uid("bob"), "away")?;
                unsubscribe(db, &uid("alice"), None)?;
                Ok((
                    chosen,
                    connected,
                    first_of_bob,
                    changed(db, &uid("bob"), false)?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(versions, (1, 2, 1, 3));
        let (status, of_dave) = store
            .read(|db| {
                Ok((
                    statuses(db, &[uid("alice"), uid("zed"), uid("bob")], 0)?,
                    subscribers(db, &uid("dave"))?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(
            status,
            [
                Some(StoredStatus {
                    uid: uid("alice"),
                    online: false,
                    signed_in: false,
                    custom_status: "busy".into(),
                    version: 2,
                }),
                None,
                Some(StoredStatus {
                    uid: uid("bob"),
                    online: false,
                    signed_in: false,
                    custom_status: String::new(),
                    version: 3,
                }),
            ],
            "going online keeps the custom status; going offline clears it"
        );
        assert_eq!(of_dave, [uid("bob")], "alice unsubscribed from everyone");
    }
}
