//! The `natter` command line.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use natter::config::{self, LogFormat};
use natter::{Config, ServeArgs};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// mimalloc rather than the C library's allocator: a sent message makes a few hundred small
/// allocations (rows, frames, futures), and under glibc's malloc those took a fifth of the
/// server's instructions per message (a callgrind profile of the `send` workload,
/// BENCHMARKS.md). Version 2 without transparent huge pages (the features in Cargo.toml):
/// version 3 cost the same instructions but held more memory per idle connection.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "natter",
    version,
    about = "A self-hostable instant-messaging server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Write a consistent copy of the database to a new file; works while the server runs.
    Backup {
        #[command(flatten)]
        data: DataDirArgs,
        /// The backup file to create.
        file: PathBuf,
    },
    /// Replace the database with a backup. The server must be stopped.
    Restore {
        #[command(flatten)]
        data: DataDirArgs,
        /// The backup file to restore from.
        file: PathBuf,
    },
    /// Print the configuration reference, every setting of `serve` (docs/configuration.md).
    ConfigReference,
    /// Print the OpenAPI document of the HTTP API (docs/openapi.json).
    Openapi,
}

#[derive(Debug, Args)]
struct DataDirArgs {
    /// The server's data dir.
    #[arg(long, env = "NATTER_DATA_DIR", default_value_os_t = Config::default().data_dir)]
    data_dir: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::ConfigReference => {
            print!("{}", natter::config::reference());
            Ok(())
        }
        Command::Openapi => {
            print!("{}", natter_api::openapi_json());
            Ok(())
        }
        Command::Backup { data, file } => {
            init_logging(LogFormat::Text);
            natter_store::sqlite::backup(&data.data_dir, &file)
                .with_context(|| format!("backup of {} failed", data.data_dir.display()))?;
            println!(
                "backed up {} to {}",
                data.data_dir.display(),
                file.display()
            );
            Ok(())
        }
        Command::Restore { data, file } => {
            init_logging(LogFormat::Text);
            natter_store::sqlite::restore(&data.data_dir, &file)
                .with_context(|| format!("restore into {} failed", data.data_dir.display()))?;
            println!(
                "restored {} from {}",
                data.data_dir.display(),
                file.display()
            );
            Ok(())
        }
    }
}

/// Logs to stderr, filtered by `config::LOG_VARIABLE` (`NATTER_LOG`). Coloured only on a
/// terminal, and not where `NO_COLOR` is set: a log file, journald or `docker logs` would
/// otherwise hold the colours' escape codes in every line.
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env(config::LOG_VARIABLE)
        .unwrap_or_else(|_| EnvFilter::new(config::LOG_DEFAULT));
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let variables = config::read_variables()?;
    let config = Config::load(&args, &variables)?;
    init_logging(config.log_format);
    for warning in config::unknown_variables(&variables) {
        tracing::warn!("{warning}");
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", config.listen))?;
    natter::run(config, listener, shutdown_signal()).await?;
    tracing::info!("natter stopped");
    Ok(())
}

/// SIGTERM or Ctrl-C: stop accepting, drain (for `natter_api`'s grace at most), exit 0.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
