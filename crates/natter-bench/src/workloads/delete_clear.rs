//! Workload 6: deleting a conversation with its history cleared, in a channel of a million
//! messages against one of ten: the cost must not grow with the history. Meanwhile other users
//! keep sending, and their acknowledgement latency is compared with a quiet baseline.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::json;

use crate::client::{Api, User};
use crate::report::{Report, histogram, quantile_ms};
use crate::server::Options;

const SMALL: u64 = 10;
/// Phases of the background senders' latency.
const BASELINE: usize = 0;
const SMALL_DELETES: usize = 1;
const BIG_DELETES: usize = 2;
const IDLE: usize = 3;

pub async fn run(options: &Options, quick: bool) -> anyhow::Result<Report> {
    let (big, reps, background_rate) = if quick {
        (10_000, 5, 100.0)
    } else {
        (1_000_000, 30, 1_000.0)
    };
    let dir = tempfile::Builder::new()
        .prefix("natter-bench-dc-")
        .tempdir()?;
    let mut server = match options.owns_server() {
        true => options.start_on(dir.path()).await?,
        false => options.server().await?,
    };
    let mut api = Api::new(&server)?;
    let users = api.create_users("dc", 4).await?;
    let (big_owner, big_peer, small_owner, small_peer) =
        (&users[0], &users[1], &users[2], &users[3]);
    let (senders, recipients) = super::pairs(&api, "dcbg", 20).await?;
    for _ in 0..SMALL {
        api.send(
            &big_peer.token,
            &format!("C2C{}", big_owner.uid),
            json!({"text": "hi"}),
        )
        .await?;
        api.send(
            &small_peer.token,
            &format!("C2C{}", small_owner.uid),
            json!({"text": "hi"}),
        )
        .await?;
    }
    let filled = Instant::now();
    let how = if options.owns_server() {
        // Stop the server, write the history into its database, start it again.
        server.stop().await?;
        let (big_owner, big_peer) = (big_owner.uid.clone(), big_peer.uid.clone());
        let data_dir = dir.path().to_owned();
        tokio::task::spawn_blocking(move || {
            crate::seed::fill_personal_channel(
                &data_dir,
                &big_owner,
                &big_peer,
                &big_peer,
                big - SMALL,
                100,
            )
        })
        .await??;
        server = options.start_on(dir.path()).await?;
        api = Api::new(&server)?;
        "written into SQLite directly"
    } else {
        fill_by_sending(&api, big_peer, big_owner, big - SMALL).await?;
        "sent through the server"
    };
    let filled = filled.elapsed();

    let phase = Arc::new(AtomicUsize::new(IDLE));
    let stop = Arc::new(AtomicBool::new(false));
    let phases = Arc::new(Mutex::new(vec![histogram(); 3]));
    let background = tokio::spawn(background_sends(
        api.clone(),
        senders,
        recipients,
        background_rate,
        phase.clone(),
        stop.clone(),
        phases.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    phase.store(BASELINE, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(if quick { 1 } else { 5 })).await;
    let before = server.stats();
    phase.store(SMALL_DELETES, Ordering::SeqCst);
    let small_deletes = deletes(&api, small_owner, small_peer, reps).await?;
    phase.store(BIG_DELETES, Ordering::SeqCst);
    let big_deletes = deletes(&api, big_owner, big_peer, reps).await?;
    phase.store(IDLE, Ordering::SeqCst);
    let after = server.stats();
    stop.store(true, Ordering::SeqCst);
    background.await?;
    let phases = phases.lock().expect("phases").clone();

    let ratio = quantile_ms(&big_deletes, 0.5) / quantile_ms(&small_deletes, 0.5);
    let slowed = quantile_ms(&phases[BIG_DELETES], 0.99) / quantile_ms(&phases[BASELINE], 0.99);
    let mut report = Report::new(
        "delete-clear",
        format!(
            "delete+clear of a {big}-message channel vs a {SMALL}-message one, {reps} times each \
             (revived by 1 message between); 20 pairs sending {background_rate} msg/s meanwhile; \
             history {how}"
        ),
    );
    report.info("filling the big channel", filled.as_secs_f64(), "s");
    report.info(
        format!("delete+clear, {SMALL} messages, p50"),
        quantile_ms(&small_deletes, 0.5),
        "ms",
    );
    report.info(
        format!("delete+clear, {big} messages, p50"),
        quantile_ms(&big_deletes, 0.5),
        "ms",
    );
    report.info(
        format!("delete+clear, {big} messages, p99"),
        quantile_ms(&big_deletes, 0.99),
        "ms",
    );
    report.at_most("big / small (p50)", ratio, "×", 1.5);
    report.info(
        "concurrent send ack p50, baseline",
        quantile_ms(&phases[BASELINE], 0.5),
        "ms",
    );
    report.info(
        "concurrent send ack p99, baseline",
        quantile_ms(&phases[BASELINE], 0.99),
        "ms",
    );
    report.info(
        "concurrent send ack p99, small deletes",
        quantile_ms(&phases[SMALL_DELETES], 0.99),
        "ms",
    );
    report.info(
        "concurrent send ack p99, big deletes",
        quantile_ms(&phases[BIG_DELETES], 0.99),
        "ms",
    );
    report.at_most("send p99 during big deletes / baseline", slowed, "×", 1.5);
    // CPU per delete would include the background sends: report memory only.
    report.server_cost(before, after, 0, "delete");
    Ok(report)
}

/// `reps` times: the peer sends one message (reviving the conversation), then the owner deletes
/// it with its history cleared. Returns the deletes' latencies.
async fn deletes(
    api: &Api,
    owner: &User,
    peer: &User,
    reps: usize,
) -> anyhow::Result<Histogram<u64>> {
    let mut latencies = histogram();
    let body =
        json!({ "conversationIDList": [format!("C2C{}", peer.uid)], "clearHistoryMessage": true });
    for _ in 0..reps {
        api.send(
            &peer.token,
            &format!("C2C{}", owner.uid),
            json!({"text": "revive"}),
        )
        .await?;
        let begun = Instant::now();
        api.post(&owner.token, "/v1/conversations/delete", &body)
            .await?;
        latencies.record(begun.elapsed().as_micros().max(1) as u64)?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(latencies)
}

/// Paced sends at `rate` in all, each acknowledgement latency recorded under the current phase.
async fn background_sends(
    api: Api,
    senders: Vec<User>,
    recipients: Vec<User>,
    rate: f64,
    phase: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    phases: Arc<Mutex<Vec<Histogram<u64>>>>,
) {
    let interval = Duration::from_secs_f64(senders.len() as f64 / rate);
    let give_up = Instant::now() + Duration::from_secs(600);
    let tasks: Vec<_> = senders
        .into_iter()
        .zip(recipients)
        .map(|(sender, recipient)| {
            let (api, phase, stop, phases) =
                (api.clone(), phase.clone(), stop.clone(), phases.clone());
            tokio::spawn(async move {
                let conversation = format!("C2C{}", recipient.uid);
                let mut due = Instant::now();
                while !stop.load(Ordering::SeqCst) && Instant::now() < give_up {
                    tokio::time::sleep_until(due.into()).await;
                    due += interval;
                    let current = phase.load(Ordering::SeqCst);
                    let begun = Instant::now();
                    if api
                        .send(&sender.token, &conversation, json!({"text": "meanwhile"}))
                        .await
                        .is_ok()
                        && current < IDLE
                    {
                        let took = begun.elapsed().as_micros().max(1) as u64;
                        let _ = phases.lock().expect("phases")[current].record(took);
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

/// Without access to the database: send the history, 64 messages in flight.
async fn fill_by_sending(api: &Api, from: &User, to: &User, count: u64) -> anyhow::Result<()> {
    use futures_util::{StreamExt, stream};
    let conversation = format!("C2C{}", to.uid);
    let results: Vec<anyhow::Result<u64>> = stream::iter(0..count)
        .map(|_| api.send(&from.token, &conversation, json!({"text": "history"})))
        .buffer_unordered(64)
        .collect()
        .await;
    results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    Ok(())
}
