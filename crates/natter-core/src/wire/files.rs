//! Uploaded files.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The answer to an upload: where the file is now served.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFile {
    /// 32 hex digits: with the name, the file's address.
    #[serde(rename = "fileID")]
    pub file_id: String,
    /// `/files/<fileID>/<name>` (the name percent-encoded), on this server: readable by anyone
    /// who has it, without a token, as Tencent's media URLs are. Put the absolute URL in a
    /// message's payload.
    pub url: String,
    /// The name as stored: trimmed, with path separators and control characters made `_`.
    pub name: String,
    /// In bytes.
    pub size: u64,
    /// As the upload's `Content-Type` said (`application/octet-stream` when it said nothing).
    pub content_type: String,
    /// In pixels, when the file is an image the server recognises (PNG, JPEG, GIF, WebP, BMP,
    /// and others): what an image message's `imageInfoArray` needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// For an image the server makes smaller copies of (JPEG, PNG, GIF, WebP, BMP): its large
    /// copy and its thumbnail, Tencent's `imageInfoArray` entries beside the original. Empty
    /// for any other file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<ImageCopy>,
}

/// A smaller copy of an uploaded image, made when first downloaded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ImageCopy {
    /// `large` (720 pixels on the shorter side) or `thumbnail` (198); an image already that
    /// small is its own copy.
    pub variant: String,
    /// The file's `url` with `?variant=` the copy.
    pub url: String,
    /// In pixels. A photo whose EXIF says to turn it is turned upright in its copies, so there
    /// the two trade places.
    pub width: u32,
    pub height: u32,
}

/// The app backend removes files (an abusive upload, say).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeleteFilesRequest {
    /// 1–100 file IDs, as the uploads answered them.
    pub file_ids: Vec<String>,
}
