//! The SQLite schema and its migrations. `PRAGMA user_version` records how many have run; each
//! runs in its own transaction, and a database from a newer Natter is refused.

use rusqlite::Connection;

use super::OpenError;

/// Migrations in order; never edit a released one, append a new one.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE users (
    uid        TEXT PRIMARY KEY,
    -- The per-user counter that versions every change to this user's conversations.
    version    INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    uid          TEXT NOT NULL REFERENCES users(uid),
    device_flag  INTEGER NOT NULL,
    device_level INTEGER NOT NULL,
    -- First 8 bytes of the token's SHA-256: finds the row; the full hash is then compared in
    -- constant time.
    token_lookup BLOB NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    updated_ms   INTEGER NOT NULL,
    PRIMARY KEY (uid, device_flag)
) WITHOUT ROWID;
CREATE INDEX devices_by_token ON devices(token_lookup);

CREATE TABLE channels (
    id         INTEGER PRIMARY KEY,
    kind       INTEGER NOT NULL,       -- 1 personal, 2 group, 3 system
    key        TEXT NOT NULL,          -- "a:b" (sorted uids), the group ID, or the system uid
    last_seq   INTEGER NOT NULL DEFAULT 0,
    dismissed  INTEGER NOT NULL DEFAULT 0,
    -- A group setting: members who join see the history from before their join.
    new_members_see_history INTEGER NOT NULL DEFAULT 0,
    -- Messages up to here were purged: no one could see them any more.
    purged_to_seq INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    UNIQUE (kind, key)
);

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL REFERENCES channels(id),
    seq           INTEGER NOT NULL,
    from_uid      TEXT NOT NULL,
    time_ms       INTEGER NOT NULL,
    client_msg_no TEXT,
    payload       TEXT NOT NULL,
    UNIQUE (channel_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_msg_no ON messages(from_uid, client_msg_no)
    WHERE client_msg_no IS NOT NULL;

-- One user's state in one channel: the watermarks of natter_core::rules plus preferences.
CREATE TABLE conversations (
    uid             TEXT NOT NULL REFERENCES users(uid),
    channel_id      INTEGER NOT NULL REFERENCES channels(id),
    conversation_id TEXT NOT NULL,    -- as this user names it: C2Cbob, GROUPteam, @TIM#SYSTEM
    read_seq        INTEGER NOT NULL DEFAULT 0,
    deleted_to_seq  INTEGER NOT NULL DEFAULT 0,
    cleared_to_seq  INTEGER NOT NULL DEFAULT 0,
    own_last_seq    INTEGER NOT NULL DEFAULT 0,
    join_seq        INTEGER NOT NULL DEFAULT 1,
    left_seq        INTEGER,
    listed          INTEGER NOT NULL DEFAULT 0,
    deleted         INTEGER NOT NULL DEFAULT 0,
    deletion_synced INTEGER NOT NULL DEFAULT 0,
    activity_ms     INTEGER NOT NULL DEFAULT 0,
    pinned          INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    remind          INTEGER NOT NULL DEFAULT 0,
    marks           INTEGER NOT NULL DEFAULT 0,
    draft           TEXT NOT NULL DEFAULT '',
    custom_data     TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (uid, channel_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX conversations_by_id ON conversations(uid, conversation_id);
CREATE INDEX conversations_list
    ON conversations(uid, listed, archived, pinned DESC, activity_ms DESC, channel_id DESC);
CREATE INDEX conversations_by_version ON conversations(uid, version);
CREATE INDEX conversations_members ON conversations(channel_id, left_seq);

-- Every window of group membership, for history visibility after leaving and rejoining.
CREATE TABLE memberships (
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    uid        TEXT NOT NULL,
    join_seq   INTEGER NOT NULL,
    left_seq   INTEGER,
    PRIMARY KEY (channel_id, uid, join_seq)
) WITHOUT ROWID;

CREATE TABLE audit (
    id               INTEGER PRIMARY KEY,
    at_ms            INTEGER NOT NULL,
    actor            TEXT NOT NULL,
    uid              TEXT NOT NULL,
    conversation_ids TEXT NOT NULL,   -- JSON array, client form
    clear_history    INTEGER NOT NULL,
    via              TEXT NOT NULL,
    -- JSON: each deleted conversation's state just before the deletion, for admin restore.
    snapshots        TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX audit_by_uid ON audit(uid, id);

-- Conversation folders ("conversation groups") of each user, and what they hold.
CREATE TABLE folders (
    uid        TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (uid, name)
) WITHOUT ROWID;
CREATE TABLE folder_members (
    uid        TEXT NOT NULL,
    name       TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (uid, name, channel_id),
    FOREIGN KEY (uid, name) REFERENCES folders(uid, name) ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
CREATE INDEX folder_members_by_conversation ON folder_members(uid, channel_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"#];

/// Brings the database up to the current schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), OpenError> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    check_version(applied)?;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Refuses a database written by a newer Natter: its schema may mean things this one does not
/// know, and writing to it could corrupt it.
pub(crate) fn check_version(found: usize) -> Result<(), OpenError> {
    if found > MIGRATIONS.len() {
        return Err(OpenError::NewerSchema {
            found,
            known: MIGRATIONS.len(),
        });
    }
    Ok(())
}
