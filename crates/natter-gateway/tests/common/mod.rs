//! The test world: a Natter service on a fresh SQLite database, with the gateway on loopback
//! TCP and WebSocket ports.

#![allow(dead_code)] // each test file uses a different part

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use natter_core::wire::UserTokenRequest;
use natter_gateway::{Gateway, Settings};
use natter_service::{Natter, Options};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// A Natter service on a fresh SQLite database with the gateway on loopback TCP and WebSocket
/// ports.
pub struct World {
    pub natter: Arc<Natter>,
    pub gateway: Arc<Gateway>,
    /// The TCP listener's address.
    pub address: SocketAddr,
    /// The WebSocket listener's address.
    pub ws_address: SocketAddr,
    _data: TempDir,
}

impl World {
    pub async fn start() -> Self {
        Self::start_with(Settings::default(), 100).await
    }

    pub async fn start_with(settings: Settings, max_connections: usize) -> Self {
        let data = tempfile::tempdir().unwrap();
        let store = natter_store::Store::open_sqlite(data.path()).unwrap();
        let options = Options {
            manager_token: Some("manager-token-for-tests".into()),
            sync_conversation_deletion: None,
            friend_status_notification: None,
            recall_window: Duration::from_secs(120),
            webhooks: None,
            before_send: None,
            translation: None,
            speech_to_text: None,
            exclusive_database: true,
            files: None,
        };
        let natter = Arc::new(Natter::start(store, options).await.unwrap());
        let gateway = Arc::new(Gateway::new(
            natter.clone(),
            settings,
            Arc::new(Semaphore::new(max_connections)),
        ));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        gateway.serve_tcp(listener);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_address = listener.local_addr().unwrap();
        gateway.serve_ws(listener);
        Self {
            natter,
            gateway,
            address,
            ws_address,
            _data: data,
        }
    }

    /// Issues a token for one device of `uid` (web, master unless said otherwise).
    pub async fn token(&self, uid: &str, device_flag: u8, master: bool) -> String {
        let token = format!("{uid}-{device_flag}-{:016x}", fastrand_u64());
        self.natter
            .set_user_token(UserTokenRequest {
                uid: uid.into(),
                token: token.clone(),
                device_flag,
                device_level: u8::from(master),
            })
            .await
            .unwrap();
        token
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let gateway = self.gateway.clone();
        tokio::spawn(async move { gateway.shutdown().await });
    }
}

/// A random number, without a dependency for it.
pub fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    hasher.finish()
}
