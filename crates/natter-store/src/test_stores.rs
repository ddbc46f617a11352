//! What the store's tests share to open stores: a runtime to drive them, and a PostgreSQL
//! server when `NATTER_TEST_POSTGRES` names one (as `scripts/with-services.sh` sets it), so
//! that every test that runs on SQLite can run on PostgreSQL too.

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The test server's admin URL, when there is one.
pub(crate) fn postgres_admin() -> Option<String> {
    std::env::var("NATTER_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A new, empty database on the test server.
pub(crate) fn fresh_database(admin_url: &str) -> String {
    let name = format!("natter_store_test_{:016x}", fastrand::u64(..));
    let (admin, create) = (admin_url.to_owned(), format!("CREATE DATABASE {name}"));
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        client.batch_execute(&create).unwrap();
    })
    .join()
    .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}
