//! Cuts a history that shows an anomaly down to a small one that still shows it: first to the
//! entries about the anomaly's subject, then by delta debugging (removing ever smaller chunks
//! while the anomaly stays), within a budget of checker runs.

use crate::checker::{Anomaly, check};
use crate::history::{Event, History};

/// Whether `history` still shows an anomaly of the same kind about the same subject.
fn still_shows(history: &History, anomaly: &Anomaly) -> bool {
    check(history)
        .anomalies
        .iter()
        .any(|found| found.kind == anomaly.kind && found.subject == anomaly.subject)
}

/// The smallest history found that shows `anomaly`, running the checker at most `budget` times.
pub fn shrink(history: &History, anomaly: &Anomaly, budget: usize) -> History {
    let mut runs = 0;
    let mut best = history.clone();
    // Keep the evidence and the final views and counts; drop everything else at once if that works.
    let focused = History {
        setup: history.setup.clone(),
        entries: history
            .entries
            .iter()
            .enumerate()
            .filter(|(index, entry)| {
                anomaly.evidence.contains(index)
                    || matches!(
                        entry.event,
                        Event::Server { .. } | Event::Stored { .. } | Event::Outbox { .. }
                    )
                    || mentions(&entry.event, &anomaly.subject)
            })
            .map(|(_, entry)| entry.clone())
            .collect(),
    };
    runs += 1;
    if still_shows(&focused, anomaly) {
        best = focused;
    }
    // Delta debugging over the remaining entries.
    let mut chunk = best.entries.len().div_ceil(2).max(1);
    while chunk >= 1 && runs < budget {
        let mut start = 0;
        let mut removed_any = false;
        while start < best.entries.len() && runs < budget {
            let end = (start + chunk).min(best.entries.len());
            let mut candidate = best.clone();
            candidate.entries.drain(start..end);
            runs += 1;
            if still_shows(&candidate, anomaly) {
                best = candidate;
                removed_any = true;
            } else {
                start = end;
            }
        }
        if chunk == 1 && !removed_any {
            break;
        }
        chunk = (chunk / 2).max(1);
        if !removed_any && chunk == 1 && best.entries.len() > budget {
            break;
        }
    }
    best
}

/// Whether an entry names something the subject names (a device, a user, a channel).
fn mentions(event: &Event, subject: &str) -> bool {
    let text = serde_json::to_string(event).unwrap_or_default();
    subject
        .split_whitespace()
        .filter(|word| {
            word.len() > 2 && *word != "session" && *word != "messages" && *word != "total"
        })
        .any(|word| text.contains(word))
}
