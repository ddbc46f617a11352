//! The data dir's lock, and online backups and restores of the database.
//!
//! A running server holds an exclusive lock on `natter.lock` in its data dir, so two servers
//! never share one database and a restore never replaces a database in use.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{DATABASE_FILE, OpenError, schema};

const LOCK_FILE: &str = "natter.lock";

/// Holds the data dir for as long as it lives.
#[derive(Debug)]
pub(crate) struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub(crate) fn acquire(data_dir: &Path) -> Result<Self, OpenError> {
        let path = data_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| OpenError::DataDir {
                path: path.clone(),
                source,
            })?;
        file.try_lock().map_err(|_| OpenError::InUse {
            path: data_dir.to_owned(),
        })?;
        Ok(Self { _file: file })
    }
}

/// Writes a consistent copy of the database to `destination` while the server may be
/// running (`VACUUM INTO` reads one snapshot and writes a compact file).
pub fn backup(data_dir: &Path, destination: &Path) -> Result<(), OpenError> {
    if destination.exists() {
        return Err(OpenError::Exists {
            path: destination.to_owned(),
        });
    }
    let source = database(data_dir)?;
    let conn = Connection::open_with_flags(&source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let destination = destination.to_str().ok_or_else(|| OpenError::DataDir {
        path: destination.to_owned(),
        source: std::io::Error::other("the path is not UTF-8"),
    })?;
    conn.execute("VACUUM INTO ?1", [destination])?;
    Ok(())
}

/// Replaces the data dir's database with a backup. Refused while a server holds the data dir,
/// and for a backup that is damaged or from a newer Natter.
pub fn restore(data_dir: &Path, backup: &Path) -> Result<(), OpenError> {
    std::fs::create_dir_all(data_dir).map_err(|source| OpenError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    let _lock = DataDirLock::acquire(data_dir)?;
    check_backup(backup)?;
    let target = data_dir.join(DATABASE_FILE);
    let staging = data_dir.join(format!("{DATABASE_FILE}.restoring"));
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| OpenError::DataDir { path, source }
    };
    std::fs::copy(backup, &staging).map_err(io(&staging))?;
    File::open(&staging)
        .and_then(|file| file.sync_all())
        .map_err(io(&staging))?;
    for stale in ["-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{stale}", target.display()));
        if path.exists() {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    std::fs::rename(&staging, &target).map_err(io(&target))?;
    File::open(data_dir)
        .and_then(|dir| dir.sync_all())
        .map_err(io(data_dir))?;
    Ok(())
}

fn check_backup(backup: &Path) -> Result<(), OpenError> {
    let conn = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    if integrity != "ok" {
        return Err(OpenError::Damaged {
            path: backup.to_owned(),
            detail: integrity,
        });
    }
    let version: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    schema::check_version(version)
}

fn database(data_dir: &Path) -> Result<PathBuf, OpenError> {
    let path = data_dir.join(DATABASE_FILE);
    if path.exists() {
        Ok(path)
    } else {
        Err(OpenError::DataDir {
            path,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no database here"),
        })
    }
}
