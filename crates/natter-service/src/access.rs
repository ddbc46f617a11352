//! Who is calling, and what they may do. Every "may this token do this?" is answered here.

use natter_core::Device;
use natter_core::{Error, Result, Uid};
use natter_store::users;

use crate::events::Origin;
use subtle::ConstantTimeEq;

use crate::Natter;
use crate::users::hash_token;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub enum Principal {
    /// The app backend, holding the manager token: may call everything.
    Manager,
    /// One device of one user.
    User(Device),
}

/// Who a change is made by, as written to the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user whose conversations are acted on.
    pub uid: Uid,
    /// The acting uid, or `manager`.
    pub name: String,
    /// The device or connection that acts, when one does: events it causes skip it.
    pub origin: Option<Origin>,
}

impl Actor {
    /// A device acting on its own user's conversations, from the connection it named if any.
    pub fn device(device: &Device, connection: Option<u64>) -> Self {
        Self {
            uid: device.uid.clone(),
            name: device.uid.to_string(),
            origin: Some(match connection {
                Some(id) => Origin::Connection(id),
                None => Origin::Device(device.device_flag),
            }),
        }
    }
}

impl Principal {
    /// Acting on `uid`'s conversations: the manager may act for anyone, a user only for
    /// themself.
    pub fn act_for(&self, uid: &Uid) -> Result<Actor> {
        match self {
            Principal::Manager => Ok(Actor {
                uid: uid.clone(),
                name: "manager".into(),
                origin: None,
            }),
            Principal::User(device) if &device.uid == uid => Ok(Actor::device(device, None)),
            Principal::User(device) => Err(Error::permission_denied(format!(
                "uid: the token of {} may not act on {uid}'s conversations",
                device.uid
            ))),
        }
    }

    /// Server API endpoints other than the conversation ones need the manager token.
    pub fn require_manager(&self) -> Result<()> {
        match self {
            Principal::Manager => Ok(()),
            Principal::User(_) => Err(Error::permission_denied(
                "this endpoint needs the manager token; a user token may only call the \
                 conversation endpoints for its own uid",
            )),
        }
    }

    /// The rate-limiting key: users are limited, the manager is not.
    pub fn limited_uid(&self) -> Option<&Uid> {
        match self {
            Principal::Manager => None,
            Principal::User(device) => Some(&device.uid),
        }
    }
}

impl Natter {
    /// Identifies a token: the manager's (compared in constant time) or a device's.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        if token.is_empty() {
            return Err(Error::unauthenticated("the token is empty"));
        }
        if self.is_manager_token(token) {
            return Ok(Principal::Manager);
        }
        let token_hash = hash_token(token);
        // A node of a cluster reads every time: a token withdrawn on another node must stop
        // working here at once, and nodes hear only of the users connected to them.
        let cache = (!self.events.is_clustered()).then_some(&self.tokens);
        if let Some(device) = cache.and_then(|cache| cache.get(&token_hash)) {
            return Ok(Principal::User(device));
        }
        let generation = self.tokens.generation();
        match self
            .read(move |db| users::device_by_token(db, &token_hash))
            .await?
        {
            Some(device) => {
                if let Some(cache) = cache {
                    cache.insert(token_hash, device.clone(), generation);
                }
                Ok(Principal::User(device))
            }
            None => Err(Error::unauthenticated("the token is not valid")),
        }
    }

    /// Compares with the manager token in constant time.
    pub(crate) fn is_manager_token(&self, token: &str) -> bool {
        self.manager_token
            .as_ref()
            .is_some_and(|manager| bool::from(manager.as_bytes().ct_eq(token.as_bytes())))
    }

    /// Identifies a device token for the client API, where the manager token has no use.
    pub async fn authenticate_device(&self, token: &str) -> Result<Device> {
        match self.authenticate(token).await? {
            Principal::User(device) => Ok(device),
            Principal::Manager => Err(Error::permission_denied(
                "the client API takes a user token, not the manager token",
            )),
        }
    }

    /// Whether a manager token is configured (without one the server API is closed, except
    /// from loopback in dev mode).
    pub fn has_manager_token(&self) -> bool {
        self.manager_token.is_some()
    }
}
