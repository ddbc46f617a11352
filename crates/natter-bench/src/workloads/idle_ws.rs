//! Workload 7: idle authenticated WebSockets (each has sent its ping and got its pong, so it is
//! subscribed to its user's events): how many the server holds and how much memory each costs.
//! Connections come from several loopback source addresses, so the client's ephemeral ports
//! last; the file limit is raised to the hard limit before the server is started (it inherits
//! it).

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt, stream};
use tokio_tungstenite::tungstenite::Message;

use crate::client::{self, Api};
use crate::report::Report;
use crate::server::Options;

const TARGET: usize = 50_000;
/// Source addresses 127.0.0.1 ..= 127.0.0.SOURCES.
const SOURCES: u8 = 8;
/// File descriptors kept free for everything else in each process.
const SPARE_FDS: u64 = 1_000;

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
    let possible = soft.saturating_sub(SPARE_FDS) as usize;
    let count = if quick { 200 } else { TARGET.min(possible) };
    if count < TARGET && !quick {
        eprintln!(
            "idle-ws: the file limit is {soft} (hard {hard}); holding {count} connections, \
             not {TARGET}. Raise the hard limit (needs CAP_SYS_RESOURCE) to try {TARGET}."
        );
    }
    let server = options.server().await?;
    let api = Api::new(&server)?;
    let users = api.create_users("idle", count).await?;
    let address = api.address()?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = server.stats();
    let started = Instant::now();
    let opened: Vec<anyhow::Result<client::Socket>> = stream::iter(users.iter().enumerate())
        .map(|(index, user)| {
            let source = Ipv4Addr::new(127, 0, 0, 1 + (index % SOURCES as usize) as u8);
            client::connect_ws(address, &user.token, Some(source))
        })
        .buffer_unordered(256)
        .collect()
        .await;
    let connecting = started.elapsed();
    let failed = opened.iter().filter(|socket| socket.is_err()).count();
    if let Some(Err(error)) = opened.iter().find(|socket| socket.is_err()) {
        eprintln!("idle-ws: {failed} connections failed, the first: {error:#}");
    }
    let mut sockets: Vec<client::Socket> = opened.into_iter().filter_map(Result::ok).collect();
    // Let the server settle, then measure, then check the connections still answer.
    tokio::time::sleep(Duration::from_secs(if quick { 1 } else { 5 })).await;
    let after = server.stats();
    let alive = answering(&mut sockets, 20).await;
    let held = sockets.len();
    drop(sockets);

    let mut report = Report::new(
        "idle-ws",
        format!(
            "{count} users, one subscribed WebSocket each, from {SOURCES} source addresses; \
             file limit {soft} (hard {hard})"
        ),
    );
    report.at_least("connections held", held as f64, "", TARGET as f64);
    report.info(
        "connect + ping/pong rate",
        held as f64 / connecting.as_secs_f64(),
        "/s",
    );
    report.info(
        "sampled connections answering a ping",
        alive as f64,
        "of 20",
    );
    if let (Some(before), Some(after)) = (before, after) {
        let per = (after.rss_kib.saturating_sub(before.rss_kib)) as f64 / held.max(1) as f64;
        report.info("server RSS before", before.rss_kib as f64 / 1024.0, "MiB");
        report.info(
            "server RSS with the connections",
            after.rss_kib as f64 / 1024.0,
            "MiB",
        );
        report.at_most("server memory per connection", per, "KiB", 8.0);
        report.info(
            "server CPU per connect",
            (after.cpu_secs - before.cpu_secs) * 1e6 / held.max(1) as f64,
            "µs",
        );
    }
    Ok(report)
}

/// Pings the first `sample` sockets and counts the ones that answer within 5 s.
async fn answering(sockets: &mut [client::Socket], sample: usize) -> usize {
    let mut alive = 0;
    for socket in sockets.iter_mut().take(sample) {
        let answered = tokio::time::timeout(Duration::from_secs(5), async {
            socket
                .send(Message::Text(r#"{"event":"ping"}"#.into()))
                .await
                .ok()?;
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(text) = message
                    && text.as_str().starts_with(r#"{"event":"pong""#)
                {
                    return Some(());
                }
            }
            None
        })
        .await;
        alive += usize::from(matches!(answered, Ok(Some(()))));
    }
    alive
}
