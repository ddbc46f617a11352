//! What the gateway counts, rendered after the API's series at `GET /metrics`. Plain atomics,
//! as the service's and the API's are.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// The transport a connection came over: the label of every per-gateway series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp = 0,
    Ws = 1,
}

impl Transport {
    const ALL: [Self; 2] = [Self::Tcp, Self::Ws];

    fn label(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Ws => "ws",
        }
    }
}

#[derive(Debug, Default)]
pub struct GatewayMetrics {
    /// Open connections (authenticated or not yet), per transport.
    connections: [AtomicI64; 2],
    /// Frames read from clients, per transport.
    frames_in: [AtomicU64; 2],
    /// Frames written to clients, per transport.
    frames_out: [AtomicU64; 2],
    /// RECVs sent again to a device's next connection, after the last one left them
    /// unacknowledged.
    recv_resent: AtomicU64,
}

impl GatewayMetrics {
    pub fn opened(&self, transport: Transport) {
        self.connections[transport as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn closed(&self, transport: Transport) {
        self.connections[transport as usize].fetch_sub(1, Ordering::Relaxed);
    }

    pub fn frame_in(&self, transport: Transport) {
        self.frames_in[transport as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn frame_out(&self, transport: Transport) {
        self.frames_out[transport as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn resent(&self) {
        self.recv_resent.fetch_add(1, Ordering::Relaxed);
    }

    /// Open connections over one transport.
    pub fn connections(&self, transport: Transport) -> i64 {
        self.connections[transport as usize].load(Ordering::Relaxed)
    }

    /// Frames read and written, over both transports.
    pub fn frames(&self) -> (u64, u64) {
        let total = |counts: &[AtomicU64; 2]| {
            counts
                .iter()
                .map(|count| count.load(Ordering::Relaxed))
                .sum()
        };
        (total(&self.frames_in), total(&self.frames_out))
    }

    /// Appends the Prometheus text exposition of these series to `text`, with the retry
    /// queue's size and what it dropped.
    pub fn render_into(&self, text: &mut String, parked: usize, dropped: u64) {
        let series = [
            (
                "natter_wukongim_connections",
                "gauge",
                "Open connections of WuKongIM's protocol, by transport.",
                &self.connections.each_as_i64(),
            ),
            (
                "natter_wukongim_frames_received_total",
                "counter",
                "Frames read from WuKongIM clients, by transport.",
                &self.frames_in.each_as_i64(),
            ),
            (
                "natter_wukongim_frames_sent_total",
                "counter",
                "Frames written to WuKongIM clients, by transport.",
                &self.frames_out.each_as_i64(),
            ),
        ];
        for (name, kind, help, values) in series {
            let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (transport, value) in Transport::ALL.iter().zip(values) {
                let _ = writeln!(
                    text,
                    "{name}{{transport=\"{}\"}} {value}",
                    transport.label()
                );
            }
        }
        let _ = writeln!(
            text,
            "# HELP natter_wukongim_recv_resent_total RECVs sent again to a device's next \
             connection after the last one left them unacknowledged.\n\
             # TYPE natter_wukongim_recv_resent_total counter\n\
             natter_wukongim_recv_resent_total {}\n\
             # HELP natter_wukongim_recv_parked Unacknowledged RECVs waiting for their device \
             to reconnect.\n\
             # TYPE natter_wukongim_recv_parked gauge\n\
             natter_wukongim_recv_parked {parked}\n\
             # HELP natter_wukongim_recv_parked_dropped_total Unacknowledged RECVs dropped \
             unsent (over the bounds, or their device did not come back in time).\n\
             # TYPE natter_wukongim_recv_parked_dropped_total counter\n\
             natter_wukongim_recv_parked_dropped_total {dropped}",
            self.recv_resent.load(Ordering::Relaxed),
        );
    }
}

/// Reads a per-transport array of counters.
trait EachAsI64 {
    fn each_as_i64(&self) -> [i64; 2];
}

impl EachAsI64 for [AtomicI64; 2] {
    fn each_as_i64(&self) -> [i64; 2] {
        [
            self[0].load(Ordering::Relaxed),
            self[1].load(Ordering::Relaxed),
        ]
    }
}

impl EachAsI64 for [AtomicU64; 2] {
    fn each_as_i64(&self) -> [i64; 2] {
        [
            self[0].load(Ordering::Relaxed) as i64,
            self[1].load(Ordering::Relaxed) as i64,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_transport() {
        let metrics = GatewayMetrics::default();
        metrics.opened(Transport::Ws);
        metrics.frame_in(Transport::Tcp);
        metrics.frame_out(Transport::Ws);
        metrics.frame_out(Transport::Ws);
        let mut text = String::new();
        metrics.render_into(&mut text, 3, 1);
        for line in [
            "natter_wukongim_connections{transport=\"ws\"} 1",
            "natter_wukongim_connections{transport=\"tcp\"} 0",
            "natter_wukongim_frames_received_total{transport=\"tcp\"} 1",
            "natter_wukongim_frames_sent_total{transport=\"ws\"} 2",
            "natter_wukongim_recv_parked 3",
            "natter_wukongim_recv_parked_dropped_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
    }
}
