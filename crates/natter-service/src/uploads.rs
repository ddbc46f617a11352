//! Uploads: the files behind image, file, audio and video messages, put on the server by a
//! client or the app backend and served back to anyone holding their link.
//!
//! An upload streams to disk as it arrives, so a large file never sits in memory; it counts
//! only once it is whole and durable ([`natter_store::files`]). The server keeps no record of
//! who may read a file: its link is the permission, as with Tencent's media URLs, so a message
//! forwarded or a history cleared changes nothing about who can open it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use natter_core::files::{ImageVariant, file_name, is_file_id, linked_file_ids};
use natter_core::wire::{ImageCopy, UploadedFile};
use natter_core::{Error, Result};
use natter_store::files::FileStore;
use natter_store::profiles;

use tokio::sync::Semaphore;

use crate::Natter;
use crate::image_variants::{self, Plan};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Enough of a file to find an image's size in (a JPEG's may follow tens of KiB of metadata).
const HEAD_BYTES: usize = 256 * 1024;

/// What stays as-is in a URL path segment; everything else is percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Files one removal may name.
const MAX_FILES_PER_REMOVAL: usize = 100;

/// The content type of an upload that names none.
const UNTYPED: &str = "application/octet-stream";

/// How often a long upload looks again at the room left on the disk, in bytes written.
const ROOM_CHECKED_EVERY: u64 = 8 << 20;

/// Smaller copies of images made at once, at most (see [`Uploads::variant_path`]).
const COPIES_AT_ONCE: usize = 2;

#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// The folder the files live in.
    pub dir: PathBuf,
    /// The largest file taken, in bytes.
    pub max_bytes: u64,
    /// The free space uploads leave on the folder's disk, in bytes.
    pub min_free_bytes: u64,
    /// An upload with no bytes arriving for this long is given up.
    pub idle_timeout: Duration,
}

/// A stored file's name and bytes ([`Uploads::read_linked`]).
#[derive(Debug, Clone)]
pub(crate) struct LinkedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub struct Uploads {
    store: FileStore,
    max_bytes: u64,
    min_free_bytes: u64,
    idle_timeout: Duration,
    copying: Arc<Semaphore>,
}

impl Uploads {
    pub fn open(options: UploadOptions) -> std::io::Result<Self> {
        Ok(Self {
            store: FileStore::open(&options.dir)?,
            max_bytes: options.max_bytes,
            min_free_bytes: options.min_free_bytes,
            idle_timeout: options.idle_timeout,
            copying: Arc::new(Semaphore::new(COPIES_AT_ONCE)),
        })
    }

    /// Stores `body` as a file named `name` for `uploader` (logged, not kept). Refused when the
    /// name is bad, the body empty or over the limit, or the client stops sending.
    pub async fn upload<S, E>(
        &self,
        uploader: &str,
        name: &str,
        content_type: Option<&str>,
        mut body: S,
    ) -> Result<UploadedFile>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let name = file_name(name)?;
        self.check_room().await?;
        let mut file = self.store.create(&name).await.map_err(disk_error)?;
        let mut head = Vec::new();
        loop {
            let chunk = match tokio::time::timeout(self.idle_timeout, body.next()).await {
                Err(_) => {
                    return Err(Error::invalid_argument(format!(
                        "the upload stalled: no bytes for {} s",
                        self.idle_timeout.as_secs()
                    )));
                }
                Ok(None) => break,
                Ok(Some(Err(error))) => {
                    return Err(Error::invalid_argument(format!(
                        "the upload was cut short: {error}"
                    )));
                }
                Ok(Some(Ok(chunk))) => chunk,
            };
            if file.size() + chunk.len() as u64 > self.max_bytes {
                return Err(Error::payload_too_large(format!(
                    "the file is larger than {} bytes, the most this server takes",
                    self.max_bytes
                )));
            }
            let wanted = HEAD_BYTES.saturating_sub(head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
            let written = file.size();
            file.write(&chunk).await.map_err(disk_error)?;
            if written / ROOM_CHECKED_EVERY != file.size() / ROOM_CHECKED_EVERY {
                self.check_room().await?;
            }
        }
        let size = file.size();
        if size == 0 {
            return Err(Error::invalid_argument(
                "the body is empty: send the file's bytes",
            ));
        }
        let file_id = file.finish().await.map_err(disk_error)?;
        tracing::info!(uploader, file_id, size, "file uploaded");
        let image = imagesize::blob_size(&head).ok();
        let pixels = |n: usize| u32::try_from(n).ok();
        let (width, height) = (
            image.and_then(|size| pixels(size.width)),
            image.and_then(|size| pixels(size.height)),
        );
        let url = format!(
            "/files/{file_id}/{}",
            utf8_percent_encode(&name, PATH_SEGMENT)
        );
        let variants = match (width, height) {
            (Some(width), Some(height)) if image_variants::starts_a_copyable_image(&head) => {
                [ImageVariant::Large, ImageVariant::Thumbnail]
                    .into_iter()
                    .map(|variant| {
                        let (width, height) = variant.size_of(width, height);
                        ImageCopy {
                            variant: variant.name().to_owned(),
                            url: format!("{url}?variant={}", variant.name()),
                            width,
                            height,
                        }
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(UploadedFile {
            url,
            file_id,
            name,
            size,
            content_type: content_type
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .unwrap_or(UNTYPED)
                .to_owned(),
            width,
            height,
            variants,
        })
    }

    /// Refused (503) when the folder's disk has less than `min_free_bytes` free: what is left
    /// is the database's and the logs' when they share the disk.
    async fn check_room(&self) -> Result<()> {
        if self.min_free_bytes == 0 {
            return Ok(());
        }
        let free = self.store.free_bytes().await.map_err(disk_error)?;
        if free < self.min_free_bytes {
            return Err(Error::unavailable(
                "the server's disk is nearly full: it takes no uploads until it has room \
                 (--upload-min-free-bytes); retry later",
                format!("{free} bytes free on the files' disk"),
            ));
        }
        Ok(())
    }

    /// Removes files for good: their links answer 404 from then on (a copy a browser or a
    /// proxy cached may live on). IDs of no file are passed over.
    pub async fn remove(&self, file_ids: &[String]) -> Result<()> {
        if file_ids.is_empty() || file_ids.len() > MAX_FILES_PER_REMOVAL {
            return Err(Error::invalid_argument(format!(
                "file_ids: 1 to {MAX_FILES_PER_REMOVAL} file IDs, not {}",
                file_ids.len()
            )));
        }
        if let Some(index) = file_ids.iter().position(|id| !is_file_id(id)) {
            return Err(Error::invalid_argument(format!(
                "file_ids[{index}]: {:?} is not a file ID (32 hex digits)",
                file_ids[index]
            )));
        }
        for id in file_ids {
            if self.store.remove(id).await.map_err(disk_error)? {
                tracing::info!(file_id = %id, "file removed");
            }
        }
        Ok(())
    }

    /// The bytes of the file a link points at (`/files/<fileID>/<name>`, with or without the
    /// server's address before it), for a service that needs the file itself (speech to text).
    /// Refused when the link names no file of this server (400), the file is gone (404), or it
    /// is over `max_bytes` (413).
    pub(crate) async fn read_linked(&self, link: &str, max_bytes: u64) -> Result<LinkedFile> {
        let not_ours = || {
            Error::invalid_argument(format!(
                "url: {link:?} is not a file uploaded to this server (/files/<fileID>/<name>)"
            ))
        };
        let url = if link.starts_with('/') {
            reqwest::Url::parse("http://localhost")
                .and_then(|base| base.join(link))
                .map_err(|_| not_ours())?
        } else {
            reqwest::Url::parse(link).map_err(|_| not_ours())?
        };
        let segments: Vec<&str> = url.path_segments().ok_or_else(not_ours)?.collect();
        let ["files", id, name] = segments.as_slice() else {
            return Err(not_ours());
        };
        let name = percent_decode_str(name)
            .decode_utf8()
            .map_err(|_| not_ours())?
            .into_owned();
        let path = self.store.path(id, &name).ok_or_else(not_ours)?;
        let missing = || Error::not_found(format!("url: no file at {link:?} (removed?)"));
        let size = match tokio::fs::metadata(&path).await {
            Ok(metadata) => metadata.len(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
            Err(error) => return Err(disk_error(error)),
        };
        if size > max_bytes {
            return Err(Error::payload_too_large(format!(
                "url: the file is {size} bytes, over the {max_bytes} this takes"
            )));
        }
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
            Err(error) => return Err(disk_error(error)),
        };
        Ok(LinkedFile { name, bytes })
    }

    /// The store the files are in, for the service that keeps them while messages link to them.
    pub fn files(&self) -> FileStore {
        self.store.clone()
    }

    /// Where file `id` named `name` would be on disk (`None`: no file can have that address).
    pub fn path(&self, id: &str, name: &str) -> Option<PathBuf> {
        self.store.path(id, name)
    }

    /// Where to serve `variant` of file `id` named `name` from: a smaller copy of the image,
    /// made on first request (see [`crate::image_variants`]), or the file itself when it is no
    /// image this server makes smaller (or is missing: serving it then finds nothing). `None`:
    /// no file can have that address.
    ///
    /// At most [`COPIES_AT_ONCE`] copies are made at once: a photo sent to a large group is
    /// asked for by its members together, and each decode may take hundreds of MiB. Those
    /// that wait find the copy made when their turn comes.
    pub async fn variant_path(
        &self,
        id: &str,
        name: &str,
        variant: ImageVariant,
    ) -> Result<Option<PathBuf>> {
        let Some(original) = self.path(id, name) else {
            return Ok(None);
        };
        let plan = {
            let (store, id, original) = (self.store.clone(), id.to_owned(), original.clone());
            blocking(move || image_variants::plan(&store, &id, &original, variant)).await?
        };
        let (copy, format) = match plan {
            Plan::Original => return Ok(Some(original)),
            Plan::Made(copy) => return Ok(Some(copy)),
            Plan::ToMake { copy, format } => (copy, format),
        };
        // The turn goes with the work, so a request given up meanwhile still holds it until the
        // copy is made.
        let turn = self
            .copying
            .clone()
            .acquire_owned()
            .await
            .map_err(|error| Error::internal(format!("making a smaller copy: {error}")))?;
        let served = blocking(move || {
            let served = image_variants::make(original, copy, format, variant);
            drop(turn);
            served
        })
        .await?;
        Ok(Some(served))
    }
}

impl Natter {
    /// Marks the files a message's `texts` (its payload, its custom data) link to as linked
    /// now, before the message is stored, so that retention keeps each as long as the newest
    /// message carrying it (a file forwarded late in its life would otherwise go before the
    /// forward). A file that cannot be marked is logged, not a reason to refuse the message: at
    /// worst it expires with its upload's age.
    pub(crate) async fn keep_linked_files(&self, texts: &[&str]) {
        let Some(files) = &self.files else {
            return;
        };
        for id in texts.iter().flat_map(|text| linked_file_ids(text)) {
            if let Err(error) = files.touch(id).await {
                tracing::warn!(%error, file_id = id, "could not mark a file as linked to by a message");
            }
        }
    }

    /// Removes the files no message linked to, nor anyone uploaded, since `since` (retention),
    /// but those a user's or group's profile links to (its avatar, say).
    pub(crate) async fn remove_unlinked_files(&self, since: SystemTime) {
        let Some(files) = &self.files else {
            return;
        };
        let profiles = match self.read(profiles::profiles_linking_files).await {
            Ok(profiles) => profiles,
            Err(error) => {
                tracing::warn!(%error, "reading the profiles before removing expired files failed; will retry");
                return;
            }
        };
        let kept = profiles
            .iter()
            .flat_map(|profile| linked_file_ids(profile))
            .collect();
        match files.remove_untouched(since, &kept).await {
            Ok(removed) if removed.is_empty() => {}
            Ok(removed) => {
                self.metrics.files_expired(removed.len());
                tracing::info!(
                    removed = removed.len(),
                    "removed files no message kept within the retention"
                );
            }
            Err(error) => tracing::warn!(%error, "removing expired files failed; will retry"),
        }
    }
}

/// Runs blocking file and image work off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::internal(format!("making a smaller copy: {error}")))
}

/// A full disk is the operator's to fix, and a retry later may succeed; anything else is a fault.
fn disk_error(error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::StorageFull {
        Error::unavailable("the server has no room for the file; retry later", error)
    } else {
        Error::internal(format!("file store: {error}"))
    }
}
