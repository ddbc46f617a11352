//! Runs the shared migrations ([`crate::schema`]) on PostgreSQL. `natter_schema` records how
//! many have run. Nodes starting together take an advisory lock, so one of them migrates and
//! the others wait.

use tokio_postgres::Client;

use super::OpenError;
use crate::db::Dialect;
use crate::schema::MIGRATIONS;

/// Any fixed number, the same on every node: the advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x6e61_7474_6572;

/// Brings the database up to the current schema, one node at a time.
pub(crate) async fn migrate(client: &mut Client) -> Result<(), OpenError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let outcome = apply_migrations(client).await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await?;
    outcome
}

async fn apply_migrations(client: &mut Client) -> Result<(), OpenError> {
    client
        .batch_execute("CREATE TABLE IF NOT EXISTS natter_schema (version BIGINT NOT NULL)")
        .await?;
    let applied = match client
        .query_opt("SELECT version FROM natter_schema", &[])
        .await?
    {
        Some(row) => row.get::<_, i64>(0) as usize,
        None => {
            client
                .execute("INSERT INTO natter_schema (version) VALUES (0)", &[])
                .await?;
            0
        }
    };
    if applied > MIGRATIONS.len() {
        return Err(OpenError::NewerSchema {
            found: applied,
            known: MIGRATIONS.len(),
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
        let transaction = client.transaction().await?;
        transaction
            .batch_execute(&Dialect::Postgres.render(migration))
            .await?;
        transaction
            .execute(
                "UPDATE natter_schema SET version = $1",
                &[&((index + 1) as i64)],
            )
            .await?;
        transaction.commit().await?;
    }
    Ok(())
}
