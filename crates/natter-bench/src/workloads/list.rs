//! Workload 4: the conversation list of a user with many conversations: the first page and a
//! page of 100, each read by several concurrent readers, and the unread total.

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use hdrhistogram::Histogram;
use natter_core::wire::ConversationListResponse;
use serde_json::json;

use crate::client::{self, Api, User};
use crate::limits::Limit;
use crate::report::{Report, histogram, quantile_ms};
use crate::server::Options;

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (conversations, samples) = if quick { (200, 50) } else { (10_000, 1_000) };
    let readers = 4;
    let server = options.server().await?;
    let api = Api::new(&server)?;
    let setup = Instant::now();
    let (hub, _) = hub(&api, "list", conversations).await?;
    let setup = setup.elapsed();

    let before = server.stats();
    let first_page = concurrently(readers, samples, &api, &hub, "/v1/conversations", 20).await?;
    let page_of_100 = concurrently(
        readers,
        samples,
        &api,
        &hub,
        "/v1/conversations?limit=100",
        100,
    )
    .await?;
    let unread = timed(samples, || api.get(&hub.token, "/v1/unread")).await?;
    let after = server.stats();

    let total = api.get(&hub.token, "/v1/unread").await?["totalUnreadCount"].as_u64();
    anyhow::ensure!(
        total == Some(conversations as u64),
        "the hub should have {conversations} unread, the server says {total:?}"
    );
    let mut report = Report::new(
        "list",
        format!(
            "1 user with {conversations} conversations (1 unread each); pages: {samples} requests \
             from {readers} concurrent readers; unread: {samples} sequential requests"
        ),
    );
    report.info(
        "setup (users + 1 message per conversation)",
        setup.as_secs_f64(),
        "s",
    );
    report.info("first page (20) p50", quantile_ms(&first_page, 0.5), "ms");
    report.at_most(
        "first page (20) p99",
        quantile_ms(&first_page, 0.99),
        "ms",
        3.0,
    );
    report.per(Limit::WsEchoRtt);
    report.info("page of 100 p50", quantile_ms(&page_of_100, 0.5), "ms");
    report.at_most(
        "page of 100 p99",
        quantile_ms(&page_of_100, 0.99),
        "ms",
        5.0,
    );
    report.per(Limit::WsEchoRtt);
    report.info("GET /v1/unread p50", quantile_ms(&unread, 0.5), "ms");
    report.at_most("GET /v1/unread p99", quantile_ms(&unread, 0.99), "ms", 2.0);
    report.per(Limit::WsEchoRtt);
    report.server_cost(before, after, 3 * samples as u64, "request");
    Ok(report)
}

/// A user `{prefix}hub` with `count` one-to-one conversations, each holding one unread message
/// from its own peer; the peers send concurrently.
pub async fn hub(api: &Api, prefix: &str, count: usize) -> anyhow::Result<(User, Vec<User>)> {
    let hub = api
        .create_users(&format!("{prefix}hub"), 1)
        .await?
        .remove(0);
    let peers = api.create_users(&format!("{prefix}peer"), count).await?;
    let conversation = format!("C2C{}", hub.uid);
    let sent: Vec<anyhow::Result<u64>> = stream::iter(peers.iter())
        .map(|peer| api.send(&peer.token, &conversation, json!({ "text": "hello hub" })))
        .buffer_unordered(128)
        .collect()
        .await;
    sent.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    Ok((hub, peers))
}

/// `GET path` as `user`, `samples` times in all from `readers` concurrent readers, each
/// one request after another. Each latency runs until the answer's last byte arrived; the
/// answer is then decoded and must hold a page of `page` conversations, outside the timing (a
/// page of 100 is about 51 KiB of JSON, whose decoding by the bench is not the server's time)
/// but on the same cores, as a client's would be. It is decoded into the contract's own type,
/// which checks every field's name and type: decoded into a `serde_json::Value` (a map and a
/// string for every field), a page took the load generator six times the instructions the
/// server spent writing it (BENCHMARKS.md, round two, thirteenth pass).
async fn concurrently(
    readers: usize,
    samples: usize,
    api: &Api,
    user: &User,
    path: &'static str,
    page: usize,
) -> anyhow::Result<Histogram<u64>> {
    let tasks: Vec<_> = (0..readers)
        .map(|_| {
            let (api, token) = (api.clone(), user.token.clone());
            tokio::spawn(async move {
                let samples = samples.div_ceil(readers);
                let warm_up = samples.min(WARM_UP_CALLS);
                let mut timings = Vec::with_capacity(samples);
                for call in 0..warm_up + samples {
                    let begun = Instant::now();
                    let body = api.get_body(&token, path).await?;
                    if call >= warm_up {
                        timings.push(begun.elapsed());
                    }
                    let answer: ConversationListResponse = client::decode(&body)?;
                    let listed = answer.conversation_list.len();
                    anyhow::ensure!(
                        listed == page,
                        "{path} listed {listed} conversations, not {page}"
                    );
                }
                anyhow::Ok(timings)
            })
        })
        .collect();
    let mut all = histogram();
    for task in tasks {
        for timing in task.await?? {
            all.record(timing.as_micros().max(1) as u64)?;
        }
    }
    Ok(all)
}

/// Calls before the timed ones, so that the first timings are not of cold caches.
const WARM_UP_CALLS: usize = 20;

/// Runs `request` `samples` times one after another (after a few warm-up calls) and records
/// each latency in µs.
pub async fn timed<F, Fut, T>(samples: usize, mut request: F) -> anyhow::Result<Histogram<u64>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    for _ in 0..samples.min(WARM_UP_CALLS) {
        request().await?;
    }
    let mut latencies = histogram();
    let limit = Instant::now() + Duration::from_secs(120);
    for _ in 0..samples {
        let begun = Instant::now();
        request().await?;
        latencies.record(begun.elapsed().as_micros().max(1) as u64)?;
        if Instant::now() > limit {
            break;
        }
    }
    Ok(latencies)
}
