//! The integration tests' harness: a real Natter server per test (own port, own data dir) and a
//! small typed client over reqwest.
//!
//! `Server::start()` runs `natter::run` in-process on `127.0.0.1:0`; `server.manager()` is the app
//! backend, `server.user("alice")` issues alice a token and returns her device.

pub mod process;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter::Config;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A random string for tokens: tests run in parallel, so nothing may be shared or predictable.
pub fn random_token(prefix: &str) -> String {
    format!(
        "{prefix}-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    )
}

/// Enough for a test's handful of concurrent requests; many servers share one PostgreSQL.
pub const TEST_DATABASE_CONNECTIONS: usize = 4;

/// Settings a test may change before the server starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub rate_limit: u32,
    pub max_body_bytes: Option<usize>,
    pub sync_conversation_deletion: Option<bool>,
    /// Seconds between purge runs (the server's default is 60).
    pub purge_interval_secs: Option<u64>,
    pub max_connections_per_user: Option<usize>,
    pub ip_rate_limit: Option<u32>,
    /// Where the database lives, instead of a fresh temporary dir.
    pub data_dir: Option<PathBuf>,
    /// Seconds before an unanswered request gets 503 (the server's default is 30).
    pub request_timeout_secs: Option<u64>,
    /// Origins allowed to call the API from a browser (CORS).
    pub cors_origins: Vec<String>,
    /// Seconds a sender may recall a message (the server's default is 120).
    pub recall_window_secs: Option<u64>,
    /// Serve WuKongIM's protocol over TCP and WebSocket too, on ports of their own (`GET
    /// /route` says which).
    pub wukongim: bool,
    /// Start with no manager token, as a server whose operator gave none.
    pub without_manager_token: bool,
    /// The largest upload (the server's default is 100 MiB).
    pub max_upload_bytes: Option<u64>,
    /// The free space uploads leave on the disk (the server's default is 256 MiB).
    pub upload_min_free_bytes: Option<u64>,
    /// The translation service and its key.
    pub translation: Option<(String, String)>,
    /// The speech-to-text service and its key.
    pub speech_to_text: Option<(String, String)>,
    /// Days messages and the files they link to are kept (the server's default: forever).
    pub retention_days: Option<u64>,
}

/// The admin URL of the PostgreSQL server the suite runs on (`NATTER_TEST_POSTGRES`, set by
/// `scripts/test.sh` for its second pass), or `None` for the embedded SQLite.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("NATTER_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

/// Where a test server keeps its data: always a temporary data dir and, when the suite runs
/// on PostgreSQL, a fresh schema of its own that then holds the data.
pub struct Storage {
    data_dir: TempDir,
    pub database_url: Option<String>,
}

impl Storage {
    pub fn new() -> Self {
        Self {
            data_dir: tempfile::tempdir().expect("a temp dir"),
            database_url: postgres_admin_url().map(|admin| fresh_schema(&admin)),
        }
    }

    /// Storage in a PostgreSQL database the test provides (one it can stop and start).
    pub fn on_postgres(database_url: String) -> Self {
        Self {
            data_dir: tempfile::tempdir().expect("a temp dir"),
            database_url: Some(database_url),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Runs `sql` straight on the database, behind the server's back: for a test that stands
    /// in for what another node would do.
    pub fn execute(&self, sql: &str) {
        match &self.database_url {
            None => {
                let conn = rusqlite::Connection::open(
                    self.data_dir
                        .path()
                        .join(natter_store::sqlite::DATABASE_FILE),
                )
                .expect("the database opens");
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .expect("a busy timeout");
                conn.execute_batch(sql).expect("the statement runs");
            }
            Some(url) => {
                let (url, sql) = (url.clone(), sql.to_owned());
                std::thread::spawn(move || {
                    let mut client =
                        postgres::Client::connect(&url, postgres::NoTls).expect("connects");
                    client.batch_execute(&sql).expect("the statement runs");
                })
                .join()
                .expect("the statement's thread");
            }
        }
    }

    /// One number read straight from the database, behind the server's back.
    pub fn query_number(&self, sql: &str) -> i64 {
        match &self.database_url {
            None => rusqlite::Connection::open_with_flags(
                self.data_dir
                    .path()
                    .join(natter_store::sqlite::DATABASE_FILE),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .expect("the database opens read-only")
            .query_row(sql, [], |row| row.get(0))
            .expect("the query runs"),
            Some(url) => {
                let (url, sql) = (url.clone(), sql.to_owned());
                // The blocking client runs its own runtime, so it gets a thread of its own.
                std::thread::spawn(move || {
                    let mut client =
                        postgres::Client::connect(&url, postgres::NoTls).expect("connects");
                    client.query_one(&sql, &[]).expect("the query runs").get(0)
                })
                .join()
                .expect("the query thread")
            }
        }
    }
}

/// Holds the database's write lock from another connection until dropped, so the server's writes
/// wait behind it (as behind a long transaction of another node).
pub struct WriteBlock {
    release: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Storage {
    /// Blocks the server's writes until the returned guard is dropped (SQLite: an immediate
    /// transaction; PostgreSQL: a lock on `users`, which every write updates).
    pub fn block_writes(&self) -> WriteBlock {
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (held, holding) = std::sync::mpsc::channel::<()>();
        let database = self.database_url.clone();
        let path = self
            .data_dir
            .path()
            .join(natter_store::sqlite::DATABASE_FILE);
        let thread = std::thread::spawn(move || match database {
            None => {
                let conn = rusqlite::Connection::open(path).expect("the database opens");
                conn.execute_batch("BEGIN IMMEDIATE")
                    .expect("the write lock");
                held.send(()).unwrap();
                let _ = released.recv();
                conn.execute_batch("ROLLBACK").expect("released");
            }
            Some(url) => {
                let mut client =
                    postgres::Client::connect(&url, postgres::NoTls).expect("connects");
                client
                    .batch_execute("BEGIN; LOCK TABLE users IN SHARE MODE")
                    .expect("the lock");
                held.send(()).unwrap();
                let _ = released.recv();
                client.batch_execute("ROLLBACK").expect("released");
            }
        });
        holding.recv().expect("the lock is held");
        WriteBlock {
            release: Some(release),
            thread: Some(thread),
        }
    }
}

impl Drop for WriteBlock {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Makes an empty schema for one test server and returns the URL that puts the server in it
/// (PostgreSQL's `search_path`, through the URL's `options`, as a deployment may set it too).
///
/// The schemas share one database, made once per run: a schema is made in milliseconds, where
/// `CREATE DATABASE` copies a template database's files, about 0.4 s a test.
fn fresh_schema(admin_url: &str) -> String {
    static SHARED: OnceLock<String> = OnceLock::new();
    let database = SHARED.get_or_init(|| {
        let name = random_token("natter_test").replace('-', "_");
        admin_statement(admin_url.to_owned(), format!("CREATE DATABASE {name}"));
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("NATTER_TEST_POSTGRES is postgres://…/database");
        format!("{base}/{name}")
    });
    let schema = random_token("server").replace('-', "_");
    admin_statement(database.clone(), format!("CREATE SCHEMA {schema}"));
    format!("{database}?options=-csearch_path%3D{schema}")
}

/// Runs one statement on the test server as its administrator, from a thread of its own: the
/// synchronous client may not run inside a test's runtime.
fn admin_statement(url: String, statement: String) {
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .expect("the test PostgreSQL server answers");
        client.batch_execute(&statement).expect("the statement");
    })
    .join()
    .expect("the statement's thread");
}

/// A running server. Dropping it stops it (the data dir goes with it).
pub struct Server {
    pub endpoint: Endpoint,
    storage: Storage,
    /// What it was started with, and is restarted with.
    config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl std::ops::Deref for Server {
    type Target = Endpoint;
    fn deref(&self) -> &Endpoint {
        &self.endpoint
    }
}

/// Where a server answers, and its manager token: makes clients of every kind.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub base: String,
    pub manager_token: String,
    http: reqwest::Client,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> Self {
        let storage = Storage::new();
        let manager_token = random_token("manager");
        let defaults = Config::default();
        let config = Config {
            data_dir: options
                .data_dir
                .unwrap_or_else(|| storage.data_dir().to_owned()),
            database_url: storage.database_url.clone(),
            database_connections: TEST_DATABASE_CONNECTIONS,
            manager_token: (!options.without_manager_token).then(|| manager_token.clone()),
            rate_limit: options.rate_limit,
            max_body_bytes: options.max_body_bytes.unwrap_or(defaults.max_body_bytes),
            max_upload_bytes: options
                .max_upload_bytes
                .unwrap_or(defaults.max_upload_bytes),
            upload_min_free_bytes: options
                .upload_min_free_bytes
                .unwrap_or(defaults.upload_min_free_bytes),
            sync_conversation_deletion: options.sync_conversation_deletion,
            translation_url: options.translation.as_ref().map(|(url, _)| url.clone()),
            translation_api_key: options.translation.map(|(_, key)| key),
            speech_to_text_url: options.speech_to_text.as_ref().map(|(url, _)| url.clone()),
            speech_to_text_api_key: options.speech_to_text.map(|(_, key)| key),
            purge_interval_secs: options
                .purge_interval_secs
                .unwrap_or(defaults.purge_interval_secs),
            max_connections_per_user: options
                .max_connections_per_user
                .unwrap_or(defaults.max_connections_per_user),
            ip_rate_limit: options.ip_rate_limit.unwrap_or(defaults.ip_rate_limit),
            request_timeout_secs: options
                .request_timeout_secs
                .unwrap_or(defaults.request_timeout_secs),
            cors_origins: options.cors_origins,
            recall_window_secs: options
                .recall_window_secs
                .unwrap_or(defaults.recall_window_secs),
            wukongim_tcp_listen: options.wukongim.then(|| ([127, 0, 0, 1], 0).into()),
            wukongim_ws_listen: options.wukongim.then(|| ([127, 0, 0, 1], 0).into()),
            retention_days: options.retention_days.unwrap_or(defaults.retention_days),
            ..defaults
        }
        .checked()
        .expect("a valid config");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(natter::run(config.clone(), listener, async {
            let _ = stop.await;
        }));
        Self {
            endpoint: Endpoint::new(base, manager_token),
            storage,
            config,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Stops the server and starts it again on the same address, data dir and settings, as an
    /// operator restarting it would: connected devices lose their connection and must come back.
    pub async fn restart_on(&mut self, address: &str) {
        self.stop().await;
        let config = self.config.clone();
        let listener = TcpListener::bind(address)
            .await
            .expect("the same address again");
        let (shutdown, stop) = oneshot::channel::<()>();
        self.task = Some(tokio::spawn(natter::run(config, listener, async {
            let _ = stop.await;
        })));
        self.shutdown = Some(shutdown);
    }

    /// Stops the server gracefully and waits until every accepted write is flushed.
    pub async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("the server task")
                .expect("the server stops cleanly");
        }
    }
}

impl Endpoint {
    pub fn new(base: String, manager_token: String) -> Self {
        Self {
            base,
            manager_token,
            http: reqwest::Client::new(),
        }
    }

    /// A client without any token.
    pub fn anonymous(&self) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            auth: Auth::None,
        }
    }

    /// A client with any token, sent as `Authorization: Bearer`.
    pub fn with_bearer(&self, token: &str) -> Client {
        Client {
            auth: Auth::Bearer(token.to_owned()),
            ..self.anonymous()
        }
    }

    /// A client with any token, sent in WuKongIM's `token:` header.
    pub fn with_token_header(&self, token: &str) -> Client {
        Client {
            auth: Auth::TokenHeader(token.to_owned()),
            ..self.anonymous()
        }
    }

    /// The app backend: the manager token in the `token:` header (as WuKongIM).
    pub fn manager(&self) -> Manager {
        Manager(self.with_token_header(&self.manager_token))
    }

    /// Creates the user with `POST /user/token` (device 0) and returns that device.
    pub async fn user(&self, uid: &str) -> User {
        self.device(uid, 0).await
    }

    /// Each of `uids` as [`Endpoint::user`] makes them, in that order.
    pub async fn users<const N: usize>(&self, uids: [&str; N]) -> [User; N] {
        let mut users = Vec::with_capacity(N);
        for uid in uids {
            users.push(self.user(uid).await);
        }
        match <[User; N]>::try_from(users) {
            Ok(users) => users,
            Err(_) => unreachable!("one user per uid"),
        }
    }

    /// Each of `uids` as a user, and a group of them all made by the app backend.
    pub async fn group_of<const N: usize>(&self, group: &str, uids: [&str; N]) -> [User; N] {
        let users = self.users(uids).await;
        self.manager().create_group(group, &uids).await;
        users
    }

    /// Issues a token for one device of `uid` (creating the user if new).
    pub async fn device(&self, uid: &str, device_flag: u8) -> User {
        let token = random_token(uid);
        self.manager()
            .post(
                "/user/token",
                json!({"uid": uid, "token": token, "device_flag": device_flag, "device_level": 1}),
            )
            .await
            .ok();
        User::on(self, uid, &token)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    Bearer(String),
    TokenHeader(String),
}

/// A plain HTTP client for one base URL and one way of authenticating.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Auth,
}

/// An answer: status, headers and the body parsed as JSON (`Value::Null` when it is not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Client {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.base));
        match &self.auth {
            Auth::None => builder,
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::TokenHeader(token) => builder.header("token", token),
        }
    }

    pub async fn send(&self, builder: reqwest::RequestBuilder) -> Resp {
        Self::try_send_request(builder)
            .await
            .expect("the server answers")
    }

    async fn try_send_request(builder: reqwest::RequestBuilder) -> reqwest::Result<Resp> {
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            text,
            body,
        })
    }

    /// A POST that may find no server (it was killed): the transport error instead of a panic.
    pub async fn try_post(&self, path: &str, body: Value) -> reqwest::Result<Resp> {
        Self::try_send_request(self.request(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send(self.request(reqwest::Method::PUT, path).json(&body))
            .await
    }

    /// Any method with a raw body (for malformed JSON and oversized bodies).
    pub async fn raw(&self, method: reqwest::Method, path: &str, body: impl Into<Vec<u8>>) -> Resp {
        let body: Vec<u8> = body.into();
        self.send(
            self.request(method, path)
                .header("content-type", "application/json")
                .body(body),
        )
        .await
    }
}

impl Resp {
    /// Asserts 200 and returns the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "expected 200, got {}",
            self.text
        );
        self.body
    }

    /// Asserts an error answer (the error table in docs/api-reference.md): status, numeric code
    /// and name, and a non-empty `message`. Returns the message, for checks that it names the
    /// field.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: u64, name: &str) -> String {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status} {name}, got {}: {}",
            self.status,
            self.text
        );
        assert_eq!(self.body["code"], json!(code), "code of {}", self.text);
        assert_eq!(self.body["error"], json!(name), "error of {}", self.text);
        let message = self.body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no message in {}", self.text));
        assert!(!message.is_empty(), "empty message in {}", self.text);
        message.to_owned()
    }

    /// As [`Resp::expect_error`], and the message names `field`.
    #[track_caller]
    pub fn expect_error_naming(&self, status: u16, code: u64, name: &str, field: &str) {
        let message = self.expect_error(status, code, name);
        assert!(
            message.contains(field),
            "the message {message:?} does not name {field:?}"
        );
    }
}

/// The app backend (manager token).
#[derive(Debug, Clone)]
pub struct Manager(pub Client);

impl std::ops::Deref for Manager {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.0
    }
}

impl Manager {
    /// `POST /channel`: creates a group with these members.
    pub async fn create_group(&self, group: &str, members: &[&str]) {
        self.post(
            "/channel",
            json!({"channel_id": group, "channel_type": 2, "subscribers": members}),
        )
        .await
        .ok();
    }

    pub async fn add_members(&self, group: &str, members: &[&str]) {
        self.post(
            "/channel/subscriber_add",
            json!({"channel_id": group, "channel_type": 2, "subscribers": members}),
        )
        .await
        .ok();
    }

    /// `POST /user/device_quit`: signs out the user's device with this flag, or every one (-1).
    pub async fn sign_out(&self, uid: &str, device_flag: i64) {
        self.post(
            "/user/device_quit",
            json!({"uid": uid, "device_flag": device_flag}),
        )
        .await
        .ok();
    }

    /// `POST /channel/delete`: dismisses the group.
    pub async fn dismiss_group(&self, group: &str) {
        self.post(
            "/channel/delete",
            json!({"channel_id": group, "channel_type": 2}),
        )
        .await
        .ok();
    }

    pub async fn remove_members(&self, group: &str, members: &[&str]) {
        self.post(
            "/channel/subscriber_remove",
            json!({"channel_id": group, "channel_type": 2, "subscribers": members}),
        )
        .await
        .ok();
    }

    /// `POST /message/send` with the payload base64-encoded, as WuKongIM.
    pub async fn server_send(
        &self,
        from: &str,
        channel_id: &str,
        channel_type: i64,
        payload: Value,
        client_msg_no: Option<&str>,
    ) -> Resp {
        let mut body = json!({
            "from_uid": from,
            "channel_id": channel_id,
            "channel_type": channel_type,
            "payload": BASE64.encode(serde_json::to_vec(&payload).unwrap()),
        });
        if let Some(number) = client_msg_no {
            body["client_msg_no"] = json!(number);
        }
        self.post("/message/send", body).await
    }

    /// `GET /audit/conversations?uid=` entries, newest first (first page of up to 100).
    pub async fn audit(&self, uid: &str) -> Vec<Value> {
        let page = self
            .get(&format!("/audit/conversations?uid={uid}&limit=100"))
            .await
            .ok();
        page["entries"].as_array().unwrap().clone()
    }

    pub async fn set_sync_deletion(&self, on: bool) {
        let settings = self
            .put("/app/settings", json!({"sync_conversation_deletion": on}))
            .await
            .ok();
        assert_eq!(settings["sync_conversation_deletion"], on);
    }

    pub async fn metric(&self, name: &str) -> u64 {
        let text = self.get("/metrics").await.text;
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
            .trim()
            .parse()
            .unwrap()
    }
}

/// One device of one user (user token, `Authorization: Bearer`).
/// One device of a user: raw HTTP through [`Client`] where a test checks the wire's shape, and
/// the Rust SDK ([`natter_sdk::Chat`]) for the helpers below, whose answers tests read as JSON.
#[derive(Debug, Clone)]
pub struct User {
    pub uid: String,
    pub token: String,
    pub client: Client,
    pub chat: natter_sdk::Chat,
}

impl std::ops::Deref for User {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// Percent-encodes a conversation ID for a path (`@TIM#SYSTEM` → `%40TIM%23SYSTEM`).
pub fn encode(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The client API's path of a group (`/v1/groups/{groupID}`), then `rest`.
pub fn group_path(group: &str, rest: &str) -> String {
    format!("/v1/groups/{}{rest}", encode(group))
}

/// A wire value as the JSON the tests index.
fn json_of(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("wire types serialise")
}

impl User {
    /// `uid`'s device with `token`, on the server at `endpoint`.
    pub fn on(endpoint: &Endpoint, uid: &str, token: &str) -> Self {
        Self {
            uid: uid.to_owned(),
            token: token.to_owned(),
            client: endpoint.with_bearer(token),
            chat: natter_sdk::Chat::login(&endpoint.base, token),
        }
    }

    /// A WebSocket of this device's, its events from now on.
    pub async fn events(&self) -> natter_sdk::EventStream {
        self.chat.events(0).await.expect("the event stream opens")
    }

    /// The group's current members as this member sees them (up to 100, one page).
    pub async fn group_members(&self, group: &str) -> Vec<Value> {
        let page = self
            .get(&format!("{}?count=100", group_path(group, "/members")))
            .await
            .ok();
        page["memberList"].as_array().unwrap().clone()
    }

    /// Creates a group this user owns (`POST /v1/groups`, Tencent's `createGroup`); the group.
    pub async fn create_group(&self, body: Value) -> Value {
        self.post("/v1/groups", body).await.ok()
    }

    /// `POST /v1/messages` with any payload; the raw answer.
    pub async fn try_send(&self, conversation: &str, payload: Value) -> Resp {
        self.post(
            "/v1/messages",
            json!({"conversationID": conversation, "payload": payload}),
        )
        .await
    }

    /// Sends a text message and returns the stored message.
    pub async fn send_text(&self, conversation: &str, text: &str) -> Value {
        let sent = self.chat.send_text(conversation, text).await;
        json_of(
            sent.unwrap_or_else(|error| panic!("{} sends to {conversation}: {error}", self.uid)),
        )
    }

    /// Sends `count` messages one after another; returns their seqs.
    pub async fn send_many(&self, conversation: &str, count: usize) -> Vec<u64> {
        let mut seqs = Vec::with_capacity(count);
        for n in 0..count {
            let message = self
                .send_text(conversation, &format!("{} #{n}", self.uid))
                .await;
            seqs.push(message["seq"].as_u64().unwrap());
        }
        seqs
    }

    /// The first page of the default list (up to 100).
    pub async fn list(&self) -> Vec<Value> {
        self.list_page(&natter_sdk::ListFilter::default()).await
    }

    pub async fn list_archived(&self) -> Vec<Value> {
        let archived = natter_sdk::ListFilter {
            archived: true,
            ..Default::default()
        };
        self.list_page(&archived).await
    }

    async fn list_page(&self, filter: &natter_sdk::ListFilter) -> Vec<Value> {
        let page = self.chat.conversation_page(filter, 100, None).await;
        let page = page.unwrap_or_else(|error| panic!("{}'s list: {error}", self.uid));
        page.conversation_list.iter().map(json_of).collect()
    }

    pub async fn list_ids(&self) -> Vec<String> {
        ids(&self.list().await)
    }

    /// `GET /v1/conversations/{id}`, raw.
    pub async fn conversation(&self, id: &str) -> Resp {
        self.get(&format!("/v1/conversations/{}", encode(id))).await
    }

    /// The conversation's unread count (it must be in the list).
    pub async fn unread(&self, id: &str) -> u64 {
        let conversation = self.chat.conversation_profile(id).await;
        conversation
            .unwrap_or_else(|error| panic!("{}'s {id}: {error}", self.uid))
            .unread_count
    }

    pub async fn total_unread(&self) -> u64 {
        let total = self.chat.total_unread_message_count().await;
        total.unwrap_or_else(|error| panic!("{}'s unread total: {error}", self.uid))
    }

    /// `GET /v1/conversations/{id}/messages` with a query string, raw.
    pub async fn history_page(&self, id: &str, query: &str) -> Resp {
        self.get(&format!(
            "/v1/conversations/{}/messages?{query}",
            encode(id)
        ))
        .await
    }

    /// Every message this user may see, oldest first (pages back with `before`).
    pub async fn history(&self, id: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut before = None;
        loop {
            let page = self.chat.message_list(id, before, 100).await;
            let page = page.unwrap_or_else(|error| panic!("{}'s {id} history: {error}", self.uid));
            let mut messages: Vec<Value> = page.message_list.iter().map(json_of).collect();
            before = page.message_list.first().map(|oldest| oldest.seq);
            messages.extend(all);
            all = messages;
            if page.is_completed || before.is_none() {
                return all;
            }
        }
    }

    pub async fn history_seqs(&self, id: &str) -> Vec<u64> {
        seqs(&self.history(id).await)
    }

    /// `POST /v1/conversations/delete`; `clear` `None` leaves `clearHistoryMessage` out.
    pub async fn delete(&self, ids: &[&str], clear: Option<bool>) -> Resp {
        let mut body = json!({"conversationIDList": ids});
        if let Some(clear) = clear {
            body["clearHistoryMessage"] = json!(clear);
        }
        self.post("/v1/conversations/delete", body).await
    }

    pub async fn read(&self, id: &str, seq: Option<u64>) -> Resp {
        let body = match seq {
            Some(seq) => json!({"seq": seq}),
            None => json!({}),
        };
        self.post(&format!("/v1/conversations/{}/read", encode(id)), body)
            .await
    }

    pub async fn sync(&self, since: u64) -> Value {
        self.get(&format!("/v1/conversations/sync?since={since}"))
            .await
            .ok()
    }

    pub async fn version(&self) -> u64 {
        self.sync(0).await["version"].as_u64().unwrap()
    }
}

/// The `conversationID`s of a list, in order.
pub fn ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|c| c["conversationID"].as_str().unwrap().to_owned())
        .collect()
}

/// A raw WebSocket to the client API, for tests that read its frames and close codes.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A raw WebSocket to the server at `base` with `token`, subscribed by a first ping, and its
/// connection ID from the pong.
pub async fn subscribed_websocket(base: &str, token: &str) -> (Socket, String) {
    use futures_util::{SinkExt, StreamExt};
    let url = format!("{}/v1/ws?token={token}", base.replacen("http", "ws", 1));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            r#"{"event":"ping"}"#.into(),
        ))
        .await
        .unwrap();
    let pong = socket.next().await.unwrap().unwrap().into_text().unwrap();
    let pong: Value = serde_json::from_str(pong.as_str()).unwrap();
    assert_eq!(pong["event"], "pong");
    let id = pong["data"]["connectionID"].as_str().unwrap().to_owned();
    (socket, id)
}

/// The code of the close frame the server sends next on `socket` (frames before it are passed
/// over), within `wait`.
pub async fn close_code(socket: &mut Socket, wait: std::time::Duration) -> Option<u16> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    tokio::time::timeout(wait, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|frame| u16::from(frame.code)),
                Some(Ok(_)) => continue,
                other => panic!("the socket ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("the server closes the socket in time")
}

/// The `seq`s of a message list, in order.
pub fn seqs(messages: &[Value]) -> Vec<u64> {
    messages
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect()
}

/// `[{key, value}]`, as Tencent lists custom fields (of a group, a member or a friend).
pub fn custom_fields(pairs: &[(&str, &str)]) -> Value {
    let field = |(key, value): &(&str, &str)| serde_json::json!({"key": key, "value": value});
    pairs.iter().map(field).collect()
}

/// Finds one conversation in a list.
pub fn find<'a>(list: &'a [Value], id: &str) -> Option<&'a Value> {
    list.iter().find(|c| c["conversationID"] == id)
}

/// The content of a message of the server API (`/channel/messagesync`, webhooks): its base64
/// `payload` decoded as JSON.
pub fn decoded(message: &Value) -> Value {
    let bytes = BASE64
        .decode(message["payload"].as_str().expect("a base64 payload"))
        .expect("base64");
    serde_json::from_slice(&bytes).expect("a JSON payload")
}

/// The first server event on `stream` that `pick` takes, skipping the others; fails the test
/// when the stream ends or nothing is taken within 10 s.
pub async fn event_where<T>(
    stream: &mut natter_sdk::EventStream,
    mut pick: impl FnMut(natter_sdk::wire::ServerEvent) -> Option<T>,
) -> T {
    let wait = std::time::Duration::from_secs(10);
    tokio::time::timeout(wait, async {
        loop {
            match stream.next().await {
                Some(natter_sdk::Event::Server(event)) => {
                    if let Some(taken) = pick(event) {
                        return taken;
                    }
                }
                Some(natter_sdk::Event::Ended { code, reason }) => {
                    panic!("the server ended the stream: {code} {reason}")
                }
                Some(_) => continue,
                None => panic!("the event stream closed"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no such event within {wait:?}"))
}
