//! Runs the shared migrations ([`crate::schema`]) on PostgreSQL. `natter_schema` records how
//! many have run; those still to run run in one transaction, so a database is upgraded wholly
//! or not at all. Nodes starting together take an advisory lock, so one of them migrates and
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
    if applied < MIGRATIONS.len() {
        let transaction = client.transaction().await?;
        for migration in &MIGRATIONS[applied..] {
            transaction
                .batch_execute(&Dialect::Postgres.render(migration))
                .await?;
        }
        transaction
            .execute(
                "UPDATE natter_schema SET version = $1",
                &[&(MIGRATIONS.len() as i64)],
            )
            .await?;
        transaction.commit().await?;
    }
    client.batch_execute(FOLD_FUNCTION).await?;
    Ok(())
}

/// `natter_fold(text)`, the case folding searches compare by (`natter_core::search::fold`):
/// `lower` under ICU's root collation, Unicode's lowercase mapping whatever the database's
/// locale. Natter's text columns are `COLLATE "C"`, under which `lower` folds A–Z only, so a
/// PostgreSQL built without ICU (which has no `und-x-icu`) searches so. Defined at every start,
/// under the migration lock, so that it follows the server that runs.
const FOLD_FUNCTION: &str = r#"
DO $fold$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
        CREATE OR REPLACE FUNCTION natter_fold(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT lower($1 COLLATE "und-x-icu")';
    ELSE
        CREATE OR REPLACE FUNCTION natter_fold(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT lower($1)';
    END IF;
END
$fold$;
"#;
