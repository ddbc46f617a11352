//! `wire::encode_text` (sonic-rs) against `serde_json::to_string` on the two events a server
//! encodes most, run alternately in short blocks in one process.
//!
//! Criterion (`benches/core.rs`) times each encoder in a stretch of its own, and on a shared
//! machine the machine's speed moves between the stretches by more than the encoders differ.
//! Alternating blocks of 20,000 encodes, 60 of each, lets both see the same machine; the
//! medians and minima of the blocks are compared.
//!
//! `cargo bench -p natter-core --bench encoders`

use std::hint::black_box;
use std::time::Instant;

use natter_core::wire::{self, ServerEvent};

mod fixtures;
use fixtures::events;

const ENCODES_PER_BLOCK: u32 = 20_000;
const BLOCKS: usize = 60;

#[derive(Clone, Copy)]
enum Encoder {
    Wire,
    SerdeJson,
}

/// Nanoseconds per encode over one block.
fn block(event: &ServerEvent, encoder: Encoder) -> f64 {
    let started = Instant::now();
    for _ in 0..ENCODES_PER_BLOCK {
        let text = match encoder {
            Encoder::Wire => wire::encode_text(black_box(event)).expect("encodes"),
            Encoder::SerdeJson => serde_json::to_string(black_box(event)).expect("encodes"),
        };
        black_box(text);
    }
    started.elapsed().as_nanos() as f64 / f64::from(ENCODES_PER_BLOCK)
}

fn main() {
    for (name, event) in &events() {
        let (mut wire_times, mut serde_times) = (Vec::new(), Vec::new());
        for round in 0..BLOCKS {
            // Each goes first in every other round.
            let order = if round % 2 == 0 {
                [Encoder::Wire, Encoder::SerdeJson]
            } else {
                [Encoder::SerdeJson, Encoder::Wire]
            };
            for encoder in order {
                let time = block(event, encoder);
                match encoder {
                    Encoder::Wire => wire_times.push(time),
                    Encoder::SerdeJson => serde_times.push(time),
                }
            }
        }
        wire_times.sort_by(f64::total_cmp);
        serde_times.sort_by(f64::total_cmp);
        let (wire_median, serde_median) = (wire_times[BLOCKS / 2], serde_times[BLOCKS / 2]);
        println!(
            "{name}: wire::encode_text median {wire_median:.0} ns (min {:.0}), \
             serde_json::to_string median {serde_median:.0} ns (min {:.0}): \
             {:.2} × (medians), {:.2} × (minima)",
            wire_times[0],
            serde_times[0],
            wire_median / serde_median,
            wire_times[0] / serde_times[0],
        );
    }
}
