//! Users, their devices' tokens, and app settings.

use natter_core::{Error, Result, Uid};
use rusqlite::{Connection, OptionalExtension};
use subtle::ConstantTimeEq;

use super::pool::db_error;
use crate::{Device, TokenHash};

pub(crate) fn set_device_token(
    conn: &Connection,
    device: &Device,
    token_hash: &TokenHash,
    now_ms: i64,
) -> Result<()> {
    let holder: Option<(String, u8)> = conn
        .prepare_cached("SELECT uid, device_flag FROM devices WHERE token_hash = ?1")
        .and_then(|mut statement| {
            statement
                .query_row([token_hash.as_slice()], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()
        })
        .map_err(db_error)?;
    if let Some((uid, flag)) = holder
        && (uid != device.uid.as_str() || flag != device.device_flag)
    {
        return Err(Error::conflict(
            "token: this token is already in use by another device; choose another",
        ));
    }
    conn.prepare_cached("INSERT OR IGNORE INTO users (uid, created_ms) VALUES (?1, ?2)")
        .and_then(|mut statement| statement.execute((device.uid.as_str(), now_ms)))
        .map_err(db_error)?;
    conn.prepare_cached(
        "INSERT INTO devices (uid, device_flag, device_level, token_lookup, token_hash, updated_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (uid, device_flag) DO UPDATE SET device_level = excluded.device_level, \
         token_lookup = excluded.token_lookup, token_hash = excluded.token_hash, \
         updated_ms = excluded.updated_ms",
    )
    .and_then(|mut statement| {
        statement.execute((
            device.uid.as_str(),
            device.device_flag,
            device.device_level,
            &token_hash[..8],
            token_hash.as_slice(),
            now_ms,
        ))
    })
    .map_err(db_error)?;
    Ok(())
}

/// Finds the device by the first bytes of the hash, then compares the whole hash in constant
/// time, so response timing tells nothing about how much of a guessed token was right.
pub(crate) fn device_by_token(conn: &Connection, token_hash: &TokenHash) -> Result<Option<Device>> {
    let candidates: Vec<(Vec<u8>, String, u8, u8)> = conn
        .prepare_cached(
            "SELECT token_hash, uid, device_flag, device_level FROM devices WHERE token_lookup = ?1",
        )
        .and_then(|mut statement| {
            statement
                .query_map([&token_hash[..8]], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect()
        })
        .map_err(db_error)?;
    for (stored, uid, device_flag, device_level) in candidates {
        if bool::from(stored.as_slice().ct_eq(token_hash.as_slice())) {
            return Ok(Some(Device {
                uid: Uid::parse(&uid, "uid")?,
                device_flag,
                device_level,
            }));
        }
    }
    Ok(None)
}

pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut statement| statement.query_row([key], |row| row.get(0)).optional())
        .map_err(db_error)
}

pub(crate) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .and_then(|mut statement| statement.execute((key, value)))
    .map_err(db_error)?;
    Ok(())
}
