//! WuKongIM's system accounts, set by the app backend (`/user/systemuids_*`). What a system
//! account may do is decided in the store's send path (`natter_store::system_accounts`).

use natter_core::limits::MAX_UIDS_PER_CALL;
use natter_core::{Error, Result, Uid};
use natter_store::system_accounts;

use crate::{Natter, now_ms};

impl Natter {
    /// `POST /user/systemuids_add`: these uids become system accounts.
    pub async fn add_system_accounts(&self, uids: &[String]) -> Result<()> {
        let uids = system_uids(uids)?;
        let now_ms = now_ms();
        self.write(move |db| system_accounts::add(db, &uids, now_ms))
            .await
    }

    /// `POST /user/systemuids_remove`: these uids are system accounts no more.
    pub async fn remove_system_accounts(&self, uids: &[String]) -> Result<()> {
        let uids = system_uids(uids)?;
        self.write(move |db| system_accounts::remove(db, &uids))
            .await
    }

    /// `GET /user/systemuids`: every system account, in uid order.
    pub async fn system_accounts(&self) -> Result<Vec<String>> {
        self.read(system_accounts::list).await
    }
}

/// The uids of a call: at most [`MAX_UIDS_PER_CALL`], each well formed. None is a change to
/// nothing, as WuKongIM takes it.
fn system_uids(uids: &[String]) -> Result<Vec<Uid>> {
    if uids.len() > MAX_UIDS_PER_CALL {
        return Err(Error::invalid_argument(format!(
            "uids: give at most {MAX_UIDS_PER_CALL} uids, got {}",
            uids.len()
        )));
    }
    uids.iter().map(|uid| Uid::parse(uid, "uids")).collect()
}
