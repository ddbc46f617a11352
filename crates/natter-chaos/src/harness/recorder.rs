//! Appends entries to the history, stamped on one monotonic clock under one lock, so the
//! history's order is the order things were observed in.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use natter_chaos::history::{Entry, Event, History, Setup};

#[derive(Clone)]
pub struct Recorder {
    started: Instant,
    entries: Arc<Mutex<Vec<Entry>>>,
}

impl Recorder {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            entries: Arc::default(),
        }
    }

    /// Milliseconds since the run started.
    pub fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn record(&self, event: Event) {
        let mut entries = self.entries.lock().expect("history lock");
        let at = self.now();
        entries.push(Entry { at, event });
    }

    pub fn history(&self, setup: Setup) -> History {
        History {
            setup,
            entries: self.entries.lock().expect("history lock").clone(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().expect("history lock").len()
    }
}
