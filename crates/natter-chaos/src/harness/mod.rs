//! Runs one chaos test: services, the webhook receiver, nodes, users, devices, workload and
//! faults, then the outbox drained and the final views, and hands the history to the checker.

mod client;
mod nemesis;
mod nodes;
mod receiver;
mod recorder;
mod rng;
mod services;
mod session;
mod snapshot;
mod workload;
mod world;
mod wukongim;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use natter_chaos::history::{History, Setup};
use natter_launch::ServerCommand;
use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;
use tokio::sync::Mutex;

use crate::{Args, StoreKind};
use client::{Answer, Auth, Http, Request};
use nemesis::{Disk, Infra};
use nodes::Node;
use receiver::Receiver;
use recorder::Recorder;
use rng::Rng;
use services::{Nats, Postgres};
use world::{Stage, World};

const USERS: usize = 6;
/// Users who never connect, so that every message to them must make a `msg.offline`.
const OFFLINE_USERS: usize = 1;
/// How long a push may take to reach a live connection (through NATS being down for seconds
/// and coming back) before its absence counts as a missed push.
const PUSH_GRACE_MS: u64 = 20_000;

/// How long the webhook outbox may take to empty once the run settled: longer than the
/// backoff of an event that failed through a few of the receiver's faults.
const OUTBOX_DRAIN: Duration = Duration::from_secs(150);

/// The webhook events the nodes send.
const WEBHOOK_EVENTS: [&str; 4] = [
    "msg.notify",
    "msg.offline",
    "user.onlinestatus",
    "conversation.deleted",
];

/// A node's command line, shared by both stores: short timeouts, so that a paused node
/// outlasts them, and webhooks to the harness's receiver.
fn node_command(
    natter: &Path,
    data_dir: &Path,
    manager_token: &str,
    webhook_url: &str,
) -> ServerCommand {
    ServerCommand::new(natter)
        .data_dir(data_dir)
        .manager_token(manager_token)
        .args([
            "--webhook-url",
            webhook_url,
            "--webhook-events",
            &WEBHOOK_EVENTS.join(","),
            "--webhook-timeout-ms",
            &receiver::NODE_TIMEOUT_MS.to_string(),
            // Small batches, so that the receiver's faults fall on many requests.
            "--webhook-batch-size",
            "20",
        ])
        .args([
            "--rate-limit",
            "0",
            "--sync-conversation-deletion",
            "true",
            "--request-timeout-secs",
            "5",
            // Below the freezes of PostgreSQL, so that a node gives up on a frozen database.
            "--database-timeout-secs",
            "2",
            "--ws-idle-timeout-secs",
            "10",
            "--max-connections-per-user",
            "64",
            // The purge also runs once at every start, and the checker allows for it.
            "--purge-interval-secs",
            "86400",
        ])
}

pub async fn run(args: &Args) -> Result<(History, TempDir)> {
    let seed = args.seed.unwrap_or_else(Rng::random_seed);
    let seconds = args.minutes.map_or(args.seconds, |minutes| minutes * 60);
    println!(
        "natter-chaos: seed {seed}, {seconds} s of faults, {} store",
        match args.store {
            StoreKind::Postgres => "PostgreSQL (three nodes, NATS)",
            StoreKind::Sqlite => "SQLite (one node)",
        }
    );
    let rng = Rng::new(seed);
    let natter = match &args.natter {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("the program's directory")?
            .join("natter"),
    };
    if !natter.exists() {
        bail!(
            "no natter binary at {} (build it: cargo build -p natter, or give --natter)",
            natter.display()
        );
    }
    let dir = tempfile::Builder::new().prefix("natter-chaos-").tempdir()?;
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let manager_token = format!("chaos-manager-{:016x}", rng.fork("manager").next());
    let recorder = Recorder::new();
    let receiver = Arc::new(Receiver::start(recorder.clone()).await?);

    let (infra, database) = match args.store {
        StoreKind::Postgres => {
            let pg_dir = dir.path().join("postgres");
            std::fs::create_dir_all(&pg_dir)?;
            let postgres =
                Arc::new(tokio::task::spawn_blocking(move || Postgres::create(&pg_dir)).await??);
            postgres.create_database("natter_chaos")?;
            let url = postgres.url("natter_chaos");
            let nats = Nats::create(dir.path())?;
            let mut nodes = Vec::new();
            for index in 0..3 {
                let command = node_command(
                    &natter,
                    &dir.path().join(format!("node{index}")),
                    &manager_token,
                    &receiver.url,
                )
                .database_url(&url)
                .args([
                    "--database-connections",
                    "8",
                    "--nats-url",
                    &nats.url(),
                    "--cluster-name",
                    "chaos",
                ]);
                let mut node =
                    Node::new(index, command, dir.path().join(format!("node{index}.log")))?;
                node.start(Duration::from_secs(60)).await?;
                nodes.push(Mutex::new(node));
            }
            (
                Infra {
                    nodes,
                    postgres: Some(postgres),
                    nats: Some(Arc::new(std::sync::Mutex::new(nats))),
                    disk: None,
                },
                Database::Postgres(url),
            )
        }
        StoreKind::Sqlite => {
            let disk = Disk::mount(dir.path().join("disk"), 48);
            if disk.is_none() {
                println!("cannot mount a tmpfs here (needs root): no disk-full faults");
            }
            let data_dir = disk
                .as_ref()
                .map_or_else(|| dir.path().join("data"), |disk| disk.mount.join("data"));
            let mut node = Node::new(
                0,
                node_command(&natter, &data_dir, &manager_token, &receiver.url),
                dir.path().join("node0.log"),
            )?;
            node.start(Duration::from_secs(60)).await?;
            (
                Infra {
                    nodes: vec![Mutex::new(node)],
                    postgres: None,
                    nats: None,
                    disk: disk.map(Arc::new),
                },
                Database::Sqlite(data_dir),
            )
        }
    };
    let infra = Arc::new(infra);
    let mut urls = Vec::new();
    let mut wukongim_addresses = Vec::new();
    for node in &infra.nodes {
        let node = node.lock().await;
        urls.push(node.url());
        wukongim_addresses.push(node.wukongim_address());
    }
    let wukongim_addresses = Arc::new(wukongim_addresses);

    // Users, their two JSON devices and one WuKongIM device each, a user who never connects,
    // and two groups with that user in both.
    let users: Vec<String> = (0..USERS).map(|n| format!("u{n}")).collect();
    let offline_users: Vec<String> = (USERS..USERS + OFFLINE_USERS)
        .map(|n| format!("u{n}"))
        .collect();
    let mut groups = BTreeMap::new();
    groups.insert("ga".to_owned(), [&users[0..4], &offline_users[..]].concat());
    groups.insert("gb".to_owned(), [&users[2..6], &offline_users[..]].concat());
    let mut tokens = BTreeMap::new();
    let mut wukongim_tokens = BTreeMap::new();
    let http = Http::new();
    let manager = Auth::Manager(manager_token.clone());
    let issue = |uid: &str, flag: u8, token: String| {
        let body = json!({"uid": uid, "token": token, "device_flag": flag, "device_level": 0});
        let (http, url, manager) = (&http, &urls[0], &manager);
        async move {
            setup_call(http, url, manager, "/user/token", body).await?;
            anyhow::Ok(token)
        }
    };
    for uid in &users {
        let token = format!("chaos-{uid}-wukongim-{:012x}", rng.fork(uid).next() >> 16);
        let token = issue(uid, wukongim::DEVICE_FLAG, token).await?;
        wukongim_tokens.insert(uid.clone(), token);
        for flag in 0..2u8 {
            let token = format!(
                "chaos-{uid}-{flag}-{:012x}",
                rng.fork(uid).next() >> 16 ^ u64::from(flag)
            );
            tokens.insert(format!("{uid}/{flag}"), issue(uid, flag, token).await?);
        }
    }
    // The offline users' tokens make them users; nothing connects with them, and only the
    // final views read with them.
    let mut offline_tokens = BTreeMap::new();
    for uid in &offline_users {
        let token = format!("chaos-{uid}-offline-{:012x}", rng.fork(uid).next() >> 16);
        offline_tokens.insert(uid.clone(), issue(uid, 1, token).await?);
    }
    for (group, members) in &groups {
        setup_call(
            &http,
            &urls[0],
            &manager,
            "/channel",
            json!({"channel_id": group, "channel_type": 2, "subscribers": members}),
        )
        .await?;
    }
    let setup = Setup {
        seed,
        users: users.clone(),
        devices: tokens.keys().cloned().collect(),
        wukongim_devices: users.iter().map(|uid| wukongim_device(uid)).collect(),
        offline_users: offline_users.clone(),
        groups: groups.clone(),
        sync_deletion: true,
        push_grace_ms: PUSH_GRACE_MS,
        webhook_events: WEBHOOK_EVENTS.map(str::to_owned).to_vec(),
    };
    let mut wukongim_sends = BTreeMap::new();
    let mut wukongim_inboxes = Vec::new();
    for (uid, token) in wukongim_tokens {
        let (sends, inbox) = wukongim::Sends::new();
        let device = wukongim_device(&uid);
        wukongim_sends.insert(device.clone(), sends);
        wukongim_inboxes.push((device, token, inbox));
    }
    let world = Arc::new(World::new(
        recorder.clone(),
        urls,
        manager_token,
        users,
        offline_tokens,
        groups,
        tokens,
        wukongim_sends,
    ));

    // Devices first, then the workload and the faults.
    let mut devices = Vec::new();
    for device in world.devices.keys() {
        devices.push(tokio::spawn(session::run(
            world.clone(),
            device.clone(),
            rng.fork(&format!("device {device}")),
        )));
    }
    for (device, token, inbox) in wukongim_inboxes {
        let rng = rng.fork(&format!("device {device}"));
        devices.push(tokio::spawn(wukongim::run(
            world.clone(),
            device,
            token,
            wukongim_addresses.clone(),
            inbox,
            rng,
        )));
    }
    wait_quiet(&world, Duration::from_secs(30)).await;
    let mut workers = Vec::new();
    for index in 0..args.workers {
        workers.push(tokio::spawn(workload::worker(
            world.clone(),
            rng.fork(&format!("worker {index}")),
            index,
        )));
    }
    let mut lanes = vec![
        tokio::spawn(nemesis::clients(world.clone(), rng.fork("clients"))),
        tokio::spawn(nemesis::backend(
            world.clone(),
            receiver.clone(),
            rng.fork("backend"),
        )),
    ];
    match args.store {
        StoreKind::Postgres => {
            lanes.push(tokio::spawn(nemesis::nodes(
                world.clone(),
                infra.clone(),
                rng.fork("nodes"),
                true,
            )));
            lanes.push(tokio::spawn(nemesis::services(
                world.clone(),
                infra.clone(),
                rng.fork("services"),
            )));
        }
        StoreKind::Sqlite => {
            lanes.push(tokio::spawn(nemesis::nodes(
                world.clone(),
                infra.clone(),
                rng.fork("nodes"),
                false,
            )));
            lanes.push(tokio::spawn(nemesis::disk(
                world.clone(),
                infra.clone(),
                rng.fork("disk"),
            )));
        }
    }
    progress(&world, seconds).await;

    // Heal, let every operation settle, let every device catch up, then look.
    println!("settling: faults healed, operations finishing, devices catching up");
    world.give_up_at.store(
        world.recorder.now() + 120_000,
        std::sync::atomic::Ordering::Relaxed,
    );
    world.stage.send_replace(Stage::Settling);
    for lane in lanes {
        lane.await?;
    }
    for worker in workers {
        worker.await?;
    }
    // Longer than a node takes to notice that a killed one fell silent (and resync its devices).
    tokio::time::sleep(Duration::from_secs(8)).await;
    // Every event delivered, before the views (whose reading must see nothing else happen).
    let pending = outbox_drained(&database, OUTBOX_DRAIN).await?;
    world
        .recorder
        .record(natter_chaos::history::Event::Outbox { pending });
    // The views count only if nothing at all happened while they were read.
    for attempt in 1.. {
        wait_quiet(&world, Duration::from_secs(120)).await;
        let before = world.recorder.len();
        let views = snapshot::server_views(&world).await?;
        if world.recorder.len() == before || attempt == 5 {
            for view in views {
                world.recorder.record(view);
            }
            break;
        }
    }
    world.stage.send_replace(Stage::Stopping);
    for device in devices {
        device.await?;
    }
    for node in &infra.nodes {
        node.lock().await.stop().await;
    }
    let stored = match &database {
        Database::Postgres(url) => snapshot::postgres_dump(url)?,
        Database::Sqlite(data_dir) => snapshot::sqlite_dump(data_dir)?,
    };
    world
        .recorder
        .record(natter_chaos::history::Event::Stored { channels: stored });
    let history = world.recorder.history(setup);
    drop(world);
    drop(infra);
    Ok((history, dir))
}

/// The WuKongIM device of `uid`, as the history names it.
pub fn wukongim_device(uid: &str) -> String {
    format!("{uid}/wukongim")
}

enum Database {
    Postgres(String),
    Sqlite(PathBuf),
}

/// Waits until the webhook outbox is empty (or `within` runs out); the events left in it.
async fn outbox_drained(database: &Database, within: Duration) -> Result<u64> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let pending = match database {
            Database::Postgres(url) => snapshot::postgres_outbox(url)?,
            Database::Sqlite(data_dir) => snapshot::sqlite_outbox(data_dir)?,
        };
        if pending == 0 || tokio::time::Instant::now() >= deadline {
            if pending > 0 {
                println!("the webhook outbox still holds {pending} events after {within:?}");
            }
            return Ok(pending);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn setup_call(
    http: &Http,
    url: &str,
    manager: &Auth,
    path: &str,
    body: serde_json::Value,
) -> Result<()> {
    for _ in 0..10 {
        let answer = http
            .call(
                url,
                Request {
                    method: Method::POST,
                    path: path.into(),
                    auth: manager,
                    body: Some(body.clone()),
                    connection: None,
                    cut_off: None,
                },
            )
            .await;
        match answer {
            Answer::Ok(_) => return Ok(()),
            Answer::Refused { status, error } => bail!("{path} refused: {status} {error}"),
            Answer::Unknown(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    bail!("{path}: no answer during set-up")
}

/// Waits until every device has been subscribed and caught up, with nothing to fetch, for
/// three seconds in a row (or `within` runs out).
async fn wait_quiet(world: &World, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    let mut quiet_since: Option<tokio::time::Instant> = None;
    while tokio::time::Instant::now() < deadline {
        let all_quiet = world.devices.values().all(|state| {
            let state = state.lock().expect("device lock");
            state.quiet && state.connection_id.is_some() && state.model.to_fetch.is_empty()
        });
        match (all_quiet, quiet_since) {
            (true, Some(since)) if since.elapsed() >= Duration::from_secs(3) => return,
            (true, None) => quiet_since = Some(tokio::time::Instant::now()),
            (false, _) => quiet_since = None,
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for (device, state) in &world.devices {
        let state = state.lock().expect("device lock");
        if !(state.quiet && state.connection_id.is_some() && state.model.to_fetch.is_empty()) {
            println!(
                "{device} did not settle within {within:?}: connected {}, caught up {}, to fetch {:?}",
                state.connection_id.is_some(),
                state.quiet,
                state.model.to_fetch
            );
        }
    }
}

async fn progress(world: &World, seconds: u64) {
    let started = tokio::time::Instant::now();
    let end = started + Duration::from_secs(seconds);
    while tokio::time::Instant::now() < end {
        let step = (end - tokio::time::Instant::now()).min(Duration::from_secs(30));
        tokio::time::sleep(step).await;
        println!(
            "  {:>6.1} s  {} history entries",
            started.elapsed().as_secs_f64(),
            world.recorder.len()
        );
    }
}
