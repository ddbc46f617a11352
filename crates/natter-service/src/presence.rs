//! Who is connected, cluster-wide: each node records its devices' connections in the shared
//! database (and a `user.onlinestatus` event with each), and beats a heartbeat. The
//! connections of a node whose heartbeat went stale (it crashed) stop counting at once, and the
//! next live node forgets them, with a `user.onlinestatus` "offline" event for each.

use std::sync::Arc;
use std::time::Duration;

use natter_store::webhooks::{self, Connection};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::outbox::Written;
use crate::events::PresenceChange;
use crate::{Natter, now_ms};

/// How often a node beats.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// A node silent for longer is taken for dead: its connections no longer count.
const NODE_LIVENESS: Duration = Duration::from_secs(30);
/// Most connection changes written in one transaction.
const MAX_BATCH: usize = 1_000;
/// The pause before writing again after the database failed.
const RETRY: Duration = Duration::from_secs(1);

/// Heartbeats at or after this count as live at `now_ms`.
pub(super) fn live_since(now_ms: i64) -> i64 {
    now_ms - NODE_LIVENESS.as_millis() as i64
}

impl Natter {
    /// Registers this node, forgets the connections of nodes that are gone, then writes each
    /// connection change as it comes, and beats, until `stop`.
    pub(super) async fn run_presence(
        self: Arc<Self>,
        mut changes: mpsc::UnboundedReceiver<PresenceChange>,
        stop: CancellationToken,
    ) {
        let Some(hooks) = &self.webhooks else { return };
        let node = hooks.node;
        // With the database to itself, every other node recorded is an earlier run of this one.
        let exclusive = hooks.options.exclusive_database;
        let mut beats = tokio::time::interval(HEARTBEAT);
        beats.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut first = true;
        loop {
            tokio::select! {
                biased;
                () = stop.cancelled() => return,
                _ = beats.tick() => {
                    let reap_all = std::mem::take(&mut first) && exclusive;
                    self.beat(node, reap_all).await;
                }
                Some(change) = changes.recv() => {
                    let mut batch = vec![change];
                    while batch.len() < MAX_BATCH {
                        match changes.try_recv() {
                            Ok(change) => batch.push(change),
                            Err(_) => break,
                        }
                    }
                    self.record_presence(node, batch, &stop).await;
                }
            }
        }
    }

    /// Beats, and forgets the connections of dead nodes (with `reap_all`, of every other node).
    async fn beat(&self, node: i64, reap_all: bool) {
        let Some(outbox) = self.outbox() else { return };
        let outcome = self
            .write(move |db| {
                let now = now_ms();
                webhooks::heartbeat(db, node, now)?;
                let stale_before = if reap_all { i64::MAX } else { live_since(now) };
                let mut written = Written::new();
                for (connection, counts) in
                    webhooks::reap_nodes(db, node, stale_before, live_since(now))?
                {
                    written.extend(outbox.online_status(db, &connection, false, counts, now)?);
                }
                Ok(written)
            })
            .await;
        match outcome {
            Ok(mut written) => {
                written.dedup();
                self.wake_webhooks(&written);
            }
            Err(error) => tracing::warn!(%error, "webhooks: cannot beat the node's heartbeat"),
        }
    }

    /// Writes connection changes, in order, in one transaction; again until it succeeds (a
    /// lost change would leave a device online forever) or the server stops.
    async fn record_presence(
        &self,
        node: i64,
        batch: Vec<PresenceChange>,
        stop: &CancellationToken,
    ) {
        let Some(outbox) = self.outbox() else { return };
        let batch = Arc::new(batch);
        loop {
            let (changes, outbox) = (batch.clone(), outbox.clone());
            let outcome = self
                .write(move |db| {
                    let now = now_ms();
                    let mut written = Written::new();
                    for change in changes.iter() {
                        let connection = connection(change);
                        let counts = if change.online {
                            webhooks::connected(db, node, &connection, now, live_since(now))?
                        } else {
                            webhooks::disconnected(db, &connection, live_since(now))?
                        };
                        written.extend(outbox.online_status(
                            db,
                            &connection,
                            change.online,
                            counts,
                            now,
                        )?);
                    }
                    Ok(written)
                })
                .await;
            match outcome {
                Ok(mut written) => {
                    written.dedup();
                    self.wake_webhooks(&written);
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, "webhooks: cannot record connections; retrying");
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(RETRY) => {}
                    }
                }
            }
        }
    }
}

fn connection(change: &PresenceChange) -> Connection {
    Connection {
        connection: change.connection,
        uid: change.uid.clone(),
        device_flag: change.device_flag,
    }
}
