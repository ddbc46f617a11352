//! Users and their devices' tokens.

use natter_core::{Device, Uid};
use subtle::ConstantTimeEq;

use crate::db::params;
use crate::{Db, Result, StoreError, TokenHash};

/// Creates the user if new and sets the token of one of its devices. Returns whether the
/// device had another token before, which stops working now.
pub fn set_device_token(
    db: &dyn Db,
    device: &Device,
    token_hash: &TokenHash,
    now_ms: i64,
) -> Result<bool> {
    let holder = db.query_opt(
        "SELECT uid, device_flag FROM devices WHERE token_hash = $1",
        params![token_hash.as_slice()],
    )?;
    if let Some(row) = holder
        && (row.get::<String>(0)? != device.uid.as_str() || row.get::<u8>(1)? != device.device_flag)
    {
        return Err(StoreError::TokenTaken);
    }
    let replaced = db.exists(
        "SELECT 1 FROM devices WHERE uid = $1 AND device_flag = $2 AND token_hash != $3",
        params![
            device.uid.as_str(),
            device.device_flag,
            token_hash.as_slice()
        ],
    )?;
    register(db, std::slice::from_ref(&device.uid), now_ms)?;
    db.execute(
        "INSERT INTO devices (uid, device_flag, device_level, token_lookup, token_hash, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (uid, device_flag) DO UPDATE SET device_level = excluded.device_level, \
         token_lookup = excluded.token_lookup, token_hash = excluded.token_hash, \
         updated_ms = excluded.updated_ms",
        params![
            device.uid.as_str(),
            device.device_flag,
            device.device_level,
            &token_hash[..8],
            token_hash.as_slice(),
            now_ms,
        ],
    )?;
    Ok(replaced)
}

/// Creates the users who do not exist yet, without a device: others can then message them and
/// add them to groups, and a token issued later lets them in. Those who exist are unchanged.
pub fn register(db: &dyn Db, uids: &[Uid], now_ms: i64) -> Result<()> {
    for uid in uids {
        db.execute(
            "INSERT INTO users (uid, created_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            params![uid.as_str(), now_ms],
        )?;
    }
    Ok(())
}

/// Finds the device by the first bytes of the hash, then compares the whole hash in constant
/// time, so response timing tells nothing about how much of a guessed token was right.
pub fn device_by_token(db: &dyn Db, token_hash: &TokenHash) -> Result<Option<Device>> {
    let candidates = db.query(
        "SELECT token_hash, uid, device_flag, device_level FROM devices WHERE token_lookup = $1",
        params![&token_hash[..8]],
    )?;
    for row in candidates {
        let stored: Vec<u8> = row.get(0)?;
        if bool::from(stored.as_slice().ct_eq(token_hash.as_slice())) {
            return Ok(Some(Device {
                uid: Uid::parse(&row.get::<String>(1)?, "uid")?,
                device_flag: row.get(2)?,
                device_level: row.get(3)?,
            }));
        }
    }
    Ok(None)
}

/// Signs devices out: their tokens stop working. `device_flag` `None` means every device of
/// the user. The user and their conversations stay.
pub fn remove_device_tokens(db: &dyn Db, uid: &Uid, device_flag: Option<u8>) -> Result<()> {
    match device_flag {
        Some(flag) => db.execute(
            "DELETE FROM devices WHERE uid = $1 AND device_flag = $2",
            params![uid.as_str(), flag],
        )?,
        None => db.execute("DELETE FROM devices WHERE uid = $1", params![uid.as_str()])?,
    };
    Ok(())
}
