//! Where each user's devices are connected, cluster-wide: each node records its connections
//! and beats a heartbeat; a node's connections count while its heartbeat is fresh. User status
//! (online or not), WuKongIM's `/user/onlinestatus` and the webhooks' `msg.offline` and
//! `user.onlinestatus` read it. (Its tables were first the webhooks' alone, hence their names.)

use std::collections::{HashMap, HashSet};

use natter_core::{GroupId, Uid};

use crate::db::params;
use crate::webhooks::{LIST, in_list, with_list};
use crate::{Db, Result, Value, locks, profiles};

/// Records that `node` is alive now; true when that registered it: on its first beat, or when
/// it had been taken for dead (silent past the liveness, say while it could not reach the
/// database) and another node forgot it and its connections. The node then records its live
/// connections again, or the other nodes would count its users offline while they are
/// connected.
pub fn heartbeat(db: &dyn Db, node: i64, now_ms: i64) -> Result<bool> {
    let beat = db.execute(
        "UPDATE webhook_nodes SET heartbeat_ms = $2 WHERE id = $1",
        params![node, now_ms],
    )?;
    Ok(beat == 0 && register(db, node, now_ms, 0)?)
}

/// Registers `node`, alive now, with `batch` as the last batch it recorded; false when it is
/// registered already.
fn register(db: &dyn Db, node: i64, now_ms: i64, batch: i64) -> Result<bool> {
    let registered = db.execute(
        "INSERT INTO webhook_nodes (id, heartbeat_ms, presence_batch) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO NOTHING",
        params![node, now_ms, batch],
    )?;
    Ok(registered == 1)
}

/// A device's connection, as `user.onlinestatus` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub connection: u64,
    pub uid: Uid,
    pub device_flag: u8,
}

/// How many connections a user holds after a change: with the changed device's flag, and in
/// all. Only connections of live nodes (heartbeat at or after `live_since_ms`) count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlineCounts {
    pub device: u64,
    pub total: u64,
}

/// A connection that opened (`online`) or closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub connection: Connection,
    pub online: bool,
}

/// What recording a batch of changes did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedBatch {
    /// Each change's user's counts after it, or `None` for a change that changed nothing.
    pub counts: Vec<Option<OnlineCounts>>,
    /// The batch registered its node again (see [`heartbeat`]).
    pub registered: bool,
}

/// Whether a batch is new to the node's row.
enum Mark {
    New,
    /// Written before: its commit's answer was lost.
    Again,
    /// The node's row was gone, and now holds the batch.
    Registered,
}

/// Records connection changes of `node` in order, as its batch number `batch` (1, 2, ... in
/// the order the node writes them): each with its user's counts after it, or `None` for one
/// that changed nothing. Such a change was told when it first happened, and must not be told
/// again: every change of a batch written again after its commit's answer was lost (the node's
/// row says the batch committed), or a close of a connection another node reaped. A node
/// without a row is registered again, as by [`heartbeat`]: it is writing, so it is alive.
/// The users' rows are locked first, in uid order, so that two nodes recording changes of
/// one user wait in line: of a user's changes made at once on several nodes, exactly one sees
/// the first connection open (a total of 1 after it) or the last one close (0).
///
/// The counts are read once for the batch's users and kept up to date as each change is
/// applied, rather than read again after every change: a connect storm costs one statement a
/// connection. The node's own changes count: the batch beats its heartbeat.
pub fn record(
    db: &dyn Db,
    node: i64,
    batch: i64,
    changes: &[Change],
    now_ms: i64,
    live_since_ms: i64,
) -> Result<RecordedBatch> {
    let registered = match mark_recorded(db, node, batch, now_ms)? {
        Mark::New => false,
        Mark::Registered => true,
        Mark::Again => {
            return Ok(RecordedBatch {
                counts: vec![None; changes.len()],
                registered: false,
            });
        }
    };
    locks::lock_users(db, changes.iter().map(|change| &change.connection.uid))?;
    let users: Vec<&Uid> = changes
        .iter()
        .map(|change| &change.connection.uid)
        .collect();
    let mut held = live_connections(db, &users, live_since_ms)?;
    let mut counts = Vec::with_capacity(changes.len());
    for change in changes {
        let connection = &change.connection;
        let changed = if change.online {
            db.execute(
                "INSERT INTO webhook_presence (connection, node, uid, device_flag, since_ms) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection) DO NOTHING",
                params![
                    connection.connection,
                    node,
                    connection.uid.as_str(),
                    connection.device_flag,
                    now_ms
                ],
            )? == 1
        } else {
            forget(db, connection)?
        };
        if !changed {
            counts.push(None);
            continue;
        }
        let flags = held.entry(connection.uid.clone()).or_default();
        let count = flags.entry(connection.device_flag).or_default();
        *count = if change.online {
            *count + 1
        } else {
            count.saturating_sub(1)
        };
        counts.push(Some(OnlineCounts {
            device: flags.get(&connection.device_flag).copied().unwrap_or(0),
            total: flags.values().sum(),
        }));
    }
    Ok(RecordedBatch { counts, registered })
}

/// Marks `batch` as the last one `node` recorded. A connection that opened and closed within
/// one batch leaves no row to show that the batch committed, so the node's row keeps its number.
/// The write beats the node's heartbeat too: a node writing is alive, and one back from a long
/// database outage is then not taken for dead by a node whose heartbeat came first.
fn mark_recorded(db: &dyn Db, node: i64, batch: i64, now_ms: i64) -> Result<Mark> {
    let marked = db.execute(
        "UPDATE webhook_nodes SET presence_batch = $2, heartbeat_ms = $3 \
         WHERE id = $1 AND presence_batch < $2",
        params![node, batch, now_ms],
    )?;
    Ok(if marked == 1 {
        Mark::New
    } else if register(db, node, now_ms, batch)? {
        Mark::Registered
    } else {
        Mark::Again
    })
}

/// How many connections on live nodes each of `uids` holds, by device flag (users without
/// any are left out).
fn live_connections(
    db: &dyn Db,
    uids: &[&Uid],
    live_since_ms: i64,
) -> Result<HashMap<Uid, HashMap<u8, u64>>> {
    let mut uids = uids.to_vec();
    uids.sort_unstable();
    uids.dedup();
    let uids: Vec<Value> = uids.iter().map(|uid| Value::Text(uid.as_str())).collect();
    let mut held: HashMap<Uid, HashMap<u8, u64>> = HashMap::new();
    for chunk in uids.chunks(LIST) {
        let sql = format!(
            "SELECT p.uid, p.device_flag, COUNT(*) FROM webhook_presence p \
             JOIN webhook_nodes n ON n.id = p.node \
             WHERE n.heartbeat_ms >= $1 AND {} GROUP BY p.uid, p.device_flag",
            in_list("p.uid", 2, chunk.len())
        );
        for row in db.query(&sql, &with_list(&[Value::Int(live_since_ms)], chunk))? {
            let uid = Uid::parse(&row.get::<String>(0)?, "uid")?;
            held.entry(uid)
                .or_default()
                .insert(row.get(1)?, row.get(2)?);
        }
    }
    Ok(held)
}

/// Forgets a connection that closed; says whether it was still recorded. Only the caller whose
/// delete removed the row tells the closing: a close written again after a lost commit answer,
/// or a dead node's connection that another node reaped first, was told by the one that did.
/// (Under PostgreSQL's READ COMMITTED, a second delete waits for the first's row lock and then
/// finds the row gone.)
fn forget(db: &dyn Db, connection: &Connection) -> Result<bool> {
    let removed = db.execute(
        "DELETE FROM webhook_presence WHERE connection = $1",
        params![connection.connection],
    )?;
    Ok(removed == 1)
}

fn online_counts(db: &dyn Db, connection: &Connection, live_since_ms: i64) -> Result<OnlineCounts> {
    let row = db.query_one(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.device_flag = $2 THEN 1 ELSE 0 END), 0) \
         FROM webhook_presence p JOIN webhook_nodes n ON n.id = p.node \
         WHERE p.uid = $1 AND n.heartbeat_ms >= $3",
        params![
            connection.uid.as_str(),
            connection.device_flag,
            live_since_ms
        ],
    )?;
    Ok(OnlineCounts {
        total: row.get(0)?,
        device: row.get(1)?,
    })
}

/// Which of `uids` have a connection on a live node.
pub fn online_among(db: &dyn Db, uids: &[&Uid], live_since_ms: i64) -> Result<HashSet<Uid>> {
    let uids: Vec<Value> = uids.iter().map(|uid| Value::Text(uid.as_str())).collect();
    let mut online = HashSet::new();
    for chunk in uids.chunks(LIST) {
        let sql = format!(
            "SELECT DISTINCT p.uid FROM webhook_presence p JOIN webhook_nodes n ON n.id = p.node \
             WHERE n.heartbeat_ms >= $1 AND {}",
            in_list("p.uid", 2, chunk.len())
        );
        for row in db.query(&sql, &with_list(&[Value::Int(live_since_ms)], chunk))? {
            online.insert(Uid::parse(&row.get::<String>(0)?, "uid")?);
        }
    }
    Ok(online)
}

/// The device flags each of `uids` has a connection with on a live node, by user in that order
/// and by flag.
pub fn device_flags_among(
    db: &dyn Db,
    uids: &[&Uid],
    live_since_ms: i64,
) -> Result<Vec<(Uid, u8)>> {
    let held = live_connections(db, uids, live_since_ms)?;
    let mut flags = Vec::new();
    for uid in uids {
        let mut held_by: Vec<u8> = held
            .get(*uid)
            .into_iter()
            .flat_map(|by_flag| by_flag.keys().copied())
            .collect();
        held_by.sort_unstable();
        flags.extend(held_by.into_iter().map(|flag| ((*uid).clone(), flag)));
    }
    Ok(flags)
}

/// How many current members of the group have a connection on a live node, as `member` (a
/// current member) asks.
pub fn online_members(
    db: &dyn Db,
    member: &Uid,
    group: &GroupId,
    live_since_ms: i64,
) -> Result<u64> {
    let channel_id = profiles::current_member_of(db, member, group)?;
    db.query_one(
        "SELECT COUNT(DISTINCT c.uid) FROM conversations c \
         JOIN webhook_presence p ON p.uid = c.uid JOIN webhook_nodes n ON n.id = p.node \
         WHERE c.channel_id = $1 AND c.left_seq IS NULL AND n.heartbeat_ms >= $2",
        params![channel_id, live_since_ms],
    )?
    .get(0)
}

/// Forgets the nodes other than `alive` whose last heartbeat is before `stale_before_ms`, and
/// their connections, each of which is returned with its user's counts after it, in the
/// order they connected. Their devices lost their connection with the node. Of several nodes
/// reaping one dead node at once, each connection is returned by exactly one.
pub fn reap_nodes(
    db: &dyn Db,
    alive: i64,
    stale_before_ms: i64,
    live_since_ms: i64,
) -> Result<Vec<(Connection, OnlineCounts)>> {
    let dead = db.query(
        "SELECT p.connection, p.uid, p.device_flag FROM webhook_presence p \
         LEFT JOIN webhook_nodes n ON n.id = p.node \
         WHERE p.node != $1 AND (n.id IS NULL OR n.heartbeat_ms < $2) \
         ORDER BY p.since_ms, p.connection",
        params![alive, stale_before_ms],
    )?;
    let gone = forget_connections(db, dead, live_since_ms)?;
    db.execute(
        "DELETE FROM webhook_nodes WHERE id != $1 AND heartbeat_ms < $2",
        params![alive, stale_before_ms],
    )?;
    Ok(gone)
}

/// Forgets `node` itself and its connections, each returned with its user's counts after it:
/// the node is stopping, and its devices lose their connections now rather than once its
/// heartbeat goes stale.
pub fn forget_node(
    db: &dyn Db,
    node: i64,
    live_since_ms: i64,
) -> Result<Vec<(Connection, OnlineCounts)>> {
    let rows = db.query(
        "SELECT connection, uid, device_flag FROM webhook_presence WHERE node = $1 \
         ORDER BY since_ms, connection",
        params![node],
    )?;
    let gone = forget_connections(db, rows, live_since_ms)?;
    db.execute("DELETE FROM webhook_nodes WHERE id = $1", params![node])?;
    Ok(gone)
}

/// Deletes the connections of these rows (`connection`, `uid`, `device_flag`); returns those
/// this call removed (see `forget`), each with its user's counts after it. The rows were read
/// without a lock, so another node may have removed some of them since.
fn forget_connections(
    db: &dyn Db,
    rows: Vec<crate::Row>,
    live_since_ms: i64,
) -> Result<Vec<(Connection, OnlineCounts)>> {
    let mut connections = Vec::with_capacity(rows.len());
    for row in rows {
        connections.push(Connection {
            connection: row.get(0)?,
            uid: Uid::parse(&row.get::<String>(1)?, "uid")?,
            device_flag: row.get(2)?,
        });
    }
    // In line with the nodes recording changes of these users (see `record`).
    locks::lock_users(db, connections.iter().map(|connection| &connection.uid))?;
    let mut gone = Vec::with_capacity(connections.len());
    for connection in connections {
        if forget(db, &connection)? {
            let counts = online_counts(db, &connection, live_since_ms)?;
            gone.push((connection, counts));
        }
    }
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(dir.path()).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn presence_counts_live_nodes_only_and_reaps_dead_ones() {
        let (_dir, store) = store().await;
        let phone = Connection {
            connection: 7,
            uid: uid("alice"),
            device_flag: 0,
        };
        let web = Connection {
            connection: 8,
            uid: uid("alice"),
            device_flag: 1,
        };
        let (a, b) = (phone.clone(), web.clone());
        let counts = store
            .write(move |db| {
                heartbeat(db, 1, 1_000)?;
                heartbeat(db, 2, 1_000)?;
                record(
                    db,
                    1,
                    1,
                    &[Change {
                        connection: a.clone(),
                        online: true,
                    }],
                    1_000,
                    0,
                )?;
                record(
                    db,
                    2,
                    1,
                    &[Change {
                        connection: b.clone(),
                        online: true,
                    }],
                    1_001,
                    0,
                )
            })
            .await
            .unwrap()
            .counts;
        assert_eq!(
            counts,
            [Some(OnlineCounts {
                device: 1,
                total: 2
            })]
        );
        let (alice, bob) = (uid("alice"), uid("bob"));
        let online = store
            .read(move |db| online_among(db, &[&alice, &bob], 500))
            .await
            .unwrap();
        assert_eq!(online, HashSet::from([uid("alice")]));
        // Node 2 stops beating; node 1 reaps it.
        let gone = store
            .write(|db| {
                heartbeat(db, 1, 9_000)?;
                reap_nodes(db, 1, 5_000, 5_000)
            })
            .await
            .unwrap();
        assert_eq!(
            gone,
            [(
                web,
                OnlineCounts {
                    device: 0,
                    total: 1
                }
            )]
        );
        let counts = store
            .write(move |db| {
                let closed = Change {
                    connection: phone.clone(),
                    online: false,
                };
                record(db, 1, 2, &[closed], 9_000, 5_000)
            })
            .await
            .unwrap()
            .counts;
        assert_eq!(
            counts,
            [Some(OnlineCounts {
                device: 0,
                total: 0
            })]
        );
    }

    #[tokio::test]
    async fn a_batch_counts_each_change_after_the_ones_before_it() {
        let (_dir, store) = store().await;
        let change = |connection: u64, name: &str, device_flag: u8, online: bool| Change {
            connection: Connection {
                connection,
                uid: uid(name),
                device_flag,
            },
            online,
        };
        let batch = [
            change(1, "alice", 0, true),
            change(2, "alice", 1, true),
            change(3, "bob", 0, true),
            change(1, "alice", 0, false),
            change(1, "alice", 0, false),
            change(4, "alice", 1, true),
        ];
        let counts = store
            .write(move |db| {
                heartbeat(db, 1, 1_000)?;
                // alice already has a phone on another live node, and one on a dead node.
                heartbeat(db, 2, 1_000)?;
                heartbeat(db, 3, 10)?;
                record(db, 2, 1, &[change(9, "alice", 0, true)], 1_000, 500)?;
                record(db, 3, 1, &[change(8, "alice", 0, true)], 10, 0)?;
                record(db, 1, 1, &batch, 1_000, 500)
            })
            .await
            .unwrap()
            .counts;
        let pairs: Vec<Option<(u64, u64)>> = counts
            .iter()
            .map(|counts| counts.map(|c| (c.device, c.total)))
            .collect();
        assert_eq!(
            pairs,
            [
                Some((2, 2)),
                Some((1, 3)),
                Some((1, 1)),
                Some((1, 2)),
                None,
                Some((2, 3))
            ],
            "the dead node's connection never counts; a repeated close changes nothing"
        );
    }

    /// A batch whose commit's answer was lost is written again: a connection it recorded open
    /// or closed, or both (a connection that lasted less than the batch), is not told so twice
    /// (as two `user.onlinestatus` lines under two event IDs). The node's next batch is told.
    #[tokio::test]
    async fn a_batch_written_again_tells_nothing_again() {
        let (_dir, store) = store().await;
        let change = |connection: u64, online: bool| Change {
            connection: Connection {
                connection,
                uid: uid("alice"),
                device_flag: 0,
            },
            online,
        };
        let batch = [
            change(2, true),
            change(1, false),
            change(3, true),
            change(3, false),
        ];
        let (first, again, next) = store
            .write(move |db| {
                heartbeat(db, 1, 1_000)?;
                record(db, 1, 1, &[change(1, true)], 1_000, 500)?;
                let first = record(db, 1, 2, &batch, 1_000, 500)?.counts;
                let again = record(db, 1, 2, &batch, 1_001, 500)?.counts;
                let next = record(db, 1, 3, &[change(4, true)], 1_002, 500)?.counts;
                Ok((first, again, next))
            })
            .await
            .unwrap();
        assert!(first.iter().all(Option::is_some), "{first:?}");
        assert_eq!(again, [None; 4]);
        assert!(next.iter().all(Option::is_some), "{next:?}");
    }

    /// A node taken for dead while it could not reach the database (its row and connections
    /// forgotten by another node) learns so from its next beat or batch, whichever comes first,
    /// which registers it again; the batch's changes count.
    #[tokio::test]
    async fn a_node_taken_for_dead_learns_it_from_its_next_beat_or_batch() {
        let (_dir, store) = store().await;
        let change = Change {
            connection: Connection {
                connection: 1,
                uid: uid("alice"),
                device_flag: 0,
            },
            online: true,
        };
        let (first_beat, beat, batch) = store
            .write(move |db| {
                let first_beat = heartbeat(db, 1, 1_000)?;
                heartbeat(db, 2, 1_000)?;
                let beat = heartbeat(db, 1, 2_000)?;
                heartbeat(db, 2, 60_000)?;
                reap_nodes(db, 2, 31_000, 30_000)?;
                let batch = record(db, 1, 1, std::slice::from_ref(&change), 60_001, 30_000)?;
                Ok((first_beat, beat, batch))
            })
            .await
            .unwrap();
        assert!(first_beat && !beat);
        assert_eq!(
            batch,
            RecordedBatch {
                counts: vec![Some(OnlineCounts {
                    device: 1,
                    total: 1
                })],
                registered: true
            }
        );
        let again = store.write(|db| heartbeat(db, 1, 60_002)).await.unwrap();
        assert!(!again, "registered once");
        let alice = uid("alice");
        let online = store
            .read(move |db| online_among(db, &[&alice], 30_000))
            .await
            .unwrap();
        assert_eq!(online, HashSet::from([uid("alice")]));
        let reaped_again = store
            .write(|db| {
                heartbeat(db, 2, 200_000)?;
                reap_nodes(db, 2, 100_000, 100_000)?;
                heartbeat(db, 1, 200_001)
            })
            .await
            .unwrap();
        assert!(
            reaped_again,
            "the beat after a reap registers the node again"
        );
    }

    /// A batch beats its node's heartbeat: a node back from a long database outage with
    /// changes to write is not taken for dead by another node whose heartbeat comes after it.
    #[tokio::test]
    async fn a_batch_keeps_its_node_alive() {
        let (_dir, store) = store().await;
        let open = |connection: u64, name: &str| Change {
            connection: Connection {
                connection,
                uid: uid(name),
                device_flag: 0,
            },
            online: true,
        };
        let reaped = store
            .write(move |db| {
                heartbeat(db, 1, 1_000)?;
                heartbeat(db, 2, 1_000)?;
                record(db, 1, 1, &[open(1, "alice")], 1_000, 0)?;
                record(db, 1, 2, &[open(2, "bob")], 60_000, 30_000)?;
                heartbeat(db, 2, 60_001)?;
                reap_nodes(db, 2, 30_001, 30_001)
            })
            .await
            .unwrap();
        assert_eq!(reaped, []);
    }
}

/// Two live nodes reap one dead node at once, on PostgreSQL (on SQLite one writer runs every
/// write, so they cannot overlap).
#[cfg(test)]
mod concurrent_reaping_tests {
    use std::cell::Cell;
    use std::sync::mpsc::{Receiver, Sender};
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::test_stores::{Place, Watch, Watched, concurrent_runtime, make_users};

    /// Where a paused write says it paused, and hears when to go on.
    type Pause = (Sender<()>, Receiver<()>);

    /// Stops a write before the statement that follows its read of the dead node's connections,
    /// once (taking the pause): it says so on the first channel and goes on when the second one
    /// says to.
    struct PauseAfterReading {
        pause: Arc<Mutex<Option<Pause>>>,
        read: Cell<bool>,
    }

    impl Watch for PauseAfterReading {
        fn statement(&self, _: &dyn Db, sql: &str, _: &[Value<'_>]) -> Result<()> {
            if self.read.replace(sql.starts_with("SELECT p.connection"))
                && let Some((paused, go_on)) = self.pause.lock().unwrap().take()
            {
                paused.send(()).unwrap();
                go_on.recv().unwrap();
            }
            Ok(())
        }
    }

    /// Both nodes read the dead node's connections before either deletes them: the one that
    /// deletes second finds them gone, and returns none of them to be told closed again (as a
    /// second `user.onlinestatus` line under a new event ID).
    #[test]
    fn two_nodes_reaping_one_dead_node_tell_each_connection_once() {
        let Some(place) = Place::postgres() else {
            return;
        };
        concurrent_runtime().block_on(async {
            let (slow, quick) = (place.open().await, place.open().await);
            slow.write(|db| {
                let users = ["alice", "bob"].map(|name| Uid::parse(name, "uid").unwrap());
                make_users(db, users.clone())?;
                for node in [1, 2, 3] {
                    heartbeat(db, node, 1_000)?;
                }
                let changes: Vec<Change> = [(1, &users[0]), (2, &users[0]), (3, &users[1])]
                    .into_iter()
                    .map(|(connection, uid)| Change {
                        connection: Connection {
                            connection,
                            uid: uid.clone(),
                            device_flag: 0,
                        },
                        online: true,
                    })
                    .collect();
                record(db, 3, 1, &changes, 1_000, 0)?;
                heartbeat(db, 1, 9_000)?;
                heartbeat(db, 2, 9_000)
            })
            .await
            .unwrap();
            let (paused, is_paused) = std::sync::mpsc::channel();
            let (go_on, told_to_go_on) = std::sync::mpsc::channel();
            let pause = Arc::new(Mutex::new(Some((paused, told_to_go_on))));
            let slow_reap = tokio::spawn(async move {
                let reaped = slow
                    .write(move |db| {
                        let watched = Watched::watching(
                            db,
                            PauseAfterReading {
                                pause: pause.clone(),
                                read: Cell::new(false),
                            },
                        );
                        reap_nodes(&watched, 1, 5_000, 5_000)
                    })
                    .await;
                slow.close().await;
                reaped
            });
            tokio::task::spawn_blocking(move || is_paused.recv())
                .await
                .unwrap()
                .unwrap();
            let quick_reaped = quick
                .write(|db| reap_nodes(db, 2, 5_000, 5_000))
                .await
                .unwrap();
            go_on.send(()).unwrap();
            let slow_reaped = slow_reap.await.unwrap().unwrap();
            let connections = |reaped: &[(Connection, OnlineCounts)]| -> Vec<u64> {
                reaped.iter().map(|(gone, _)| gone.connection).collect()
            };
            assert_eq!(connections(&quick_reaped), [1, 2, 3]);
            assert_eq!(connections(&slow_reaped), [0u64; 0], "told closed twice");
            quick.close().await;
        });
    }
}
