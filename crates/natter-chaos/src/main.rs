//! `natter-chaos`: runs Natter under faults and judges what the clients saw.
//!
//! ```text
//! natter-chaos --seed 42 --seconds 80          # three nodes on PostgreSQL and NATS
//! natter-chaos --store sqlite --seed 42        # one node on SQLite: kill -9 and a full disk
//! natter-chaos --minutes 30                    # a random seed, printed first
//! natter-chaos --check history.jsonl           # judge a recorded history again
//! ```

mod harness;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use natter_chaos::checker::{Report, check};
use natter_chaos::history::History;
use natter_chaos::shrink::shrink;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// Three nodes on one PostgreSQL database, joined by NATS.
    Postgres,
    /// One node on the embedded SQLite database.
    Sqlite,
}

#[derive(Debug, Parser)]
#[command(
    name = "natter-chaos",
    about = "Runs Natter under faults and checks the history"
)]
pub struct Args {
    /// The run's seed: the same seed gives the same faults and the same operations. Random
    /// (and printed) when not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How long the workload and the faults run, in seconds.
    #[arg(long, default_value_t = 80)]
    pub seconds: u64,
    /// How long the workload and the faults run, in minutes (overrides --seconds).
    #[arg(long)]
    pub minutes: Option<u64>,
    #[arg(long, value_enum, default_value = "postgres")]
    pub store: StoreKind,
    /// The natter binary (default: the one next to this program).
    #[arg(long)]
    pub natter: Option<PathBuf>,
    /// Where to write the history (`history.jsonl`) and the report (`report.json`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Concurrent workers making operations.
    #[arg(long, default_value_t = 6)]
    pub workers: usize,
    /// Judge this recorded history instead of running.
    #[arg(long)]
    pub check: Option<PathBuf>,
    /// Keep the run's directory (logs, databases) even when the run passes.
    #[arg(long)]
    pub keep: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(file) = &args.check {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let history = History::from_jsonl(&text).context("not a history")?;
        let report = check(&history);
        print_report(&history, &report);
        std::process::exit(if report.is_valid() { 0 } else { 1 });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()?;
    let (history, run_dir) = runtime.block_on(harness::run(&args))?;
    let report = check(&history);
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)?;
        std::fs::write(out.join("history.jsonl"), history.to_jsonl())?;
        std::fs::write(
            out.join("report.json"),
            serde_json::to_string_pretty(&report)?,
        )?;
    }
    print_report(&history, &report);
    if report.is_valid() {
        if args.keep {
            eprintln!("the run's files are in {}", run_dir.keep().display());
        }
        Ok(())
    } else {
        let kept = run_dir.keep();
        std::fs::write(kept.join("history.jsonl"), history.to_jsonl())?;
        eprintln!(
            "the run's logs, databases and history are in {}",
            kept.display()
        );
        eprintln!(
            "replay this run with --seed {} (the faults and operations repeat; the timing may not)",
            history.setup.seed
        );
        std::process::exit(1);
    }
}

fn print_report(history: &History, report: &Report) {
    let stats = &report.stats;
    println!("seed {}", history.setup.seed);
    println!(
        "history: {} entries; {} operations ({} retried), {} messages acknowledged",
        history.entries.len(),
        stats.operations.values().sum::<usize>(),
        stats.retried,
        stats.messages
    );
    println!("operations: {:?}", stats.operations);
    println!("outcomes: {:?}", stats.outcomes);
    println!("faults: {:?}", stats.faults);
    println!(
        "devices: {} sessions, {} pushes, {} told to resync, {} syncs, {} history pages; \
         {} deliveries checked",
        stats.sessions,
        stats.pushes,
        stats.resyncs,
        stats.syncs,
        stats.fetches,
        stats.deliveries_checked
    );
    println!(
        "WuKongIM devices: {} connections, {} RECVs (counted among the sessions and pushes \
         above); {} left unacknowledged checked sent again",
        stats.wukongim_sessions, stats.wukongim_recvs, stats.wukongim_redeliveries_checked
    );
    println!(
        "webhooks: {} requests received, {} events taken (duplicates included); {} messages \
         pushed (msg.offline), {} connected members checked not pushed; {} connections \
         checked told (user.onlinestatus)",
        stats.webhook_requests,
        stats.webhook_events_taken,
        stats.offline_pushes_taken,
        stats.connected_members_checked,
        stats.connections_told_checked
    );
    for note in stats.notes.iter().take(10) {
        println!("note: {note}");
    }
    if report.is_valid() {
        println!("no anomalies");
        return;
    }
    println!("{} anomalies:", report.anomalies.len());
    for anomaly in &report.anomalies {
        println!(
            "  {}: {} — {}",
            anomaly.kind, anomaly.subject, anomaly.detail
        );
    }
    // One counterexample per kind, cut down as far as the checker can.
    let mut shown = std::collections::BTreeSet::new();
    for anomaly in &report.anomalies {
        if !shown.insert(anomaly.kind) {
            continue;
        }
        let small = shrink(history, anomaly, 150);
        println!(
            "\ncounterexample for {} ({}), seed {}: {} of {} entries",
            anomaly.kind,
            anomaly.subject,
            history.setup.seed,
            small.entries.len(),
            history.entries.len()
        );
        for entry in small.entries.iter().take(40) {
            println!(
                "  {}",
                serde_json::to_string(entry).unwrap_or_else(|_| format!("{entry:?}"))
            );
        }
    }
}
