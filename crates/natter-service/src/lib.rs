//! Natter's service layer: validates requests, decides who may do what, calls the store and
//! shapes the results as the wire types of `natter_core::wire`. HTTP handlers call exactly one
//! method here.

mod access;
mod client_groups;
mod conversation_frames;
mod conversations;
mod directory;
mod editing;
mod errors;
mod events;
mod follows;
mod friend_groups;
mod friends;
mod gateway;
mod group_applications;
mod group_attributes;
mod group_counters;
mod groups;
mod image_variants;
mod jobs;
mod language;
mod message_extensions;
mod message_receipts;
mod messaging;
mod metrics;
mod notices;
mod notify;
mod pinned_messages;
mod preferences;
mod presence;
mod present;
mod profiles;
mod reactions;
mod receive_options;
mod removal;
mod search;
mod sender_lists;
mod status;
mod system_accounts;
mod tokens;
mod topics;
mod uploads;
mod users;
mod webhooks;
mod wukongim;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use natter_core::Result;
use natter_core::wire::{AppSettings, AppSettingsChange};
use natter_store::files::FileStore;
use natter_store::{Db, Store, settings};

pub use access::{Actor, Principal};
pub use conversations::ListOptions;
pub use events::{
    EndReason, EventBus, Frame, IN_FLIGHT_MARGIN, Lost, Origin, PresenceChange, QUEUE_FRAMES,
    Recipients, Relay, Remote, Signals, Subscription, VersionLog,
};
pub use friend_groups::FriendGroupChange;
pub use gateway::{WuKongImConnection, WuKongImGateway, WuKongImRoutes, WuKongImTraffic};
pub use group_counters::CounterStep;
pub use language::{SpeechToTextOptions, TranslationOptions};
pub use messaging::{Delivery, HistoryQuery, transient_id};
pub use metrics::Metrics;
pub use profiles::MemberPage;
pub use uploads::{UploadOptions, Uploads};
pub use webhooks::{BeforeSendOptions, WebhookOptions};

/// The settings keys under which `sync_conversation_deletion` and `friend_status_notification`
/// are stored, in the order of [`Natter::stored_settings`].
const SETTING_KEYS: [&str; 2] = ["sync_conversation_deletion", "friend_status_notification"];

/// How the service runs, from the server's configuration.
#[derive(Debug, Clone)]
pub struct Options {
    /// The app backend's key to the server API; `None` closes it.
    pub manager_token: Option<String>,
    /// Given at start, replace the stored settings; `None` keeps them.
    pub sync_conversation_deletion: Option<bool>,
    pub friend_status_notification: Option<bool>,
    /// How long after sending a sender may still recall a message.
    pub recall_window: std::time::Duration,
    /// Events for the app backend; `None`: no webhooks (and nothing written for them).
    pub webhooks: Option<WebhookOptions>,
    /// The app backend's check of each message a device sends, before it is stored.
    pub before_send: Option<BeforeSendOptions>,
    /// The operator's translation service; `None`: translation answers 501.
    pub translation: Option<TranslationOptions>,
    /// The operator's speech-to-text service; `None`: speech to text answers 501.
    pub speech_to_text: Option<SpeechToTextOptions>,
    /// The database belongs to this node alone (SQLite): the connections an earlier run
    /// recorded are gone for sure, without waiting for its heartbeat to go stale.
    pub exclusive_database: bool,
    /// The uploaded files ([`Uploads::files`]): a message linking to one keeps it from
    /// expiring, and retention removes those nothing linked to within it. `None` for a service
    /// run without files (tests of other parts).
    pub files: Option<FileStore>,
}

/// The whole service, shared by every request.
pub struct Natter {
    store: Store,
    manager_token: Option<String>,
    recall_window: std::time::Duration,
    /// Read on every deletion, so kept in memory; the stored value survives restarts.
    sync_conversation_deletion: AtomicBool,
    friend_status_notification: AtomicBool,
    /// Devices by token hash: authentication without a read.
    tokens: tokens::TokenCache,
    pub metrics: Metrics,
    /// Connected devices, for live events.
    pub events: Arc<EventBus>,
    /// This node, in the tables of connections and webhook leases: random per start.
    node: i64,
    exclusive_database: bool,
    /// Connections opening and closing, taken by the presence task ([`presence`]).
    presence: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<PresenceChange>>>,
    webhooks: Option<webhooks::Webhooks>,
    before_send: Option<webhooks::BeforeSend>,
    translator: Option<language::Translator>,
    transcriber: Option<language::Transcriber>,
    files: Option<FileStore>,
}

impl Natter {
    /// Starts the service on a store.
    pub async fn start(store: Store, options: Options) -> Result<Self> {
        let events = Arc::new(EventBus::default());
        let presence = Mutex::new(Some(events.watch_presence()));
        let webhooks = options.webhooks.map(webhooks::Webhooks::new).transpose()?;
        let before_send = options
            .before_send
            .map(webhooks::BeforeSend::new)
            .transpose()?;
        let translator = options
            .translation
            .map(language::Translator::new)
            .transpose()?;
        let transcriber = options
            .speech_to_text
            .map(language::Transcriber::new)
            .transpose()?;
        let natter = Self {
            store,
            manager_token: options.manager_token.filter(|token| !token.is_empty()),
            recall_window: options.recall_window,
            sync_conversation_deletion: AtomicBool::new(false),
            friend_status_notification: AtomicBool::new(false),
            tokens: tokens::TokenCache::default(),
            metrics: Metrics::default(),
            events,
            node: fastrand::i64(1..i64::MAX),
            exclusive_database: options.exclusive_database,
            presence,
            webhooks,
            before_send,
            translator,
            transcriber,
            files: options.files,
        };
        if natter.webhooks.is_some() || natter.before_send.is_some() {
            natter.metrics.webhooks_on();
        }
        natter.reload_settings().await?;
        let given = AppSettingsChange {
            sync_conversation_deletion: options.sync_conversation_deletion,
            friend_status_notification: options.friend_status_notification,
        };
        if given != AppSettingsChange::default() {
            natter.update_settings(given).await?;
        }
        Ok(natter)
    }

    /// Runs `work` in one durable transaction (see [`Store::write`]).
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&dyn Db) -> natter_store::Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        self.store.write(work).await.map_err(errors::describe)
    }

    /// As [`Natter::write`], for work on the messages a request names in `field`: a failure
    /// about one of them names that field as the request spelled it.
    pub(crate) async fn write_on_messages<T: Send + 'static>(
        &self,
        field: &'static str,
        work: impl Fn(&dyn Db) -> natter_store::Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        self.store
            .write(work)
            .await
            .map_err(|error| errors::describe_for_messages(error, field))
    }

    /// Runs `work` on committed data.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Db) -> natter_store::Result<T> + Send + 'static,
    ) -> Result<T> {
        self.store.read(work).await.map_err(errors::describe)
    }

    /// As [`Natter::read`], for a question about the message a request names in `field`.
    pub(crate) async fn read_on_messages<T: Send + 'static>(
        &self,
        field: &'static str,
        work: impl FnOnce(&dyn Db) -> natter_store::Result<T> + Send + 'static,
    ) -> Result<T> {
        self.store
            .read(work)
            .await
            .map_err(|error| errors::describe_for_messages(error, field))
    }

    pub fn settings(&self) -> AppSettings {
        AppSettings {
            sync_conversation_deletion: self.sync_conversation_deletion.load(Ordering::SeqCst),
            friend_status_notification: self.friend_status_notification.load(Ordering::SeqCst),
        }
    }

    /// Stores and applies the settings given, on every node; the others keep their values.
    pub async fn update_settings(&self, change: AppSettingsChange) -> Result<AppSettings> {
        let given = [
            change.sync_conversation_deletion,
            change.friend_status_notification,
        ];
        self.write(move |db| {
            for (key, value) in SETTING_KEYS.iter().zip(given) {
                if let Some(value) = value {
                    settings::set_setting(db, key, &value.to_string())?;
                }
            }
            Ok(())
        })
        .await?;
        for (setting, value) in self.stored_settings().into_iter().zip(given) {
            if let Some(value) = value {
                setting.store(value, Ordering::SeqCst);
            }
        }
        self.events.forward_to_all(|| Remote::SettingsChanged);
        Ok(self.settings())
    }

    /// Applies an event from another node of the cluster.
    pub async fn apply_remote(&self, event: Remote) {
        match &event {
            Remote::TotalChanged { uid, only } => self.send_total_here(uid, *only, None).await,
            Remote::SettingsChanged => {
                if let Err(error) = self.reload_settings().await {
                    tracing::warn!(%error, "cannot reload the settings another node changed");
                }
            }
            Remote::Frame { .. } | Remote::Ended { .. } | Remote::Resync { .. } => {
                self.events.apply_remote(&event);
            }
        }
    }

    /// Reloads the settings, in case another node changed them while this one could not hear
    /// it.
    pub async fn refresh_settings(&self) {
        if let Err(error) = self.reload_settings().await {
            tracing::warn!(%error, "cannot reload the settings");
        }
    }

    async fn reload_settings(&self) -> Result<()> {
        let stored = self
            .read(|db| {
                SETTING_KEYS
                    .iter()
                    .map(|key| settings::setting(db, key))
                    .collect::<natter_store::Result<Vec<_>>>()
            })
            .await?;
        for (setting, value) in self.stored_settings().into_iter().zip(stored) {
            setting.store(value.as_deref() == Some("true"), Ordering::SeqCst);
        }
        Ok(())
    }

    /// The settings held in memory, in the order of [`SETTING_KEYS`].
    fn stored_settings(&self) -> [&AtomicBool; 2] {
        [
            &self.sync_conversation_deletion,
            &self.friend_status_notification,
        ]
    }

    /// Appends the store's own series (on SQLite, its commit and checkpoint times) to the
    /// Prometheus text of `GET /metrics`.
    pub fn render_store_metrics(&self, text: &mut String) {
        self.store.render_metrics(text);
    }

    /// Whether the store answers (a cheap read through the same path every request takes) and,
    /// in a cluster, whether the node reaches the other nodes: without them its devices would
    /// miss what happens elsewhere, so a load balancer should send them to another node.
    pub async fn check_health(&self) -> Result<()> {
        self.read(|db| settings::setting(db, SETTING_KEYS[0]))
            .await
            .map(drop)?;
        self.events
            .cluster_health()
            .map_err(|why| natter_core::Error::unavailable(why, "cluster link"))
    }

    /// Finishes accepted writes and closes the store.
    pub async fn close(&self) {
        self.store.close().await;
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or_default()
}
