//! The end of the run: what the server shows each user, and what the database holds.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use natter_chaos::history::{Conv, Event, Msg, StoredChannel};
use reqwest::Method;

use super::client::{self, Answer, Request};
use super::world::World;

/// A `Server` entry per user, offline users too (not recorded yet).
pub async fn server_views(world: &World) -> Result<Vec<Event>> {
    let mut views = Vec::new();
    for uid in world.all_users() {
        let device = format!("{uid}/0");
        let mut conversations = Vec::new();
        for archived in [false, true] {
            let mut cursor: Option<String> = None;
            loop {
                let mut path = format!("/v1/conversations?limit=100&archived={archived}");
                if let Some(cursor) = &cursor {
                    path.push_str(&format!("&cursor={cursor}"));
                }
                let body = get(world, &device, path).await?;
                conversations.extend(client::conversations(&body["conversationList"]));
                match body["nextCursor"].as_str() {
                    Some(next) if !body["isFinished"].as_bool().unwrap_or(true) => {
                        cursor = Some(next.to_owned());
                    }
                    _ => break,
                }
            }
        }
        conversations.sort_by(|a: &Conv, b: &Conv| a.id.cmp(&b.id));
        let total = get(world, &device, "/v1/unread".into()).await?["totalUnreadCount"]
            .as_u64()
            .context("an unread total")?;
        let mut histories = BTreeMap::new();
        let candidates = world
            .all_users()
            .filter(|other| *other != uid)
            .map(|other| format!("C2C{other}"))
            .chain(world.groups.iter().map(|group| format!("GROUP{group}")));
        for conversation in candidates {
            if let Some(messages) = history(world, &device, &conversation).await? {
                histories.insert(conversation, messages);
            }
        }
        views.push(Event::Server {
            uid: uid.clone(),
            conversations,
            total,
            histories,
        });
    }
    Ok(views)
}

/// Everything the user may read in a conversation, oldest first; `None` if never theirs.
async fn history(world: &World, device: &str, conversation: &str) -> Result<Option<Vec<Msg>>> {
    let mut messages = Vec::new();
    let mut before: Option<u64> = None;
    loop {
        let mut path = format!("/v1/conversations/{conversation}/messages?limit=100");
        if let Some(before) = before {
            path.push_str(&format!("&before={before}"));
        }
        let body = match call(world, device, path).await? {
            Answer::Ok(body) => body,
            Answer::Refused { .. } => return Ok(None),
            Answer::Unknown(why) => bail!("history of {conversation}: {why}"),
        };
        let page: Vec<Msg> = body["messageList"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(client::message)
            .collect();
        let oldest = page.first().map(|message| message.seq);
        messages.splice(0..0, page);
        match oldest {
            Some(oldest) if !body["isCompleted"].as_bool().unwrap_or(true) => before = Some(oldest),
            _ => return Ok(Some(messages)),
        }
    }
}

async fn call(world: &World, device: &str, path: String) -> Result<Answer> {
    let mut last = None;
    for attempt in 0..20 {
        let node = attempt % world.nodes.len();
        let answer = world
            .http
            .call(
                &world.nodes[node],
                Request {
                    method: Method::GET,
                    path: path.clone(),
                    auth: world.token(device),
                    body: None,
                    connection: None,
                    cut_off: None,
                },
            )
            .await;
        match answer {
            Answer::Unknown(why) => last = Some(why),
            answer => return Ok(answer),
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    bail!("{path}: no answer ({last:?})")
}

async fn get(world: &World, device: &str, path: String) -> Result<serde_json::Value> {
    match call(world, device, path.clone()).await? {
        Answer::Ok(body) => Ok(body),
        other => bail!("{path}: {other:?}"),
    }
}

/// The element type of a group tip, as clients see it (Tencent's `MSG_GRP_TIP`).
const GROUP_TIP: &str = "TIMGroupTipElem";

/// The messages of every channel, as [`assemble`] takes them.
const MESSAGES: &str = "SELECT channel_id, seq, id, from_uid, msg_type FROM messages";

/// The one-to-one and group channels (kinds 1 and 2), as [`assemble`] takes them. The run sends
/// nothing to the system conversations; the notices the server leaves there itself (of a member's
/// own quitting, for their other devices) are outside what the checker models, so they are not
/// dumped, and the checker sets `@TIM#SYSTEM` aside in the lists (`checker::check_server`).
const CHANNELS: &str = "SELECT id, kind, key, last_seq, purged_to_seq FROM channels \
     WHERE kind IN (1, 2)";

/// The events in the webhook outbox, dead letters included.
const OUTBOX: &str = "SELECT COUNT(*) FROM webhook_events";

/// The events in PostgreSQL's webhook outbox.
pub fn postgres_outbox(url: &str) -> Result<u64> {
    let url = url.to_owned();
    std::thread::spawn(move || -> Result<u64> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        Ok(client.query_one(OUTBOX, &[])?.get::<_, i64>(0) as u64)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the outbox thread panicked"))?
}

/// The events in the webhook outbox of the SQLite database of `data_dir`.
pub fn sqlite_outbox(data_dir: &Path) -> Result<u64> {
    let connection = open_sqlite(data_dir)?;
    Ok(connection.query_row(OUTBOX, [], |row| row.get::<_, i64>(0))? as u64)
}

/// The channels and messages in PostgreSQL.
pub fn postgres_dump(url: &str) -> Result<Vec<StoredChannel>> {
    let url = url.to_owned();
    std::thread::spawn(move || -> Result<Vec<StoredChannel>> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        let channels = client
            .query(CHANNELS, &[])?
            .iter()
            .map(|row| {
                (
                    row.get::<_, i64>(0),
                    channel_name(row.get::<_, i64>(1), row.get::<_, String>(2)),
                    row.get::<_, i64>(3),
                    row.get::<_, i64>(4),
                )
            })
            .collect::<Vec<_>>();
        let messages = client
            .query(MESSAGES, &[])?
            .iter()
            .map(|row| {
                (
                    row.get::<_, i64>(0),
                    row.get::<_, i64>(1),
                    row.get::<_, i64>(2),
                    row.get::<_, String>(3),
                    row.get::<_, String>(4),
                )
            })
            .collect::<Vec<_>>();
        Ok(assemble(channels, messages))
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the dump thread panicked"))?
}

/// The channels and messages in the SQLite database of `data_dir`.
pub fn sqlite_dump(data_dir: &Path) -> Result<Vec<StoredChannel>> {
    let connection = open_sqlite(data_dir)?;
    let channels = connection
        .prepare(CHANNELS)?
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                channel_name(row.get::<_, i64>(1)?, row.get::<_, String>(2)?),
                row.get::<_, i64>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let messages = connection
        .prepare(MESSAGES)?
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(channels, messages))
}

fn open_sqlite(data_dir: &Path) -> Result<rusqlite::Connection> {
    Ok(rusqlite::Connection::open_with_flags(
        data_dir.join("natter.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?)
}

/// The database's channel names in the history's form.
fn channel_name(kind: i64, key: String) -> String {
    match kind {
        1 => format!("c2c:{key}"),
        2 => format!("group:{key}"),
        _ => format!("other:{key}"),
    }
}

/// The dump in the history's form; a group tip goes to its channel's `tips`, not its messages.
fn assemble(
    channels: Vec<(i64, String, i64, i64)>,
    messages: Vec<(i64, i64, i64, String, String)>,
) -> Vec<StoredChannel> {
    let mut by_id: BTreeMap<i64, StoredChannel> = channels
        .into_iter()
        .map(|(id, channel, last_seq, purged_to_seq)| {
            (
                id,
                StoredChannel {
                    channel,
                    last_seq: last_seq as u64,
                    purged_to_seq: purged_to_seq as u64,
                    messages: Vec::new(),
                    tips: Vec::new(),
                },
            )
        })
        .collect();
    for (channel, seq, id, from, message_type) in messages {
        let Some(stored) = by_id.get_mut(&channel) else {
            continue;
        };
        if message_type == GROUP_TIP {
            stored.tips.push(seq as u64);
        } else {
            stored.messages.push(Msg {
                seq: seq as u64,
                id: id.to_string(),
                from,
            });
        }
    }
    let mut channels: Vec<StoredChannel> = by_id.into_values().collect();
    for channel in &mut channels {
        channel.messages.sort();
        channel.tips.sort_unstable();
    }
    channels.sort_by(|a, b| a.channel.cmp(&b.channel));
    channels
}
