//! Workload 2: group fan-out. Groups of members, every member online over a WebSocket; one
//! sender per group sends in a closed loop; every member's device counts `messageReceived`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};

use crate::client::{self, Api};
use crate::limits::Limit;
use crate::report::Report;
use crate::server::{Options, own_stats};

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (groups, members, seconds) = if quick { (3, 5, 1) } else { (100, 100, 10) };
    let server = options.server().await?;
    let api = Api::new(&server)?;
    let users = api.create_users("fan", groups * members).await?;
    let created: Vec<anyhow::Result<()>> = stream::iter(0..groups)
        .map(|group| {
            let admin = api.admin.clone();
            let uids: Vec<String> = users[group * members..(group + 1) * members]
                .iter()
                .map(|user| user.uid.clone())
                .collect();
            async move {
                let uids: Vec<&str> = uids.iter().map(String::as_str).collect();
                Ok(admin.create_group(&format!("g{group}"), &uids).await?)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    created.into_iter().collect::<anyhow::Result<()>>()?;
    let delivered = Arc::new(AtomicU64::new(0));
    let sockets = client::connect_all(&[api.address()?], &users, 128).await?;
    let readers = client::count_messages(sockets, &delivered);

    let before = server.stats();
    let bench_before = own_stats();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let senders: Vec<_> = (0..groups)
        .map(|group| {
            let api = api.clone();
            let token = users[group * members].token.clone();
            tokio::spawn(async move {
                let conversation = format!("GROUPg{group}");
                let mut sent = 0u64;
                while Instant::now() < deadline {
                    let payload =
                        serde_json::json!({ "text": "to the group", "t": super::now_us() });
                    match api.send(&token, &conversation, payload).await {
                        Ok(_) => sent += 1,
                        Err(error) => {
                            eprintln!("fanout: send failed: {error:#}");
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                }
                sent
            })
        })
        .collect();
    let mut acked = 0;
    for sender in senders {
        acked += sender.await.unwrap_or(0);
    }
    let sending = started.elapsed();
    let expected = acked * members as u64;
    client::wait_until(Duration::from_secs(60), || {
        delivered.load(Ordering::Relaxed) >= expected
    })
    .await;
    let all = started.elapsed();
    let after = server.stats();
    let bench_after = own_stats();
    readers.iter().for_each(|reader| reader.abort());

    let got = delivered.load(Ordering::Relaxed);
    anyhow::ensure!(
        got >= expected,
        "only {got} of {expected} deliveries arrived within 60 s of the last send"
    );
    let mut report = Report::new(
        "fanout",
        format!(
            "{groups} groups × {members} members, all online; 1 sender per group, closed loop, {seconds} s"
        ),
    );
    report.info("group messages acknowledged", acked as f64, "msg");
    report.info(
        "group sends/s",
        acked as f64 / sending.as_secs_f64(),
        "msg/s",
    );
    report.info("deliveries (messageReceived frames)", got as f64, "");
    report.info("deliveries expected", expected as f64, "");
    report.at_least(
        "deliveries/s",
        got as f64 / all.as_secs_f64(),
        "/s",
        100_000.0,
    );
    report.per(Limit::WsFanout);
    report.info(
        "deliveries/s, against one write per delivery",
        got as f64 / all.as_secs_f64(),
        "/s",
    );
    report.per(Limit::WsFanoutOneWrite);
    report.shared_machine_cost(
        [before, after],
        [bench_before, bench_after],
        got,
        "delivery",
        "/s",
    );
    Ok(report)
}
