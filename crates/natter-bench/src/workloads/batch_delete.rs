//! Workload 5: deleting 100 conversations in one call, from a user with many, whose device is
//! online (so the server also pushes the new unread total after each call).

use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::{self, Api};
use crate::limits::Limit;
use crate::report::{Report, histogram, quantile_ms};
use crate::server::Options;

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let conversations = if quick { 300 } else { 10_000 };
    let server = options.server().await?;
    let api = Api::new(&server)?;
    let (hub, peers) = super::list::hub(&api, "del", conversations).await?;
    let socket = client::connect_ws(api.address()?, &hub.token, None).await?;
    let reader = client::spawn_reader(socket, |_| {});

    let before = server.stats();
    let mut kept = histogram();
    let mut cleared = histogram();
    let limit = Instant::now() + Duration::from_secs(300);
    for (index, batch) in peers.chunks(100).enumerate() {
        let ids: Vec<String> = batch
            .iter()
            .map(|peer| format!("C2C{}", peer.uid))
            .collect();
        let clear = index % 2 == 1;
        let body = json!({ "conversationIDList": ids, "clearHistoryMessage": clear });
        let begun = Instant::now();
        let reply = api
            .post(&hub.token, "/v1/conversations/delete", &body)
            .await?;
        let took = begun.elapsed().as_micros().max(1) as u64;
        anyhow::ensure!(
            reply["conversationIDList"].as_array().map(Vec::len) == Some(batch.len()),
            "unexpected delete reply: {reply}"
        );
        if clear { &mut cleared } else { &mut kept }.record(took)?;
        if Instant::now() > limit {
            break;
        }
    }
    let after = server.stats();
    reader.abort();
    let left = api.get(&hub.token, "/v1/unread").await?["totalUnreadCount"].as_u64();
    anyhow::ensure!(
        left == Some(0),
        "after deleting everything, unread is {left:?}"
    );

    let calls = kept.len() + cleared.len();
    let mut all = kept.clone();
    all.add(&cleared)?;
    let mut report = Report::new(
        "batch-delete",
        format!(
            "1 user with {conversations} conversations, {calls} calls of 100 (half keeping history, half clearing)"
        ),
    );
    report.info("all calls p50", quantile_ms(&all, 0.5), "ms");
    report.at_most("all calls p99", quantile_ms(&all, 0.99), "ms", 20.0);
    report.per(Limit::Fsync);
    report.info("keep history p99", quantile_ms(&kept, 0.99), "ms");
    report.info("clear history p99", quantile_ms(&cleared, 0.99), "ms");
    report.info("all calls max", quantile_ms(&all, 1.0), "ms");
    report.server_cost(before, after, calls, "call");
    Ok(report)
}
