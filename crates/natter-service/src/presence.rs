//! Who is connected, cluster-wide: each node records its devices' connections in the shared
//! database and beats a heartbeat. The connections of a node whose heartbeat went stale (it
//! crashed) stop counting at once, and the next live node forgets them.
//!
//! A user's first connection anywhere and their last one closing change their status
//! ([`crate::status`]): the transaction that records it tells, and after it commits, their
//! subscribers hear it. The users' rows are locked in that transaction, so of
//! two nodes changing one user's connections at once exactly one sees the change. With
//! webhooks, each change is also a `user.onlinestatus` event.

use std::sync::Arc;
use std::time::Duration;

use natter_core::Uid;
use natter_store::Db;
use natter_store::presence::{self, Change, Connection, OnlineCounts};
use tokio_util::sync::CancellationToken;

use crate::events::PresenceChange;
use crate::webhooks::Written;
use crate::{Natter, now_ms, status};

/// How often a node beats.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// A node silent for longer is taken for dead: its connections no longer count.
const NODE_LIVENESS: Duration = Duration::from_secs(30);
/// Most connection changes written in one transaction.
const MAX_BATCH: usize = 1_000;
/// The pause before writing again after the database failed.
const RETRY: Duration = Duration::from_secs(1);

/// Heartbeats at or after this count as live at `now_ms`.
pub(crate) fn live_since(now_ms: i64) -> i64 {
    now_ms - NODE_LIVENESS.as_millis() as i64
}

/// What one write of connection changes did, for after it commits.
#[derive(Default)]
struct Recorded {
    written: Written,
    statuses: Vec<status::StatusChange>,
}

impl Recorded {
    /// Adds a change and the user's counts after it: a webhook event, and a change of status
    /// when it was the user's first connection or their last.
    fn add(
        &mut self,
        natter: &Natter,
        db: &dyn Db,
        connection: &Connection,
        online: bool,
        counts: OnlineCounts,
        now: i64,
    ) -> natter_store::Result<()> {
        if let Some(outbox) = natter.outbox() {
            self.written
                .extend(outbox.online_status(db, connection, online, counts, now)?);
        }
        let turned = if online {
            counts.total == 1
        } else {
            counts.total == 0
        };
        if turned {
            let audience = natter.status_audience(false);
            self.changed(db, &connection.uid, online, audience, now)?;
        }
        Ok(())
    }

    /// The user went online or offline (which clears their custom status): a new version, read
    /// back whole with who hears of it. A user changed twice in one batch (a quick
    /// reconnection) is told once, as they are now.
    fn changed(
        &mut self,
        db: &dyn Db,
        uid: &Uid,
        online: bool,
        heard_by: status::Audience,
        now: i64,
    ) -> natter_store::Result<()> {
        natter_store::status::changed(db, uid, online)?;
        self.statuses.retain(|change| change.status.uid != *uid);
        self.statuses.extend(status::StatusChange::read(
            db,
            uid,
            heard_by,
            live_since(now),
        )?);
        Ok(())
    }
}

impl Natter {
    /// Registers this node, forgets the connections of nodes that are gone, then writes each
    /// connection change as it comes, and beats, until `stop`.
    pub async fn run_presence(self: Arc<Self>, stop: CancellationToken) {
        let Some(mut changes) = self.presence.lock().expect("presence lock").take() else {
            return;
        };
        let mut beats = tokio::time::interval(HEARTBEAT);
        beats.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut first = true;
        // Numbers this node's batches of changes, so that one written again is known.
        let mut batches = 0;
        loop {
            tokio::select! {
                biased;
                () = stop.cancelled() => {
                    self.leave_presence().await;
                    return;
                }
                _ = beats.tick() => {
                    // With the database to itself, every other node recorded is an earlier run
                    // of this one.
                    let reap_all = std::mem::take(&mut first) && self.exclusive_database;
                    if self.beat(reap_all).await {
                        self.record_again(&mut batches, &stop).await;
                    }
                }
                Some(change) = changes.recv() => {
                    let mut batch = vec![change];
                    while batch.len() < MAX_BATCH {
                        match changes.try_recv() {
                            Ok(change) => batch.push(change),
                            Err(_) => break,
                        }
                    }
                    batches += 1;
                    if self.record_presence(batches, batch, &stop).await {
                        self.record_again(&mut batches, &stop).await;
                    }
                }
            }
        }
    }

    /// Beats, and forgets the connections of dead nodes (with `reap_all`, of every other node).
    /// True when the beat may have registered the node (see `presence::heartbeat`): it did, or
    /// it failed, and might have committed all the same.
    async fn beat(self: &Arc<Self>, reap_all: bool) -> bool {
        let node = self.node;
        let registered = match self
            .write(move |db| presence::heartbeat(db, node, now_ms()))
            .await
        {
            Ok(registered) => registered,
            Err(error) => {
                tracing::warn!(%error, "presence: cannot beat the node's heartbeat");
                return true;
            }
        };
        self.forget("forget the dead nodes' connections", move |db, now| {
            let stale_before = if reap_all { i64::MAX } else { live_since(now) };
            presence::reap_nodes(db, node, stale_before, live_since(now))
        })
        .await;
        registered
    }

    /// The node may have been registered (at its start, or again after it was taken for dead
    /// and its connections forgotten): writes every connection open on it, as opened, so that
    /// the other nodes count them. One already written, or opened since with its change still
    /// queued, changes nothing and is not told twice.
    async fn record_again(self: &Arc<Self>, batches: &mut i64, stop: &CancellationToken) {
        let open = self.events.open_connections();
        for batch in open.chunks(MAX_BATCH) {
            *batches += 1;
            self.record_presence(*batches, batch.to_vec(), stop).await;
        }
    }

    /// The node is stopping: its connections end, and their users' subscribers hear them go
    /// offline now rather than once its heartbeat goes stale. Once, not again on failure: the
    /// other nodes' heartbeats settle it then.
    async fn leave_presence(self: &Arc<Self>) {
        let node = self.node;
        self.forget("forget the node's connections", move |db, now| {
            presence::forget_node(db, node, live_since(now))
        })
        .await;
    }

    /// Writes what `closed` deletes as closed connections, in one transaction; `doing` names
    /// it in the log when it fails.
    async fn forget(
        self: &Arc<Self>,
        doing: &'static str,
        closed: impl Fn(&dyn Db, i64) -> natter_store::Result<Vec<(Connection, OnlineCounts)>>
        + Send
        + Sync
        + 'static,
    ) {
        let natter = self.clone();
        let outcome = self
            .write(move |db| {
                let now = now_ms();
                let mut recorded = Recorded::default();
                for (connection, counts) in closed(db, now)? {
                    recorded.add(&natter, db, &connection, false, counts, now)?;
                }
                Ok(recorded)
            })
            .await;
        match outcome {
            Ok(recorded) => self.after_presence(recorded),
            Err(error) => tracing::warn!(%error, "presence: cannot {doing}"),
        }
    }

    /// Writes connection changes, in order, in one transaction as the node's batch `number`;
    /// again until it succeeds (a lost change would leave a device online forever) or the
    /// server stops. True when the write may have registered the node again (see
    /// `presence::record`): it did, or an attempt before it failed, and might have committed
    /// and registered it (the attempt that succeeded then finds the batch written already).
    async fn record_presence(
        self: &Arc<Self>,
        number: i64,
        batch: Vec<PresenceChange>,
        stop: &CancellationToken,
    ) -> bool {
        let node = self.node;
        let changes: Arc<Vec<Change>> = Arc::new(
            batch
                .into_iter()
                .map(|change| Change {
                    connection: Connection {
                        connection: change.connection,
                        uid: change.uid,
                        device_flag: change.device_flag,
                    },
                    online: change.online,
                })
                .collect(),
        );
        let mut retried = false;
        loop {
            let (changes, natter) = (changes.clone(), self.clone());
            let outcome = self
                .write(move |db| {
                    let now = now_ms();
                    let batch = presence::record(db, node, number, &changes, now, live_since(now))?;
                    let mut recorded = Recorded::default();
                    // A change already recorded (this batch written again after its commit's
                    // answer was lost, or a close of a connection another node reaped) was
                    // told then.
                    for (change, counts) in changes.iter().zip(batch.counts) {
                        let Some(counts) = counts else {
                            continue;
                        };
                        recorded.add(
                            &natter,
                            db,
                            &change.connection,
                            change.online,
                            counts,
                            now,
                        )?;
                    }
                    Ok((recorded, batch.registered))
                })
                .await;
            match outcome {
                Ok((recorded, registered)) => {
                    self.after_presence(recorded);
                    return registered || retried;
                }
                Err(error) => {
                    retried = true;
                    tracing::warn!(%error, "presence: cannot record connections; retrying");
                    tokio::select! {
                        () = stop.cancelled() => return false,
                        () = tokio::time::sleep(RETRY) => {}
                    }
                }
            }
        }
    }

    /// After a write of connection changes committed: its webhook events leave, and the users
    /// whose status changed are heard.
    fn after_presence(&self, mut recorded: Recorded) {
        recorded.written.dedup();
        self.wake_webhooks(&recorded.written);
        for change in &recorded.statuses {
            self.tell_status(change);
        }
    }
}
