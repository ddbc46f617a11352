//! Each user's option for all their messages (Tencent's `setAllReceiveMessageOpt`): whether
//! they are told of them, in a window once or every day. The webhook outbox reads it to leave
//! users in their quiet hours out of `msg.offline`.

use std::collections::HashSet;

use natter_core::Uid;
use natter_core::quiet_hours::QuietHours;
use natter_core::rules::RemindType;

use crate::db::{Value, params};
use crate::{Db, Result};

/// A user's option: how they are told of messages in `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveOption {
    pub remind: RemindType,
    pub window: QuietHours,
}

impl Default for ReceiveOption {
    /// Told of every message, always: a user who never chose.
    fn default() -> Self {
        Self {
            remind: RemindType::AcceptAndNotify,
            window: QuietHours {
                start_s: 0,
                end_s: 0,
                repeated: false,
            },
        }
    }
}

/// Sets the user's option.
pub fn set(db: &dyn Db, uid: &Uid, option: &ReceiveOption) -> Result<()> {
    let window = option.window;
    db.execute(
        "INSERT INTO receive_options (uid, remind, start_s, end_s, repeated) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uid) DO UPDATE SET remind = excluded.remind, \
         start_s = excluded.start_s, end_s = excluded.end_s, repeated = excluded.repeated",
        params![
            uid.as_str(),
            option.remind.code(),
            window.start_s,
            window.end_s,
            window.repeated
        ],
    )?;
    Ok(())
}

/// The user's option, or the default.
pub fn get(db: &dyn Db, uid: &Uid) -> Result<ReceiveOption> {
    let row = db.query_opt(
        "SELECT remind, start_s, end_s, repeated FROM receive_options WHERE uid = $1",
        params![uid.as_str()],
    )?;
    let Some(row) = row else {
        return Ok(ReceiveOption::default());
    };
    Ok(ReceiveOption {
        remind: RemindType::from_code(row.get(0)?),
        window: QuietHours {
            start_s: row.get(1)?,
            end_s: row.get(2)?,
            repeated: row.get(3)?,
        },
    })
}

/// Those of `uids` in quiet hours at `now_s`: not to be pushed to.
pub fn quiet_among(db: &dyn Db, uids: &[Uid], now_s: i64) -> Result<HashSet<Uid>> {
    if uids.is_empty() {
        return Ok(HashSet::new());
    }
    let placeholders: Vec<String> = (1..=uids.len()).map(|n| format!("${n}")).collect();
    let values: Vec<Value<'_>> = uids.iter().map(|uid| Value::from(uid.as_str())).collect();
    let rows = db.query(
        &format!(
            "SELECT uid, remind, start_s, end_s, repeated FROM receive_options \
             WHERE uid IN ({})",
            placeholders.join(", ")
        ),
        &values,
    )?;
    let mut quiet = HashSet::new();
    for row in rows {
        let window = QuietHours {
            start_s: row.get(2)?,
            end_s: row.get(3)?,
            repeated: row.get(4)?,
        };
        let remind = RemindType::from_code(row.get(1)?);
        if remind != RemindType::AcceptAndNotify && window.covers(now_s) {
            quiet.insert(Uid::parse(&row.get::<String>(0)?, "uid")?);
        }
    }
    Ok(quiet)
}
