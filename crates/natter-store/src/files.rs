//! Uploaded files, on disk under one folder: `<dir>/<fileID>/<name>`.
//!
//! The database holds no file: the bytes go to disk as they arrive, and the file exists once
//! [`NewFile::finish`] has made them durable and moved them into place, so a half-written file
//! is never served. Nodes of a cluster must share the folder (a network file system, a mounted
//! bucket) to serve each other's files.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use natter_core::files::{FILE_ID_LEN, file_name, is_file_id};
use tokio::io::AsyncWriteExt;

/// Where uploads still being written wait, outside every file's folder.
const PARTIAL: &str = ".partial";

/// Where copies made from files are kept (smaller images), a folder per file: outside the
/// files' own folders, whose one entry is the file under the name its uploader gave.
const VARIANTS: &str = ".variants";

/// An unfinished upload untouched this long was cut short by a crash (a live one is given up
/// when its bytes pause for the request timeout): it is removed. Not sooner, because another
/// node sharing the folder may be writing it.
const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    /// When abandoned uploads were last looked for.
    swept: Arc<Mutex<Instant>>,
}

impl FileStore {
    /// The store in `dir`, which is made if missing. Uploads a crash cut short long ago are
    /// removed, now and about once an hour while uploads come.
    pub fn open(dir: &Path) -> io::Result<Self> {
        let partial = dir.join(PARTIAL);
        std::fs::create_dir_all(&partial)?;
        remove_abandoned(&partial)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            swept: Arc::new(Mutex::new(Instant::now())),
        })
    }

    /// Starts writing a new file, under a new ID, to be named `name` (a name as
    /// `natter_core::files::file_name` makes them).
    pub async fn create(&self, name: &str) -> io::Result<NewFile> {
        let due = {
            let mut swept = self.swept.lock().expect("sweep time lock");
            let due = swept.elapsed() >= ABANDONED_AFTER;
            if due {
                *swept = Instant::now();
            }
            due
        };
        if due {
            let partial = self.dir.join(PARTIAL);
            run_blocking(move || remove_abandoned(&partial)).await?;
        }
        let id = new_file_id();
        let partial = self.dir.join(PARTIAL).join(&id);
        let file = tokio::fs::File::create(&partial).await?;
        Ok(NewFile {
            dir: self.dir.clone(),
            id,
            name: name.to_owned(),
            partial,
            file: Some(file),
            size: 0,
        })
    }

    /// Removes file `id` for good; false when there was none.
    pub async fn remove(&self, id: &str) -> io::Result<bool> {
        if !is_file_id(id) {
            return Ok(false);
        }
        match tokio::fs::remove_dir_all(self.dir.join(VARIANTS).join(id)).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
        match tokio::fs::remove_dir_all(self.dir.join(id)).await {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Marks file `id` as just linked to, so that [`FileStore::remove_untouched`] keeps it as
    /// long as the message linking to it: a file is linked to again when a message carrying it
    /// is forwarded, perhaps long after its upload. False when there is no such file (removed,
    /// or another server's).
    ///
    /// The mark is the modification time of the file's folder, which its upload set as it
    /// moved the file in: setting it takes no read of the folder, and reading it one `stat`.
    pub async fn touch(&self, id: &str) -> io::Result<bool> {
        let Some(folder) = is_file_id(id).then(|| self.dir.join(id)) else {
            return Ok(false);
        };
        run_blocking(move || match std::fs::File::open(folder) {
            Ok(folder) => folder.set_modified(SystemTime::now()).map(|()| true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(error),
        })
        .await
    }

    /// Removes, with their copies, the files neither uploaded nor linked to
    /// ([`FileStore::touch`]) since `since`, but those in `kept`; returns their IDs. A file
    /// linked to while it is looked at is kept, unless the link comes between the last look
    /// and the removal.
    pub async fn remove_untouched(
        &self,
        since: SystemTime,
        kept: &HashSet<&str>,
    ) -> io::Result<Vec<String>> {
        let dir = self.dir.clone();
        let untouched = run_blocking(move || {
            let mut untouched = Vec::new();
            for entry in std::fs::read_dir(&dir)? {
                let id = entry?.file_name().to_string_lossy().into_owned();
                if is_file_id(&id) && untouched_since(&dir.join(&id), since) {
                    untouched.push(id);
                }
            }
            Ok(untouched)
        })
        .await?;
        let mut removed = Vec::new();
        for id in untouched
            .into_iter()
            .filter(|id| !kept.contains(id.as_str()))
        {
            // Looked at again just before it goes: a message may have linked to it meanwhile.
            let folder = self.dir.join(&id);
            if !run_blocking(move || Ok(untouched_since(&folder, since))).await? {
                continue;
            }
            // One file that cannot go (another node removing it too, a permission) stops no other.
            match self.remove(&id).await {
                Ok(true) => removed.push(id),
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(%error, file_id = %id, "could not remove an expired file")
                }
            }
        }
        Ok(removed)
    }

    /// The bytes still free for files on the disk of the folder (as an unprivileged process sees
    /// it: without the blocks reserved for the superuser).
    pub async fn free_bytes(&self) -> io::Result<u64> {
        let dir = self.dir.clone();
        run_blocking(move || {
            let disk = rustix::fs::statvfs(&dir)?;
            Ok(disk.f_bavail.saturating_mul(disk.f_frsize))
        })
        .await
    }

    /// Where a copy made from file `id` is kept under `copy_name` (for instance
    /// `thumbnail.jpg`), if `id` is a file ID; whether it exists is for the caller to find out.
    /// Such copies can be made again, so they are written without syncing, and go with the
    /// file.
    pub fn variant_path(&self, id: &str, copy_name: &str) -> Option<PathBuf> {
        is_file_id(id).then(|| self.dir.join(VARIANTS).join(id).join(copy_name))
    }

    /// Where file `id` named `name` is, if both are as this store makes them (the name as
    /// `natter_core::files::file_name` leaves it, so one path segment): whether it exists is for
    /// the caller to find out.
    pub fn path(&self, id: &str, name: &str) -> Option<PathBuf> {
        let stored_name = file_name(name).is_ok_and(|made| made == name);
        (is_file_id(id) && stored_name).then(|| self.dir.join(id).join(name))
    }
}

/// A file being written; dropped before [`NewFile::finish`], it is removed.
#[derive(Debug)]
pub struct NewFile {
    dir: PathBuf,
    id: String,
    name: String,
    partial: PathBuf,
    file: Option<tokio::fs::File>,
    size: u64,
}

impl NewFile {
    /// The bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let file = self
            .file
            .as_mut()
            .expect("a file is written until finished");
        file.write_all(bytes).await?;
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Makes the bytes durable and puts the file in place; returns its ID. Once this returns,
    /// the file survives a crash.
    pub async fn finish(mut self) -> io::Result<String> {
        let file = self.file.take().expect("finished once");
        file.sync_all().await?;
        drop(file);
        let folder = self.dir.join(&self.id);
        tokio::fs::create_dir(&folder).await?;
        tokio::fs::rename(&self.partial, folder.join(&self.name)).await?;
        // The new names are durable only once their folders are.
        sync_dir(folder).await?;
        sync_dir(self.dir.clone()).await?;
        self.partial.clear();
        Ok(std::mem::take(&mut self.id))
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if !self.partial.as_os_str().is_empty() {
            // Unfinished: nothing may serve it, and nothing else will clean it up before a restart.
            if let Err(error) = std::fs::remove_file(&self.partial) {
                tracing::warn!(%error, path = %self.partial.display(), "could not remove an unfinished upload");
            }
        }
    }
}

/// Removes the unfinished uploads in `partial` untouched for [`ABANDONED_AFTER`].
fn remove_abandoned(partial: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(partial)? {
        let entry = entry?;
        let untouched = entry.metadata()?.modified()?.elapsed().unwrap_or_default();
        if untouched >= ABANDONED_AFTER {
            match std::fs::remove_file(entry.path()) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => tracing::info!(path = %entry.path().display(), "removed an abandoned upload"),
            }
        }
    }
    Ok(())
}

/// Whether the file in file folder `folder` was neither uploaded nor linked to since `since`
/// ([`FileStore::touch`]). A folder a crash left empty (between making it and moving the upload
/// in) counts the same; something else under a file's name, or a folder that is gone or cannot
/// be read, is left alone (the last logged).
fn untouched_since(folder: &Path, since: SystemTime) -> bool {
    match std::fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => metadata.modified().is_ok_and(|at| at < since),
        Ok(_) => false,
        Err(error) if error.kind() == io::ErrorKind::NotFound => false,
        Err(error) => {
            tracing::warn!(%error, folder = %folder.display(), "could not tell when a file was last linked to");
            false
        }
    }
}

/// Runs blocking file work off the async workers.
async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(io::Error::other)?
}

async fn sync_dir(dir: PathBuf) -> io::Result<()> {
    run_blocking(move || std::fs::File::open(dir)?.sync_all()).await
}

/// A new file ID from 128 bits of the operating system's randomness: unguessable, because
/// knowing it is all it takes to read the file.
fn new_file_id() -> String {
    let mut bytes = [0u8; FILE_ID_LEN / 2];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_finished_file_is_in_place_until_removed_and_an_unfinished_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();

        let mut file = store.create("a.txt").await.unwrap();
        file.write(b"hello ").await.unwrap();
        file.write(b"world").await.unwrap();
        assert_eq!(file.size(), 11);
        let id = file.finish().await.unwrap();
        assert!(is_file_id(&id));
        let path = store.path(&id, "a.txt").unwrap();
        assert_eq!(std::fs::read(path).unwrap(), b"hello world");

        assert!(store.remove(&id).await.unwrap());
        assert!(!store.path(&id, "a.txt").unwrap().exists());
        assert!(!store.remove(&id).await.unwrap(), "gone already");
        assert!(!store.remove(PARTIAL).await.unwrap(), "not a file ID");

        let mut dropped = store.create("b.txt").await.unwrap();
        dropped.write(b"half").await.unwrap();
        drop(dropped);
        assert_eq!(
            std::fs::read_dir(dir.path().join(PARTIAL)).unwrap().count(),
            0
        );
    }

    #[tokio::test]
    async fn uploads_a_crash_cut_short_long_ago_go_when_the_store_opens() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let mut old = store.create("a.txt").await.unwrap();
        old.write(b"half").await.unwrap();
        let mut recent = store.create("b.txt").await.unwrap();
        recent.write(b"half").await.unwrap();
        let long_ago = std::time::SystemTime::now() - ABANDONED_AFTER - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&old.partial)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        let recent_path = recent.partial.clone();
        std::mem::forget(old);
        std::mem::forget(recent);
        // a node starting beside another that may still be writing the recent one
        FileStore::open(dir.path()).unwrap();
        let left: Vec<PathBuf> = std::fs::read_dir(dir.path().join(PARTIAL))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        assert_eq!(left, [recent_path]);
    }

    #[tokio::test]
    async fn files_neither_uploaded_nor_linked_to_lately_nor_kept_are_removed_with_their_copies() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let mut ids = Vec::new();
        for name in ["old.png", "forwarded.png", "new.png"] {
            let mut file = store.create(name).await.unwrap();
            file.write(b"bytes").await.unwrap();
            ids.push((file.finish().await.unwrap(), name));
        }
        let [
            (old, old_name),
            (forwarded, forwarded_name),
            (new, new_name),
        ] = [0, 1, 2].map(|i| (ids[i].0.as_str(), ids[i].1));
        let day = Duration::from_secs(86_400);
        let long_ago = SystemTime::now() - 2 * day;
        let age = |folder: &str| {
            std::fs::File::open(dir.path().join(folder))
                .unwrap()
                .set_modified(long_ago)
                .unwrap()
        };
        age(old);
        age(forwarded);
        let [kept, kept_name] = ["0123456789abcdef0123456789abcdef", "avatar.png"];
        std::fs::create_dir(dir.path().join(kept)).unwrap();
        let avatar = store.path(kept, kept_name).unwrap();
        std::fs::write(&avatar, b"face").unwrap();
        age(kept);
        // an upload a crash cut short between making its folder and moving the file in, and a
        // stray file where a folder should be
        let [empty, stray] = [
            "00000000000000000000000000000000",
            "11111111111111111111111111111111",
        ];
        std::fs::create_dir(dir.path().join(empty)).unwrap();
        age(empty);
        std::fs::write(dir.path().join(stray), b"not a folder").unwrap();
        let copy = store.variant_path(old, "thumbnail.png").unwrap();
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, b"smaller").unwrap();

        assert!(store.touch(forwarded).await.unwrap());
        let removed = store
            .remove_untouched(SystemTime::now() - day, &HashSet::from([kept]))
            .await
            .unwrap();

        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(removed.iter().any(|id| id == old) && removed.iter().any(|id| id == empty));
        assert!(dir.path().join(stray).exists(), "left alone");
        assert!(!store.path(old, old_name).unwrap().exists());
        assert!(!copy.exists(), "its copies go with it");
        assert!(store.path(forwarded, forwarded_name).unwrap().exists());
        assert!(store.path(new, new_name).unwrap().exists());
        assert!(avatar.exists(), "kept, however old");
        assert!(!store.touch(old).await.unwrap(), "gone");
        assert!(!store.touch("not a file id").await.unwrap());
    }

    #[test]
    fn only_well_formed_ids_and_names_have_a_path() {
        let store = FileStore {
            dir: PathBuf::from("/files"),
            swept: Arc::new(Mutex::new(Instant::now())),
        };
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            store.path(id, "a.png"),
            Some(PathBuf::from(format!("/files/{id}/a.png")))
        );
        for name in ["", ".", "..", "../x", "a/b", "a\\b", " a.png", "a\u{0}.png"] {
            assert_eq!(store.path(id, name), None, "{name:?}");
        }
        assert_eq!(store.path(PARTIAL, "a.png"), None);
        assert_eq!(store.path("../..", "a.png"), None);
    }
}
