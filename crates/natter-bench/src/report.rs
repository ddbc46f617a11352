//! What a workload prints: a short table of figures, each with its target and whether it was
//! met.

use std::fmt;

use hdrhistogram::Histogram;

use crate::server::ProcStats;

/// A target a figure is held to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
}

#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub value: f64,
    pub unit: &'static str,
    pub target: Option<Target>,
}

impl Row {
    pub fn met(&self) -> Option<bool> {
        self.target.map(|target| match target {
            Target::AtLeast(bound) => self.value >= bound,
            Target::AtMost(bound) => self.value <= bound,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub workload: &'static str,
    pub parameters: String,
    pub rows: Vec<Row>,
}

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
        });
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

    /// The server's CPU time per operation and its memory after the workload.
    pub fn server_cost(
        &mut self,
        before: Option<ProcStats>,
        after: Option<ProcStats>,
        ops: u64,
        op: &str,
    ) {
        let (Some(before), Some(after)) = (before, after) else {
            return;
        };
        if ops > 0 {
            let cpu_us = (after.cpu_secs - before.cpu_secs) * 1e6 / ops as f64;
            self.info(format!("server CPU per {op}"), cpu_us, "µs");
        }
        self.info("server RSS after", after.rss_kib as f64 / 1024.0, "MiB");
        self.info("server peak RSS", after.hwm_kib as f64 / 1024.0, "MiB");
    }

    /// Each row's median over several runs of the same workload (rows match by position).
    pub fn median(runs: &[Report]) -> Option<Report> {
        let first = runs.first()?;
        let mut median = first.clone();
        median.parameters = format!("{} (median of {} runs)", first.parameters, runs.len());
        for (index, row) in median.rows.iter_mut().enumerate() {
            let mut values: Vec<f64> = runs
                .iter()
                .filter_map(|run| run.rows.get(index))
                .filter(|other| other.figure == row.figure)
                .map(|other| other.value)
                .collect();
            values.sort_by(f64::total_cmp);
            row.value = values[values.len() / 2];
        }
        Some(median)
    }
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
    } else {
        format!("{value:.2}")
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
            "  {:width$}  {:>14}  {:>14}  result",
            "figure", "value", "target"
        )?;
        for row in &self.rows {
            let value = format!("{} {}", number(row.value), row.unit);
            let target = match row.target {
                Some(Target::AtLeast(bound)) => format!(">= {} {}", number(bound), row.unit),
                Some(Target::AtMost(bound)) => format!("<= {} {}", number(bound), row.unit),
                None => String::new(),
            };
            let result = match row.met() {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            writeln!(
                f,
                "  {:width$}  {value:>14}  {target:>14}  {result}",
                row.figure
            )?;
        }
        Ok(())
    }
}
