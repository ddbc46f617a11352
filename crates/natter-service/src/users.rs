//! Users and their device tokens.

use std::sync::Arc;

use natter_core::Device;
use natter_core::ids::WUKONGIM_SYSTEM_UID;
use natter_core::limits::{MAX_TOKEN_LEN, MIN_TOKEN_LEN};
use natter_core::wire::{ConnectionRequest, DeviceQuitRequest, UserTokenRequest};
use natter_core::{Error, Result, Uid};
use natter_store::{Db, StoreError, TokenHash, users};
use sha2::{Digest, Sha256};

use crate::{EndReason, Natter, Origin, errors, now_ms};

/// Tokens are stored as their SHA-256: a leaked database gives no usable tokens. A fast hash is
/// enough because device tokens are long random strings issued by the app backend.
pub(crate) fn hash_token(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

impl Natter {
    /// `POST /user/token`: creates the user if new and sets the token of one of its devices,
    /// replacing that device's previous token.
    pub async fn set_user_token(&self, request: UserTokenRequest) -> Result<()> {
        let uid = Uid::parse(&request.uid, "uid")?;
        if uid.as_str() == WUKONGIM_SYSTEM_UID {
            return Err(Error::invalid_argument(format!(
                "uid: {WUKONGIM_SYSTEM_UID} is WuKongIM's system account, which gets no token; \
                 send as the app with an empty from_uid instead"
            )));
        }
        let length = request.token.chars().count();
        if !(MIN_TOKEN_LEN..=MAX_TOKEN_LEN).contains(&length) {
            return Err(Error::invalid_argument(format!(
                "token: must be {MIN_TOKEN_LEN} to {MAX_TOKEN_LEN} characters, got {length}"
            )));
        }
        if request
            .token
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid_argument(
                "token: must not contain spaces or control characters (it travels in a header)",
            ));
        }
        if self.is_manager_token(&request.token) {
            return Err(Error::conflict(
                "token: this token is already in use; choose another",
            ));
        }
        if request.device_flag > 2 {
            return Err(Error::invalid_argument(format!(
                "device_flag: {} is not a device; use 0 (app), 1 (web) or 2 (pc)",
                request.device_flag
            )));
        }
        if request.device_level > 1 {
            return Err(Error::invalid_argument(format!(
                "device_level: {} is not a level; use 0 (slave) or 1 (master)",
                request.device_level
            )));
        }
        let device = Device {
            uid,
            device_flag: request.device_flag,
            device_level: request.device_level,
        };
        let (token_hash, now_ms) = (hash_token(&request.token), now_ms());
        let stored = device.clone();
        let replaced = self
            .write(move |db| users::set_device_token(db, &stored, &token_hash, now_ms))
            .await?;
        // Its level may have changed, and an old token stops working now.
        self.tokens.forget(&device.uid, Some(device.device_flag));
        if replaced {
            // The old token stops working now; so do the connections it opened, except, for a
            // slave device, WuKongIM's binary connections: WuKongIM kicks them only when a
            // master's token changes.
            let reason = if device.device_level == 1 {
                EndReason::TokenRevoked
            } else {
                EndReason::TokenRefreshed
            };
            let device_connections = Origin::Device(device.device_flag);
            self.events.end(&device.uid, device_connections, reason);
        }
        Ok(())
    }

    /// `POST /user/device_quit`: signs a device (or, with `device_flag` -1, every device) of
    /// the user out. Its token stops working and its connections end with the reason
    /// "kicked" (WuKongIM's DISCONNECT reason 12, close code 4004 on the JSON WebSocket), so
    /// its client does not reconnect. Answers as WuKongIM: done, also when there was no such
    /// device.
    pub async fn quit_device(&self, request: DeviceQuitRequest) -> Result<()> {
        let uid = Uid::parse(&request.uid, "uid")?;
        let device_flag = match request.device_flag {
            -1 => None,
            flag @ 0..=2 => Some(flag as u8),
            other => {
                return Err(Error::invalid_argument(format!(
                    "device_flag: {other} is not a device; use 0 (app), 1 (web), 2 (pc) or -1 \
                     (all)"
                )));
            }
        };
        let signed_out = uid.clone();
        self.write(move |db| users::remove_device_tokens(db, &signed_out, device_flag))
            .await?;
        self.tokens.forget(&uid, device_flag);
        let flags = match device_flag {
            Some(flag) => vec![flag],
            None => vec![0, 1, 2],
        };
        for flag in flags {
            self.events
                .end(&uid, Origin::Device(flag), EndReason::Kicked);
        }
        Ok(())
    }

    /// `POST /conn/kick` ([`EndReason::Kicked`]) and `POST /conn/remove`
    /// ([`EndReason::Removed`]): ends one connection of the user, on whichever node holds it.
    /// Unlike `device_quit`, the device's token still works. Done also when no such connection
    /// is open, as WuKongIM answers.
    pub fn end_connection(&self, request: &ConnectionRequest, reason: EndReason) -> Result<()> {
        let uid = Uid::parse(&request.uid, "uid")?;
        if request.conn_id == 0 {
            return Err(Error::invalid_argument(
                "conn_id: give the connection's ID, as the user.onlinestatus webhook reports it",
            ));
        }
        self.events
            .end(&uid, Origin::Connection(request.conn_id), reason);
        Ok(())
    }
}

/// Users on WuKongIM's paths.
///
/// WuKongIM has no user-existence check: its app backends message uids that were never issued
/// a token, and make them group members, and its SDKs message them. On WuKongIM's paths (its
/// server API routes and the binary protocol; not the client API, where a user exists once a
/// token was issued) Natter registers such a uid ([`users::register`]), so that those calls
/// work as they do for known users. The uid is still checked (a malformed one is refused).
impl Natter {
    /// Runs `work` in a write, as [`Natter::write`]; if it finds one of `uids` unknown, does it
    /// again in one transaction with their registration. A call naming known users only costs
    /// nothing more.
    pub(crate) async fn write_registering<T: Send + 'static>(
        &self,
        uids: Vec<Uid>,
        work: impl Fn(&dyn Db) -> natter_store::Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        let work = Arc::new(work);
        let first = {
            let work = work.clone();
            self.store.write(move |db| work(db)).await
        };
        if !names_unknown(&first, &uids) {
            return first.map_err(errors::describe);
        }
        let now_ms = now_ms();
        self.store
            .write(move |db| {
                users::register(db, &uids, now_ms)?;
                work(db)
            })
            .await
            .map_err(errors::describe)
    }

    /// As [`Natter::write_registering`], for work that only reads (who gets a message that is
    /// not kept): the registration is a write of its own, then `work` reads again.
    pub(crate) async fn read_registering<T: Send + 'static>(
        &self,
        uids: Vec<Uid>,
        work: impl Fn(&dyn Db) -> natter_store::Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        let work = Arc::new(work);
        let first = {
            let work = work.clone();
            self.store.read(move |db| work(db)).await
        };
        if !names_unknown(&first, &uids) {
            return first.map_err(errors::describe);
        }
        let now_ms = now_ms();
        self.write(move |db| users::register(db, &uids, now_ms))
            .await?;
        self.read(move |db| work(db)).await
    }
}

/// Whether the store refused the work for naming one of `uids`, a user it does not know yet.
fn names_unknown<T>(outcome: &natter_store::Result<T>, uids: &[Uid]) -> bool {
    matches!(outcome, Err(StoreError::UnknownUser { uid, .. }) if uids.contains(uid))
}
