//! What a workload prints: a short table of figures, each with its target and whether it was
//! met.

use std::fmt;

use hdrhistogram::Histogram;

use crate::limits::{Limit, Limits};
use crate::server::ProcStats;

/// A target a figure is held to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
    /// At least this fraction of the machine limit the figure is read against.
    RatioAtLeast(f64),
}

#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub value: f64,
    pub unit: &'static str,
    pub target: Option<Target>,
    /// The machine limit this figure is read against, and the ratio to it in the same run.
    pub per: Option<Limit>,
    pub ratio: Option<f64>,
}

impl Row {
    pub fn met(&self) -> Option<bool> {
        self.target.and_then(|target| match target {
            Target::AtLeast(bound) => Some(self.value >= bound),
            Target::AtMost(bound) => Some(self.value <= bound),
            Target::RatioAtLeast(bound) => self.ratio.map(|ratio| ratio >= bound),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub workload: &'static str,
    pub parameters: String,
    pub rows: Vec<Row>,
}

/// The rows every report ends with: the machine limits measured just before the run.
const LIMIT_ROWS: [(&str, Limit, &str); 8] = [
    (
        "limit: plain SQLite batched inserts",
        Limit::SqliteInserts,
        "rows/s",
    ),
    ("limit: 4 KiB write + fdatasync p50", Limit::Fsync, "ms"),
    ("limit: bare WebSocket echo", Limit::WsEcho, "frames/s"),
    ("limit: bare WebSocket echo RTT p50", Limit::WsEchoRtt, "ms"),
    ("limit: bare WebSocket fan-out", Limit::WsFanout, "frames/s"),
    (
        "limit: bare fan-out, one write per delivery",
        Limit::WsFanoutOneWrite,
        "/s",
    ),
    (
        "… its CPU per delivery, both ends",
        Limit::WsFanoutOneWriteCpu,
        "µs",
    ),
    ("… of it in the kernel", Limit::WsFanoutOneWriteKernel, "µs"),
];

impl Report {
    pub fn new(workload: &'static str, parameters: impl Into<String>) -> Self {
        Self {
            workload,
            parameters: parameters.into(),
            rows: Vec::new(),
        }
    }

    /// A figure without a target.
    pub fn info(&mut self, figure: impl Into<String>, value: f64, unit: &'static str) {
        self.rows.push(Row {
            figure: figure.into(),
            value,
            unit,
            target: None,
            per: None,
            ratio: None,
        });
    }

    /// A figure judged as a fraction of the machine limit it is read against.
    pub fn ratio_at_least(
        &mut self,
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
        limit: Limit,
        bound: f64,
    ) {
        self.info(figure, value, unit);
        if let Some(row) = self.rows.last_mut() {
            row.target = Some(Target::RatioAtLeast(bound));
            row.per = Some(limit);
        }
    }

    /// Reads the last figure added against a machine limit (its ratio is printed beside it).
    pub fn per(&mut self, limit: Limit) {
        if let Some(row) = self.rows.last_mut() {
            row.per = Some(limit);
        }
    }

    /// Fills in each figure's ratio to the limits measured in the same run, and lists them.
    pub fn with_limits(&mut self, limits: &Limits) {
        for row in &mut self.rows {
            row.ratio = row.per.map(|limit| row.value / limit.of(limits));
        }
        for (figure, limit, unit) in LIMIT_ROWS {
            self.info(figure, limit.of(limits), unit);
        }
    }

    pub fn at_least(
        &mut self,
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
        bound: f64,
    ) {
        self.rows.push(Row {
            figure: figure.into(),
            value,
            unit,
            target: Some(Target::AtLeast(bound)),
            per: None,
            ratio: None,
        });
    }

    pub fn at_most(
        &mut self,
        figure: impl Into<String>,
        value: f64,
        unit: &'static str,
        bound: f64,
    ) {
        self.rows.push(Row {
            figure: figure.into(),
            value,
            unit,
            target: Some(Target::AtMost(bound)),
            per: None,
            ratio: None,
        });
    }

    /// p50, p99 and max of a latency histogram (recorded in microseconds), in ms.
    pub fn latencies(&mut self, name: &str, histogram: &Histogram<u64>) {
        for (label, quantile) in [("p50", 0.5), ("p99", 0.99), ("max", 1.0)] {
            self.info(
                format!("{name} {label}"),
                quantile_ms(histogram, quantile),
                "ms",
            );
        }
    }

    /// The server's CPU time per operation and its memory after the workload; returns the
    /// CPU per operation, in µs.
    pub fn server_cost(
        &mut self,
        before: Option<ProcStats>,
        after: Option<ProcStats>,
        ops: u64,
        op: &str,
    ) -> Option<f64> {
        let (Some(before), Some(after)) = (before, after) else {
            return None;
        };
        let mut cpu_per_op = None;
        if ops > 0 {
            let cpu_us = (after.cpu_secs - before.cpu_secs) * 1e6 / ops as f64;
            self.info(format!("server CPU per {op}"), cpu_us, "µs");
            cpu_per_op = Some(cpu_us);
            let kernel_us = (after.kernel_cpu_secs - before.kernel_cpu_secs) * 1e6 / ops as f64;
            self.info("… of it in the kernel", kernel_us, "µs");
            let writer_us = (after.writer_cpu_secs - before.writer_cpu_secs) * 1e6 / ops as f64;
            // Printed whenever the server has a writer thread that ever ran (SQLite), so that
            // every run of a workload has the same rows for the median.
            if after.writer_cpu_secs > 0.0 {
                self.info("… of it the SQLite writer thread", writer_us, "µs");
            }
            if let (Some(before), Some(after)) =
                (before.disk_written_bytes, after.disk_written_bytes)
            {
                let kib = after.saturating_sub(before) as f64 / 1024.0 / ops as f64;
                self.info(format!("server disk writes per {op}"), kib, "KiB");
            }
        }
        self.info("server RSS after", after.rss_kib as f64 / 1024.0, "MiB");
        self.info("server peak RSS", after.hwm_kib as f64 / 1024.0, "MiB");
        cpu_per_op
    }

    /// The load generator's own CPU per operation: it shares the machine with the server.
    /// Returns it, in µs.
    fn client_cost(
        &mut self,
        before: Option<ProcStats>,
        after: Option<ProcStats>,
        ops: u64,
        op: &str,
    ) -> Option<f64> {
        let (Some(before), Some(after)) = (before, after) else {
            return None;
        };
        let cpu_us = (after.cpu_secs - before.cpu_secs) * 1e6 / ops.max(1) as f64;
        self.info(format!("bench (client) CPU per {op}"), cpu_us, "µs");
        let kernel_us = (after.kernel_cpu_secs - before.kernel_cpu_secs) * 1e6 / ops.max(1) as f64;
        self.info("… of it in the kernel", kernel_us, "µs");
        Some(cpu_us)
    }

    /// The server's and the load generator's CPU per operation ([`Self::server_cost`],
    /// [`Self::client_cost`]), each as `[before, after]`, and the [`Self::cpu_ceiling`] they
    /// make, in operations per second as `rate_unit` names them.
    pub fn shared_machine_cost(
        &mut self,
        server: [Option<ProcStats>; 2],
        bench: [Option<ProcStats>; 2],
        ops: u64,
        op: &str,
        rate_unit: &'static str,
    ) {
        let server_us = self.server_cost(server[0], server[1], ops, op);
        let bench_us = self.client_cost(bench[0], bench[1], ops, op);
        if let (Some(server_us), Some(bench_us)) = (server_us, bench_us) {
            self.cpu_ceiling(server_us, bench_us, rate_unit);
        }
    }

    /// The rate at which the server and the load generator together would use every core of
    /// this machine, at the CPU per operation each spent in the run: no figure of a workload
    /// whose two processes share these cores can pass it, however the work is scheduled.
    fn cpu_ceiling(&mut self, server_us: f64, bench_us: f64, unit: &'static str) {
        let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
        self.info(
            format!("ceiling: {cores} cores ÷ (server + bench CPU)"),
            cores as f64 * 1e6 / (server_us + bench_us),
            unit,
        );
    }

    /// Each row's median over several runs of the same workload (rows match by position).
    pub fn median(runs: &[Report]) -> Option<Report> {
        let first = runs.first()?;
        let mut median = first.clone();
        median.parameters = format!("{} (median of {} runs)", first.parameters, runs.len());
        for (index, row) in median.rows.iter_mut().enumerate() {
            let same: Vec<&Row> = runs
                .iter()
                .filter_map(|run| run.rows.get(index))
                .filter(|other| other.figure == row.figure)
                .collect();
            row.value = median_of(same.iter().map(|other| other.value));
            if row.ratio.is_some() {
                row.ratio = Some(median_of(same.iter().filter_map(|other| other.ratio)));
            }
        }
        Some(median)
    }
}

fn median_of(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// A quantile of a microsecond histogram, in milliseconds.
pub fn quantile_ms(histogram: &Histogram<u64>, quantile: f64) -> f64 {
    if histogram.is_empty() {
        return f64::NAN;
    }
    histogram.value_at_quantile(quantile) as f64 / 1000.0
}

/// A histogram of microseconds, up to one hour.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

fn number(value: f64) -> String {
    if !value.is_finite() {
        "n/a".into()
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else if value.abs() >= 1.0 || value == 0.0 {
        format!("{value:.2}")
    } else if value.abs() >= 0.01 {
        format!("{value:.3}")
    } else {
        format!("{value:.2e}")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "\n{}: {}", self.workload, self.parameters)?;
        let width = self
            .rows
            .iter()
            .map(|row| row.figure.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "  {:width$}  {:>14}  {:>14}  {:6}  × machine limit",
            "figure", "value", "target", "result"
        )?;
        for row in &self.rows {
            let value = format!("{} {}", number(row.value), row.unit);
            let target = match row.target {
                Some(Target::AtLeast(bound)) => format!(">= {} {}", number(bound), row.unit),
                Some(Target::AtMost(bound)) => format!("<= {} {}", number(bound), row.unit),
                Some(Target::RatioAtLeast(bound)) => format!(">= {} ×", number(bound)),
                None => String::new(),
            };
            let result = match row.met() {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            let ratio = match (row.ratio, row.per) {
                (Some(ratio), Some(limit)) => format!("{} × {}", number(ratio), limit.name()),
                _ => String::new(),
            };
            writeln!(
                f,
                "  {:width$}  {value:>14}  {target:>14}  {result:6}  {ratio}",
                row.figure
            )?;
        }
        Ok(())
    }
}
