//! Delivering the outbox: one task per kind of event, on every node. A task reads the oldest
//! events of its kind, takes (or renews) the kind's lease so that it is the only node sending
//! them, posts them, then deletes the delivered ones and records the failures. It waits for
//! the oldest event's retry before sending anything newer, so a kind is delivered in order.
//!
//! Nothing here is on a request's path: a slow or dead receiver only makes the queue longer.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use natter_core::webhook::{EventKind, retry_delay};
use natter_store::webhooks::{self, OutboxEvent};
use serde_json::Value;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{Webhooks, signature};
use crate::{Natter, now_ms};

/// How often a kind's queue is read when nothing woke its task: events written by other
/// nodes, and retries, wait at most this long.
const POLL: Duration = Duration::from_secs(1);
/// A lease lasts the longest a batch's delivery may take and this much more.
const LEASE_SLACK: Duration = Duration::from_secs(10);
/// A lease is renewed before a batch when less than its longest delivery and this much remain
/// of it, so that it cannot run out while requests are in flight.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// How often the queue gauges are refreshed from the database.
const STATS: Duration = Duration::from_secs(2);
/// Most of an error answer's body kept as the event's last error.
const ERROR_BODY_CHARS: usize = 200;

/// The request header naming the event kind.
const EVENT_HEADER: &str = "X-Natter-Event";
/// The request header listing the IDs of the events in the body, in order.
const EVENT_IDS_HEADER: &str = "X-Natter-Event-Ids";

/// What a task does next.
enum Next {
    /// Read the queue again at once: it delivered (or failed) something.
    Now,
    /// Wait, unless woken by a new event.
    Wait(Duration),
}

impl Natter {
    /// Delivers webhook events until `stop`; returns at once on a server without webhooks.
    pub async fn run_webhooks(self: Arc<Self>, stop: CancellationToken) {
        let Some(hooks) = &self.webhooks else { return };
        let mut tasks = JoinSet::new();
        for kind in hooks.options.events.clone() {
            tasks.spawn(self.clone().deliver_kind(kind, stop.clone()));
        }
        tasks.spawn(self.clone().watch_queues(stop.clone()));
        while tasks.join_next().await.is_some() {}
    }

    async fn deliver_kind(self: Arc<Self>, kind: EventKind, stop: CancellationToken) {
        let Some(hooks) = &self.webhooks else { return };
        // Until when this node holds the kind's lease (0: it does not).
        let mut lease_until = 0;
        loop {
            // Stopping drops a delivery in flight: its events stay queued and go again later.
            let outcome = tokio::select! {
                () = stop.cancelled() => break,
                outcome = self.deliver_due(hooks, kind, &mut lease_until) => outcome,
            };
            let pause = match outcome {
                Ok(Next::Now) => Duration::ZERO,
                Ok(Next::Wait(pause)) => pause,
                Err(error) => {
                    tracing::warn!(event = %kind, %error, "webhooks: cannot read or update the queue");
                    POLL
                }
            };
            if pause.is_zero() {
                continue;
            }
            tokio::select! {
                () = stop.cancelled() => break,
                () = hooks.wake[kind.index()].notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        // Stopping: another node need not wait for the lease to run out (a rolling restart).
        if lease_until > 0 {
            let node = self.node;
            let released = self
                .write(move |db| webhooks::release_lease(db, kind.name(), node))
                .await;
            if let Err(error) = released {
                tracing::debug!(event = %kind, %error, "webhooks: cannot release the lease");
            }
        }
    }

    /// Sends the kind's due events, oldest first, if this node holds (or takes) its lease.
    async fn deliver_due(
        &self,
        hooks: &Webhooks,
        kind: EventKind,
        lease_until: &mut i64,
    ) -> natter_core::Result<Next> {
        let options = &hooks.options;
        let limit = options.batch_size;
        let queued = self
            .read(move |db| webhooks::pending(db, kind.name(), limit))
            .await?;
        let now = now_ms();
        let Some(head) = queued.first() else {
            return Ok(Next::Wait(POLL));
        };
        if head.next_attempt_ms > now {
            let due_in = Duration::from_millis((head.next_attempt_ms - now) as u64);
            return Ok(Next::Wait(due_in.min(POLL)));
        }
        let due: Vec<OutboxEvent> = queued
            .into_iter()
            .take_while(|event| event.next_attempt_ms <= now)
            .collect();
        // A database of its own (SQLite) has no other node to share the sending with.
        let longest = hooks.longest_delivery(kind);
        if !self.exclusive_database && *lease_until - now < millis(longest + LEASE_MARGIN) {
            let until = now + millis(longest + LEASE_SLACK);
            let node = self.node;
            let held = self
                .write(move |db| webhooks::take_lease(db, kind.name(), node, now, until))
                .await?;
            if !held {
                // Another node sends this kind; this one takes over if its lease runs out.
                *lease_until = 0;
                return Ok(Next::Wait(POLL));
            }
            *lease_until = until;
        }
        let outcomes = self.post_events(hooks, kind, &due).await;
        let mut delivered = Vec::new();
        let mut failed = Vec::new();
        let mut last_error = String::new();
        let mut most_attempts = 0;
        for (event, outcome) in due.iter().zip(outcomes) {
            match outcome {
                Ok(()) => delivered.push(event.id),
                Err(error) => {
                    failed.push(event.id);
                    most_attempts = most_attempts.max(event.attempts);
                    last_error = error;
                }
            }
        }
        let now = now_ms();
        let next_attempt_ms = now + millis(retry_delay(most_attempts + 1));
        let dead_before_ms = now - millis(options.dead_after);
        let (done, given_up) = (delivered.clone(), failed.clone());
        let error = last_error.clone();
        let dead = self
            .write(move |db| {
                webhooks::delivered(db, &done)?;
                if given_up.is_empty() {
                    return Ok(0);
                }
                webhooks::failed(db, &given_up, now, next_attempt_ms, &error, dead_before_ms)
            })
            .await?;
        self.metrics.webhook_delivered(kind, delivered.len());
        if !failed.is_empty() {
            self.metrics.webhook_failed(kind, failed.len(), dead);
            tracing::warn!(
                event = %kind,
                events = failed.len(),
                dead,
                error = %last_error,
                "webhooks: delivery failed; retrying with backoff"
            );
        }
        Ok(Next::Now)
    }

    /// Posts `events`: batched kinds in one request, `msg.offline` one request each with up to
    /// `concurrency` in flight. The outcome of each event, in order.
    async fn post_events(
        &self,
        hooks: &Webhooks,
        kind: EventKind,
        events: &[OutboxEvent],
    ) -> Vec<Result<(), String>> {
        if kind.is_batched() {
            let outcome = post(hooks, kind, events).await;
            return vec![outcome; events.len()];
        }
        // Owned events: a closure over borrowed ones would not be `Send` for any lifetime.
        futures_util::stream::iter(events.to_vec())
            .map(|event| async move { post(hooks, kind, std::slice::from_ref(&event)).await })
            .buffered(hooks.options.concurrency.max(1))
            .collect()
            .await
    }

    /// Keeps the queue gauges current (every node's events, as the database holds them).
    async fn watch_queues(self: Arc<Self>, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(STATS);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            match self.read(webhooks::queue_stats).await {
                Ok(queues) => {
                    let now = now_ms();
                    for kind in EventKind::ALL {
                        let queue = queues.iter().find(|queue| queue.event == kind.name());
                        let (depth, oldest, dead) = queue.map_or((0, None, 0), |queue| {
                            (queue.pending, queue.oldest_ms, queue.dead)
                        });
                        let age = oldest.map_or(0, |oldest| (now - oldest).max(0) as u64);
                        self.metrics.webhook_queue(kind, depth, age, dead);
                    }
                }
                Err(error) => tracing::debug!(%error, "webhooks: cannot read the queue gauges"),
            }
        }
    }
}

fn millis(duration: Duration) -> i64 {
    duration.as_millis() as i64
}

/// An event's item as delivered: its stored body with its ID as `event_id` (objects only;
/// `user.onlinestatus` items are WuKongIM's strings, whose IDs are in `X-Natter-Event-Ids`).
pub(super) fn item(id: i64, body: &str) -> Value {
    let mut item: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut item {
        fields.insert("event_id".into(), id.into());
    }
    item
}

/// One request: `POST <url>?event=<kind>` with the events (an array for batched kinds),
/// signed. Any 2xx answer delivers them.
async fn post(hooks: &Webhooks, kind: EventKind, events: &[OutboxEvent]) -> Result<(), String> {
    let items: Vec<Value> = events
        .iter()
        .map(|event| item(event.id, &event.body))
        .collect();
    let body = if kind.is_batched() {
        serde_json::to_vec(&items)
    } else {
        serde_json::to_vec(&items[0])
    }
    .map_err(|error| format!("cannot encode the body: {error}"))?;
    let ids: Vec<String> = events.iter().map(|event| event.id.to_string()).collect();
    let mut url = hooks.url.clone();
    url.query_pairs_mut().append_pair("event", kind.name());
    let request = hooks
        .http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(EVENT_HEADER, kind.name())
        .header(EVENT_IDS_HEADER, ids.join(","));
    let request = signature::signed(request, hooks.options.secret.as_deref(), &body);
    match request.body(body).send().await {
        Ok(answer) if answer.status().is_success() => Ok(()),
        Ok(answer) => {
            let status = answer.status();
            let text = answer.text().await.unwrap_or_default();
            let text: String = text.chars().take(ERROR_BODY_CHARS).collect();
            Err(format!("the receiver answered {status}: {text}"))
        }
        Err(error) if error.is_timeout() => Err(format!(
            "no answer within {} ms",
            hooks.options.timeout.as_millis()
        )),
        Err(error) => Err(format!(
            "cannot reach the receiver: {}",
            error.without_url()
        )),
    }
}
