//! A device: connects to a node picked at random, subscribes, catches up (sync, then the
//! history of what changed, then the unread total), listens, and now and then drops its
//! connection and comes back through another node. It records everything it hears.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use natter_chaos::history::{Event, Push};
use reqwest::Method;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::client::{self, Answer, Auth, Frame, Request};
use super::rng::Rng;
use super::world::{Stage, World};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A device pings this often, and gives a connection up when nothing came for `DEAD_AFTER`.
const PING_EVERY: Duration = Duration::from_secs(2);
const DEAD_AFTER: Duration = Duration::from_secs(6);

pub async fn run(world: Arc<World>, device: String, mut rng: Rng) {
    while world.stage() != Stage::Stopping {
        let node = rng.below(world.nodes.len() as u64) as usize;
        let session = world.next_session();
        world.recorder.record(Event::Connect {
            device: device.clone(),
            session,
            node,
        });
        let (code, reason) = Session {
            world: &world,
            device: &device,
            session,
            node,
        }
        .run(&mut rng)
        .await;
        {
            let mut state = world.devices[&device].lock().expect("device lock");
            state.connection_id = None;
            state.quiet = false;
            world.recorder.record(Event::Closed {
                device: device.clone(),
                session,
                code,
                reason,
            });
        }
        if world.stage() == Stage::Stopping {
            break;
        }
        tokio::time::sleep(Duration::from_millis(rng.between(100, 1000))).await;
    }
}

struct Session<'a> {
    world: &'a World,
    device: &'a str,
    session: u64,
    node: usize,
}

impl Session<'_> {
    fn url(&self) -> String {
        let base = self.world.nodes[self.node].replacen("http://", "ws://", 1);
        let Auth::User(token) = self.world.token(self.device) else {
            unreachable!("devices hold user tokens")
        };
        format!("{base}/v1/ws?token={token}")
    }

    fn state(&self) -> std::sync::MutexGuard<'_, super::world::DeviceState> {
        self.world.devices[self.device].lock().expect("device lock")
    }

    /// One connection, from connect to close: (close code, why it ended).
    async fn run(&self, rng: &mut Rng) -> (Option<u16>, String) {
        let connected =
            tokio::time::timeout(Duration::from_secs(5), connect_async(self.url())).await;
        let mut socket = match connected {
            Ok(Ok((socket, _))) => socket,
            Ok(Err(error)) => return (None, format!("cannot connect: {error}")),
            Err(_) => return (None, "cannot connect: no answer in 5 s".into()),
        };
        if let Err(why) = self.subscribe(&mut socket).await {
            return (None, why);
        }
        if let Err(why) = self.catch_up().await {
            return (None, why);
        }
        self.state().quiet = true;
        let drop_after = Duration::from_secs(rng.between(10, 90));
        let dropping = Instant::now() + drop_after;
        let mut last_heard = Instant::now();
        let mut tick = tokio::time::interval(PING_EVERY);
        let mut stage = self.world.stage.subscribe();
        loop {
            tokio::select! {
                message = socket.next() => {
                    last_heard = Instant::now();
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(frame))) => {
                            let code = frame.as_ref().map(|frame| u16::from(frame.code));
                            let reason = frame.map_or_else(String::new, |frame| frame.reason.to_string());
                            return (code, format!("closed by the server: {reason}"));
                        }
                        Some(Ok(_)) => continue,
                        Some(Err(error)) => return (None, format!("connection lost: {error}")),
                        None => return (None, "connection lost".into()),
                    };
                    if let Frame::Pushes(pushes) = client::frame(text.as_str()) {
                        let resync = self.heard(pushes);
                        if resync {
                            // The server closes next (4002); read until it does.
                            return self.until_closed(&mut socket).await;
                        }
                        if let Err(why) = self.fetch_pending().await {
                            return (None, why);
                        }
                    }
                }
                _ = tick.tick() => {
                    if last_heard.elapsed() > DEAD_AFTER {
                        return (None, format!("nothing heard for {} s", DEAD_AFTER.as_secs()));
                    }
                    if send_ping(&mut socket).await.is_err() {
                        return (None, "cannot send a ping".into());
                    }
                }
                () = tokio::time::sleep_until(dropping), if self.world.stage() == Stage::Running => {
                    let _ = tokio::time::timeout(Duration::from_millis(500), socket.close(None)).await;
                    return (None, "dropped by the device".into());
                }
                _ = stage.changed() => {
                    if *stage.borrow() == Stage::Stopping {
                        let _ = tokio::time::timeout(Duration::from_millis(500), socket.close(None)).await;
                        return (None, "the run is over".into());
                    }
                }
            }
        }
    }

    /// Sends the first ping and waits for the pong: from then on the user's events arrive.
    async fn subscribe(&self, socket: &mut Socket) -> Result<(), String> {
        send_ping(socket)
            .await
            .map_err(|error| format!("cannot ping: {error}"))?;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let message = tokio::time::timeout_at(deadline, socket.next())
                .await
                .map_err(|_| "no pong in 5 s".to_owned())?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    if let Frame::Pong(connection_id) = client::frame(text.as_str()) {
                        let connection_id = connection_id.unwrap_or_default();
                        let mut state = self.state();
                        state.connection_id = Some(connection_id.clone());
                        self.world.recorder.record(Event::Subscribed {
                            device: self.device.to_owned(),
                            session: self.session,
                            connection_id,
                        });
                        return Ok(());
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    return Err(format!("connection lost before the pong: {error}"));
                }
                None => return Err("connection closed before the pong".into()),
            }
        }
    }

    /// Records and applies pushes; true when one says to resync.
    fn heard(&self, pushes: Vec<Push>) -> bool {
        let mut resync = false;
        let mut state = self.state();
        for push in pushes {
            resync |= matches!(push, Push::Resync { .. });
            self.world.recorder.record(Event::Push {
                device: self.device.to_owned(),
                session: self.session,
                push: push.clone(),
            });
            state.model.push(&push);
        }
        if resync {
            state.quiet = false;
        }
        resync
    }

    async fn until_closed(&self, socket: &mut Socket) -> (Option<u16>, String) {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            match tokio::time::timeout_at(deadline, socket.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => {
                    let code = frame.as_ref().map(|frame| u16::from(frame.code));
                    return (code, "told to resync".into());
                }
                Ok(Some(Ok(Message::Text(text)))) => {
                    if let Frame::Pushes(pushes) = client::frame(text.as_str()) {
                        self.heard(pushes);
                    }
                }
                Ok(Some(Ok(_))) => {}
                _ => return (None, "told to resync".into()),
            }
        }
    }

    /// A call the device makes over HTTP: to its own node first, then to the others.
    async fn get(&self, path: String) -> Result<serde_json::Value, String> {
        let mut last = String::new();
        for attempt in 0..6 {
            let node = (self.node + attempt) % self.world.nodes.len();
            let answer = self
                .world
                .http
                .call(
                    &self.world.nodes[node],
                    Request {
                        method: Method::GET,
                        path: path.clone(),
                        auth: self.world.token(self.device),
                        body: None,
                        connection: None,
                        cut_off: None,
                    },
                )
                .await;
            match answer {
                Answer::Ok(body) => return Ok(body),
                Answer::Refused { status, error } => return Err(format!("{status} {error}")),
                Answer::Unknown(why) => last = why,
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Err(format!("{path}: {last}"))
    }

    /// Sync from the last sync's version, fetch the history that changed, fetch the total.
    async fn catch_up(&self) -> Result<(), String> {
        let since = self.state().model.since;
        let asked_at = self.world.recorder.now();
        let body = self
            .get(format!("/v1/conversations/sync?since={since}"))
            .await?;
        let changes = client::changes(&body)
            .ok_or_else(|| format!("a sync answer without changes: {body}"))?;
        {
            let mut state = self.state();
            self.world.recorder.record(Event::Synced {
                device: self.device.to_owned(),
                asked_at,
                since,
                changes: changes.clone(),
            });
            state.model.synced(&changes);
        }
        self.fetch_pending().await?;
        let body = self.get("/v1/unread".into()).await?;
        let total = body["totalUnreadCount"]
            .as_u64()
            .ok_or_else(|| format!("an unread answer without a total: {body}"))?;
        let mut state = self.state();
        self.world.recorder.record(Event::Total {
            device: self.device.to_owned(),
            total,
        });
        state.model.total = Some(total);
        Ok(())
    }

    /// Fetches the history of every conversation the model says it lacks, page by page from
    /// the newest, down to what it already held.
    async fn fetch_pending(&self) -> Result<(), String> {
        for _ in 0..20 {
            let pending: Vec<(String, u64, u64, u64)> = {
                let state = self.state();
                state
                    .model
                    .to_fetch
                    .iter()
                    .map(|(conversation, up_to)| {
                        (
                            conversation.clone(),
                            *up_to,
                            state
                                .model
                                .fetched_to
                                .get(conversation)
                                .copied()
                                .unwrap_or(0),
                            state.model.reloads.get(conversation).copied().unwrap_or(0),
                        )
                    })
                    .collect()
            };
            if pending.is_empty() {
                self.state().quiet = true;
                return Ok(());
            }
            self.state().quiet = false;
            for (conversation, up_to, held_to, reloads) in pending {
                let mut before = up_to + 1;
                loop {
                    let asked_at = self.world.recorder.now();
                    let body = match self
                        .get(format!(
                            "/v1/conversations/{conversation}/messages?before={before}&limit=100"
                        ))
                        .await
                    {
                        Ok(body) => body,
                        // Not the user's to read (any more): nothing to hold.
                        Err(why) if why.starts_with("40") => break,
                        Err(why) => return Err(why),
                    };
                    let messages: Vec<_> = body["messageList"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(client::message)
                        .collect();
                    let oldest = messages.first().map(|message| message.seq);
                    {
                        let mut state = self.state();
                        self.world.recorder.record(Event::Fetched {
                            device: self.device.to_owned(),
                            asked_at,
                            conversation: conversation.clone(),
                            messages: messages.clone(),
                        });
                        state.model.fetched(&conversation, &messages);
                    }
                    match oldest {
                        Some(oldest)
                            if oldest > held_to + 1
                                && !body["isCompleted"].as_bool().unwrap_or(true) =>
                        {
                            before = oldest;
                        }
                        _ => break,
                    }
                }
                let mut state = self.state();
                if state.model.reloads.get(&conversation).copied().unwrap_or(0) == reloads {
                    state.model.fetched_up_to(&conversation, up_to);
                }
            }
        }
        Err("the history kept changing under the fetches".into())
    }
}

async fn send_ping(socket: &mut Socket) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    socket
        .send(Message::Text(r#"{"event":"ping"}"#.into()))
        .await
}
