//! `natter-bench <workload|all> [--quick] [--runs N] [--server URL… --manager-token T]`

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use natter_bench::limits::Limits;
use natter_bench::report::Report;
use natter_bench::server::{Options, Server};

#[derive(Debug, Parser)]
#[command(
    name = "natter-bench",
    about = "Load generator and benchmarks for Natter"
)]
struct Cli {
    /// send, send-offline, fanout, latency, list, batch-delete, delete-clear, idle-ws,
    /// idle-wukongim, cold-start, webhooks, or all.
    workload: String,
    /// Tiny sizes, a few seconds each: checks that the workload works (CI).
    #[arg(long)]
    quick: bool,
    /// Run each workload this many times and also print the median of each figure.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// A running server to drive instead of starting one (`http://127.0.0.1:5001`). Several
    /// (repeated or comma-separated): the nodes of one cluster; `send` spreads its senders
    /// over them and connects each recipient to the node after its sender's, so that every
    /// message crosses nodes; the other workloads use the first.
    #[arg(long, requires = "manager_token", value_delimiter = ',')]
    server: Vec<String>,
    /// The running server's manager token.
    #[arg(long, env = "NATTER_MANAGER_TOKEN", hide_env_values = true)]
    manager_token: Option<String>,
    /// The running servers' process IDs, to read their CPU time and memory (summed).
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// The server binary to start [default: $CARGO_TARGET_DIR/release/natter, else debug].
    #[arg(long)]
    binary: Option<PathBuf>,
    /// Skip measuring the machine's limits (plain SQLite inserts, fsync, WebSocket echo and
    /// fan-out) before each run; no ratios are printed then.
    #[arg(long)]
    no_limits: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Many sockets: raise our file limit to the hard limit; a server started here inherits it.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let options = Options {
        servers: cli.server,
        manager_token: cli.manager_token,
        server_pids: cli.server_pid,
        binary: cli.binary,
    };
    println!("natter-bench: {}", Server::describe(&options));
    let workloads: Vec<&str> = match cli.workload.as_str() {
        "all" => natter_bench::WORKLOADS.to_vec(),
        one => vec![one],
    };
    let mut failed = Vec::new();
    for workload in workloads {
        let mut runs = Vec::new();
        for run in 1..=cli.runs.max(1) {
            // The machine's limits just before each run, so that every figure has a ratio to
            // what this machine did at the same moment.
            let limits = if cli.no_limits {
                None
            } else {
                let budget = Duration::from_millis(if cli.quick { 100 } else { 1_000 });
                Some(Limits::measure(budget).await?)
            };
            match natter_bench::run(workload, &options, cli.quick).await {
                Ok(mut report) => {
                    if let Some(limits) = &limits {
                        report.with_limits(limits);
                    }
                    if cli.runs > 1 {
                        println!("\n[run {run} of {}]", cli.runs);
                    }
                    print!("{report}");
                    runs.push(report);
                }
                Err(error) => {
                    eprintln!("{workload}: failed: {error:#}");
                    failed.push(workload);
                    break;
                }
            }
        }
        if runs.len() > 1
            && let Some(median) = Report::median(&runs)
        {
            print!("{median}");
        }
    }
    anyhow::ensure!(failed.is_empty(), "failed: {}", failed.join(", "));
    Ok(())
}
