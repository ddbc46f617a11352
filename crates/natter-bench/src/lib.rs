//! Natter's load generator: each workload drives a real server (started here, or already
//! running) over HTTP and WebSocket with many simulated users and devices, and reports
//! throughput, latency percentiles (HdrHistogram), and the server's CPU time per operation and
//! memory, beside the targets of BENCHMARKS.md.

pub mod client;
pub mod commits;
pub mod limits;
pub mod report;
pub mod seed;
pub mod server;
pub mod workloads;

use report::Report;
use server::Options;

/// Every workload, by the name the command line takes.
pub const WORKLOADS: &[&str] = &[
    "send",
    "send-offline",
    "fanout",
    "latency",
    "list",
    "batch-delete",
    "delete-clear",
    "idle-ws",
    "idle-wukongim",
    "cold-start",
    "webhooks",
];

/// Runs one workload once.
pub async fn run(workload: &str, options: &Options, quick: bool) -> anyhow::Result<Report> {
    use workloads::*;
    match workload {
        "send" => send::run(options, quick).await,
        "send-offline" => send_offline::run(options, quick).await,
        "fanout" => fanout::run(options, quick).await,
        "latency" => latency::run(options, quick).await,
        "list" => list::run(options, quick).await,
        "batch-delete" => batch_delete::run(options, quick).await,
        "delete-clear" => delete_clear::run(options, quick).await,
        "idle-ws" => idle_ws::run(options, quick).await,
        "idle-wukongim" => idle_wukongim::run(options, quick).await,
        "cold-start" => cold_start::run(options, quick).await,
        "webhooks" => webhooks::run(options, quick).await,
        other => anyhow::bail!("no workload {other:?}; one of {}", WORKLOADS.join(", ")),
    }
}
