//! Webhooks to the app backend, and its before-send callback.
//!
//! Events (`msg.offline`, `msg.notify`, `user.onlinestatus`, `conversation.deleted`) are
//! written to the outbox in the transaction of the change that causes them ([`outbox`]), so an
//! event exists exactly when its change committed, whatever crashes. A task per kind delivers
//! them in order, in batches, retrying with exponential backoff, and gives up on those that
//! fail for longer than the dead-letter age ([`delivery`]); in a cluster a lease makes one node
//! the sender of each kind. `msg.offline` and `user.onlinestatus` read who is connected from
//! [`crate::presence`]. Requests are signed with HMAC-SHA256 ([`signature`]).
//!
//! The before-send callback ([`before_send`]) is the one synchronous part: a user's message
//! waits for the backend's decision before it is stored.

mod before_send;
mod delivery;
mod outbox;
mod signature;

use std::sync::Arc;
use std::time::Duration;

use natter_core::webhook::EventKind;
use natter_core::wire::{DeadLetter, DeadLetterPage, ReplayRequest, ReplayResult};
use natter_core::{Error, Result};
use natter_store::webhooks;
use tokio::sync::Notify;

pub(crate) use before_send::BeforeSend;
pub use before_send::BeforeSendOptions;
pub(crate) use outbox::{Outbox, Push, Written};

use crate::events::EventBus;
use crate::{Natter, now_ms};

/// Where and how events are delivered, from the server's configuration.
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// Events are posted to `<url>?event=<name>`.
    pub url: String,
    /// Signs each request (`X-Natter-Signature`); `None` sends them unsigned.
    pub secret: Option<String>,
    /// The kinds written and sent; the others are not even recorded.
    pub events: Vec<EventKind>,
    /// Most events per request (and per claimed batch of `msg.offline`).
    pub batch_size: u32,
    /// `msg.offline` requests in flight at once (one message each, as WuKongIM).
    pub concurrency: usize,
    /// A request unanswered after this has failed.
    pub timeout: Duration,
    /// An event still failing this long after it was written (or replayed) becomes a dead
    /// letter.
    pub dead_after: Duration,
}

/// The webhook side of a running service.
pub(crate) struct Webhooks {
    options: WebhookOptions,
    url: reqwest::Url,
    enabled: [bool; EventKind::ALL.len()],
    http: reqwest::Client,
    /// Woken when this node wrote events of a kind, so they leave at once.
    wake: [Notify; EventKind::ALL.len()],
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Webhooks")
            .field("events", &self.options.events)
            .finish_non_exhaustive()
    }
}

impl Webhooks {
    pub(crate) fn new(options: WebhookOptions) -> Result<Self> {
        let url = reqwest::Url::parse(&options.url)
            .map_err(|error| Error::invalid_argument(format!("the webhook URL: {error}")))?;
        let mut enabled = [false; EventKind::ALL.len()];
        for kind in &options.events {
            enabled[kind.index()] = true;
        }
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .pool_max_idle_per_host(options.concurrency.max(1))
            .build()
            .map_err(|error| Error::internal(format!("the webhook HTTP client: {error}")))?;
        Ok(Self {
            options,
            url,
            enabled,
            http,
            wake: Default::default(),
        })
    }

    /// The longest one batch of `kind` may take to deliver: one request, or for `msg.offline`
    /// as many rounds of concurrent requests as a batch needs.
    fn longest_delivery(&self, kind: EventKind) -> Duration {
        let rounds = if kind.is_batched() {
            1
        } else {
            let concurrency = self.options.concurrency.max(1) as u32;
            self.options.batch_size.max(1).div_ceil(concurrency)
        };
        self.options.timeout * rounds
    }

    /// The outbox writer. On a database of its own, this node's connections (`events`) are
    /// all of them, so the outbox may ask the bus who is online.
    fn outbox(&self, events: &Arc<EventBus>, exclusive_database: bool) -> Outbox {
        let online_here = exclusive_database.then(|| events.clone());
        Outbox::new(self.enabled, online_here)
    }

    /// Starts the delivery of the kinds just written.
    pub(crate) fn wake(&self, kinds: &[EventKind]) {
        for kind in kinds {
            self.wake[kind.index()].notify_one();
        }
    }
}

/// A dead-letter page holds at most this many.
const MAX_DEAD_LETTERS_PAGE: u32 = 100;

impl Natter {
    /// The outbox writer for this service's write closures; `None` without webhooks.
    pub(crate) fn outbox(&self) -> Option<Outbox> {
        self.webhooks
            .as_ref()
            .map(|hooks| hooks.outbox(&self.events, self.exclusive_database))
    }

    /// After a commit that wrote events: deliver them now.
    pub(crate) fn wake_webhooks(&self, kinds: &[EventKind]) {
        if let Some(webhooks) = &self.webhooks {
            webhooks.wake(kinds);
        }
    }

    /// `GET /webhook/deadletters`: events given up, oldest first, optionally of one kind.
    pub async fn dead_letters(
        &self,
        event: Option<&str>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<DeadLetterPage> {
        let event = event.map(parse_event).transpose()?;
        let limit = match limit {
            None => 20,
            Some(limit) if (1..=MAX_DEAD_LETTERS_PAGE).contains(&limit) => limit,
            Some(limit) => {
                return Err(Error::invalid_argument(format!(
                    "limit: {limit} is out of range; use 1 to {MAX_DEAD_LETTERS_PAGE}"
                )));
            }
        };
        let after = match cursor {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().map_err(|_| {
                Error::invalid_argument("cursor: not a cursor this server gave out")
            })?),
        };
        let mut letters = self
            .read(move |db| {
                webhooks::dead_letters(db, event.map(EventKind::name), after, limit + 1)
            })
            .await?;
        let has_more = letters.len() > limit as usize;
        letters.truncate(limit as usize);
        Ok(DeadLetterPage {
            next_cursor: has_more
                .then(|| letters.last().map(|letter| letter.id.to_string()))
                .flatten(),
            entries: letters
                .into_iter()
                .map(|letter| DeadLetter {
                    body: delivery::item(letter.id, &letter.body),
                    id: letter.id,
                    event: letter.event,
                    created_ms: letter.created_ms,
                    attempts: letter.attempts,
                    last_error: letter.last_error,
                    dead_ms: letter.dead_ms,
                })
                .collect(),
        })
    }

    /// `POST /webhook/deadletters/replay`: dead letters go back in their queues, due now,
    /// with a fresh dead-letter age. They are delivered before the newer events of their kind.
    pub async fn replay_dead_letters(&self, request: ReplayRequest) -> Result<ReplayResult> {
        let event = request.event.as_deref().map(parse_event).transpose()?;
        let ids = request.ids;
        let now_ms = now_ms();
        let replayed = self
            .write(move |db| webhooks::replay(db, &ids, event.map(EventKind::name), now_ms))
            .await?;
        self.wake_webhooks(&EventKind::ALL);
        Ok(ReplayResult { replayed })
    }
}

fn parse_event(name: &str) -> Result<EventKind> {
    EventKind::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.name()).collect();
        Error::invalid_argument(format!(
            "event: {name:?} is not an event; use one of {}",
            names.join(", ")
        ))
    })
}
