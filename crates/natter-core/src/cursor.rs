//! Positions in a paged list, handed to clients as opaque text.

/// Position in the list, which is ordered pinned first, then newest activity, then channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub pinned: bool,
    pub activity_ms: i64,
    pub channel_id: i64,
}

impl ListCursor {
    /// An opaque text form for clients.
    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            u8::from(self.pinned),
            self.activity_ms,
            self.channel_id
        )
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let pinned = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let activity_ms = parts.next()?.parse().ok()?;
        let channel_id = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Self {
            pinned,
            activity_ms,
            channel_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let cursor = ListCursor {
            pinned: true,
            activity_ms: 1_763_700_000_000,
            channel_id: 42,
        };
        assert_eq!(ListCursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "x", "2.1.1", "1.1", "1.1.1.1", "1.a.1"] {
            assert_eq!(ListCursor::decode(bad), None, "{bad:?}");
        }
    }
}
