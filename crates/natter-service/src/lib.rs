//! Natter's service layer: validates requests, decides who may do what, calls the store and
//! shapes the results as API.md's wire types. HTTP handlers call exactly one method here.

mod access;
mod conversations;
mod events;
mod groups;
mod jobs;
mod messaging;
mod metrics;
mod notices;
mod notify;
mod preferences;
mod present;
mod users;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use natter_core::Result;
use natter_core::wire::AppSettings;
use natter_store::Store;

pub use access::{Actor, Principal};
pub use conversations::ListOptions;
pub use events::{
    EventBus, Frame, Origin, QUEUE_FRAMES, Recipients, Relay, Remote, Signals, Subscription,
};
pub use metrics::Metrics;

/// The settings key under which `sync_conversation_deletion` is stored.
const SYNC_DELETION_KEY: &str = "sync_conversation_deletion";

/// The whole service, shared by every request.
pub struct Natter {
    store: Arc<dyn Store>,
    manager_token: Option<String>,
    /// Read on every deletion, so kept in memory; the stored value survives restarts.
    sync_conversation_deletion: AtomicBool,
    pub metrics: Metrics,
    /// Connected devices, for live events.
    pub events: Arc<EventBus>,
}

impl Natter {
    /// Starts the service on a store. `sync_conversation_deletion` given explicitly at start
    /// overrides (and replaces) the stored setting; otherwise the stored one applies.
    pub async fn start(
        store: Arc<dyn Store>,
        manager_token: Option<String>,
        sync_conversation_deletion: Option<bool>,
    ) -> Result<Self> {
        let stored = store.setting(SYNC_DELETION_KEY).await?;
        let sync = match sync_conversation_deletion {
            Some(value) => {
                store
                    .set_setting(SYNC_DELETION_KEY, value.to_string())
                    .await?;
                value
            }
            None => stored.as_deref() == Some("true"),
        };
        Ok(Self {
            store,
            manager_token: manager_token.filter(|token| !token.is_empty()),
            sync_conversation_deletion: AtomicBool::new(sync),
            metrics: Metrics::default(),
            events: Arc::new(EventBus::default()),
        })
    }

    pub fn settings(&self) -> AppSettings {
        AppSettings {
            sync_conversation_deletion: self.sync_conversation_deletion.load(Ordering::SeqCst),
        }
    }

    pub async fn update_settings(&self, settings: AppSettings) -> Result<AppSettings> {
        self.store
            .set_setting(
                SYNC_DELETION_KEY,
                settings.sync_conversation_deletion.to_string(),
            )
            .await?;
        self.sync_conversation_deletion
            .store(settings.sync_conversation_deletion, Ordering::SeqCst);
        self.events.forward(|| Remote::SettingsChanged);
        Ok(self.settings())
    }

    /// Applies an event from another node of the cluster.
    pub async fn apply_remote(&self, event: Remote) {
        match &event {
            Remote::TotalChanged { uid, only } => self.send_total_here(uid, *only).await,
            Remote::SettingsChanged => {
                if let Err(error) = self.reload_settings().await {
                    tracing::warn!(%error, "cannot reload the settings another node changed");
                }
            }
            Remote::Frame { .. } | Remote::Replaced { .. } => self.events.apply_remote(&event),
        }
    }

    async fn reload_settings(&self) -> Result<()> {
        let stored = self.store.setting(SYNC_DELETION_KEY).await?;
        self.sync_conversation_deletion
            .store(stored.as_deref() == Some("true"), Ordering::SeqCst);
        Ok(())
    }

    /// Whether the store answers: a cheap read through the same path every request takes.
    pub async fn check_health(&self) -> Result<()> {
        self.store.setting(SYNC_DELETION_KEY).await.map(drop)
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
