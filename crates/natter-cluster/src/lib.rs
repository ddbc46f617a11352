//! Joins Natter nodes into a cluster over NATS. Nodes share one PostgreSQL database, so any
//! node can serve any request; what they do not share is their WebSocket connections. A node
//! hands every event for a user to NATS on that user's subject, and subscribes to a user's
//! subject only while the user has a connection on it, so each node receives only what its
//! connections need.
//!
//! Subjects: `<cluster>.user.<uid in hex>` for a user's events (hex, because a uid may hold
//! characters NATS gives meaning to), `<cluster>.settings` for changes of the app's settings.
//! NATS delivers at most once: a device that misses an event while NATS or a node is down
//! catches up by version when it reconnects, as after any disconnection.

mod wire;

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;
use natter_core::Uid;
use natter_service::{Natter, Relay, Remote};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Why the node could not join the cluster.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("cannot connect to NATS at {url}: {source}")]
    Connect {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("cannot subscribe to {subject}: {source}")]
    Subscribe {
        subject: String,
        source: async_nats::SubscribeError,
    },
}

/// This node's membership of the cluster. Dropping it leaves the cluster.
pub struct Cluster {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Connects to NATS at `url` and joins `natter` to the other nodes of the cluster named
/// `name` (nodes of different clusters may share one NATS).
pub async fn join(url: &str, name: &str, natter: Arc<Natter>) -> Result<Cluster, JoinError> {
    let client = async_nats::ConnectOptions::new()
        .name("natter")
        // A node applies its own events directly; NATS need not send them back.
        .no_echo()
        .connect(url)
        .await
        .map_err(|source| JoinError::Connect {
            url: url.to_owned(),
            source,
        })?;
    let subjects = Subjects {
        cluster: name.to_owned(),
    };
    let settings_subject = subjects.settings();
    let settings = client
        .subscribe(settings_subject.clone())
        .await
        .map_err(|source| JoinError::Subscribe {
            subject: settings_subject,
            source,
        })?;
    let (commands, receiver) = mpsc::unbounded_channel();
    let relay = NatsRelay { commands };
    let listener = tokio::spawn(listen(settings, natter.clone()));
    let router = tokio::spawn(route(receiver, client, subjects, natter.clone()));
    natter.events.set_relay(Arc::new(relay));
    tracing::info!(%url, cluster = %name, "joined the cluster");
    Ok(Cluster {
        tasks: vec![listener, router],
    })
}

struct Subjects {
    cluster: String,
}

impl Subjects {
    fn user(&self, uid: &Uid) -> String {
        let hex: String = uid
            .as_str()
            .bytes()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("{}.user.{hex}", self.cluster)
    }

    fn settings(&self) -> String {
        format!("{}.settings", self.cluster)
    }
}

/// What the bus asks of the cluster, in the order it asked.
enum Command {
    Watch(Uid),
    Unwatch(Uid),
    Forward(Remote),
}

/// The bus's side: queues commands without waiting (the bus holds its lock meanwhile).
struct NatsRelay {
    commands: mpsc::UnboundedSender<Command>,
}

impl Relay for NatsRelay {
    fn watch(&self, uid: &Uid) {
        let _ = self.commands.send(Command::Watch(uid.clone()));
    }

    fn unwatch(&self, uid: &Uid) {
        let _ = self.commands.send(Command::Unwatch(uid.clone()));
    }

    fn forward(&self, event: Remote) {
        let _ = self.commands.send(Command::Forward(event));
    }
}

/// Runs the commands one by one, so a user's events leave in the order they happened, and
/// keeps one subscription per user connected here.
async fn route(
    mut commands: mpsc::UnboundedReceiver<Command>,
    client: async_nats::Client,
    subjects: Subjects,
    natter: Arc<Natter>,
) {
    let mut watched: HashMap<Uid, JoinHandle<()>> = HashMap::new();
    while let Some(command) = commands.recv().await {
        match command {
            Command::Watch(uid) => {
                let subject = subjects.user(&uid);
                match client.subscribe(subject).await {
                    Ok(subscriber) => {
                        let task = tokio::spawn(listen(subscriber, natter.clone()));
                        if let Some(old) = watched.insert(uid, task) {
                            old.abort();
                        }
                    }
                    Err(error) => tracing::warn!(%uid, %error, "cannot subscribe to a user"),
                }
            }
            // Ending the task drops its subscriber, which unsubscribes.
            Command::Unwatch(uid) => {
                if let Some(task) = watched.remove(&uid) {
                    task.abort();
                }
            }
            Command::Forward(event) => {
                let subject = match &event {
                    Remote::Frame { uid, .. }
                    | Remote::Ended { uid, .. }
                    | Remote::TotalChanged { uid, .. } => subjects.user(uid),
                    Remote::SettingsChanged => subjects.settings(),
                };
                let payload = wire::encode(&event);
                if let Err(error) = client.publish(subject, payload.into()).await {
                    tracing::warn!(%error, "cannot hand an event to the cluster");
                }
            }
        }
    }
    for task in watched.into_values() {
        task.abort();
    }
}

/// Applies every event arriving on one subscription.
async fn listen(mut subscriber: async_nats::Subscriber, natter: Arc<Natter>) {
    while let Some(message) = subscriber.next().await {
        match wire::decode(&message.payload) {
            Ok(event) => natter.apply_remote(event).await,
            Err(error) => tracing::warn!(%error, subject = %message.subject, "an unreadable event"),
        }
    }
}
