//! Uploaded files: what a name may be, and the ID that is their address.
//!
//! A file is served at `/files/<fileID>/<name>` to anyone who has the link, as Tencent's media
//! URLs are: the ID is 128 random bits, so the link is the permission. The name is kept for the
//! download (its extension gives the type a browser shows it as), so it must be one path segment.

/// A file name, in bytes (as most file systems allow).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// An uploaded file's ID: 32 lowercase hex digits.
pub const FILE_ID_LEN: usize = 32;

/// The name a file is stored and served under: `raw` trimmed, with each path separator or
/// control character made `_`. Refused when empty, `.` or `..`, or over
/// [`MAX_FILE_NAME_BYTES`].
pub fn file_name(raw: &str) -> crate::Result<String> {
    let name: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if name.is_empty() || name == "." || name == ".." {
        return Err(crate::Error::invalid_argument(
            "name: the file's name is required (for example ?name=photo.jpg)",
        ));
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return Err(crate::Error::invalid_argument(format!(
            "name: at most {MAX_FILE_NAME_BYTES} bytes"
        )));
    }
    Ok(name)
}

/// Whether `id` is a file ID as the file store makes them: anything else names no file.
pub fn is_file_id(id: &str) -> bool {
    id.len() == FILE_ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The IDs of the files `text` links to (`/files/<fileID>/…`, with or without a server's address
/// before it), each once, in the order they first appear: the message payloads that keep a file
/// from expiring (see `natter_store::files`). A slash may come escaped (`\/`), as some JSON
/// encoders write it.
pub fn linked_file_ids(text: &str) -> Vec<&str> {
    const SEGMENT: &str = "files";
    let mut ids: Vec<&str> = Vec::new();
    for (at, _) in text.match_indices(SEGMENT) {
        if !text[..at].ends_with('/') {
            continue;
        }
        let Some(rest) = slash_then(&text[at + SEGMENT.len()..]) else {
            continue;
        };
        let Some(id) = rest.get(..FILE_ID_LEN).filter(|id| is_file_id(id)) else {
            continue;
        };
        if slash_then(&rest[FILE_ID_LEN..]).is_some() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// `text` after the slash it starts with (plain or JSON-escaped), if it starts with one.
fn slash_then(text: &str) -> Option<&str> {
    text.strip_prefix('/').or_else(|| text.strip_prefix("\\/"))
}

/// A smaller copy of an uploaded image, as Tencent's image messages carry beside the original
/// (its `imageInfoArray`): the image scaled so that its shorter side is
/// [`ImageVariant::shorter_side`] pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageVariant {
    Large,
    Thumbnail,
}

impl ImageVariant {
    /// The variant a download's `variant` names.
    pub fn parse(text: &str) -> crate::Result<Self> {
        match text {
            "large" => Ok(Self::Large),
            "thumbnail" => Ok(Self::Thumbnail),
            other => Err(crate::Error::invalid_argument(format!(
                "variant: {other:?} is not a variant; use large or thumbnail"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Large => "large",
            Self::Thumbnail => "thumbnail",
        }
    }

    /// Tencent's sizes: 720 pixels for the large image, 198 for the thumbnail.
    pub fn shorter_side(self) -> u32 {
        match self {
            Self::Large => 720,
            Self::Thumbnail => 198,
        }
    }

    /// The variant's width and height for an image of `width` × `height`: scaled, keeping its
    /// shape, so that the shorter side is [`ImageVariant::shorter_side`]; the image's own when
    /// that side is no longer (an image is never scaled up).
    pub fn size_of(self, width: u32, height: u32) -> (u32, u32) {
        let (target, shorter) = (u64::from(self.shorter_side()), u64::from(width.min(height)));
        if shorter <= target {
            return (width, height);
        }
        let scale = |side: u32| {
            let scaled = (u64::from(side) * target + shorter / 2) / shorter;
            u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
        };
        (scale(width), scale(height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_scales_the_shorter_side_to_tencents_size_and_never_up() {
        assert_eq!(ImageVariant::Thumbnail.size_of(1000, 800), (248, 198));
        assert_eq!(ImageVariant::Large.size_of(800, 1000), (720, 900));
        assert_eq!(ImageVariant::Large.size_of(4000, 720), (4000, 720));
        assert_eq!(ImageVariant::Thumbnail.size_of(100, 80), (100, 80));
        assert_eq!(ImageVariant::Thumbnail.size_of(100_000, 199), (99_497, 198));
        assert_eq!(ImageVariant::parse("large").unwrap(), ImageVariant::Large);
        assert!(ImageVariant::parse("huge").is_err());
    }

    #[test]
    fn a_name_is_one_path_segment() {
        assert_eq!(file_name(" photo.jpg ").unwrap(), "photo.jpg");
        assert_eq!(file_name("../etc/passwd").unwrap(), ".._etc_passwd");
        assert_eq!(file_name("a\\b\nc").unwrap(), "a_b_c");
        assert_eq!(file_name("照片.png").unwrap(), "照片.png");
    }

    #[test]
    fn empty_dot_and_long_names_are_refused() {
        for bad in ["", "  ", ".", ".."] {
            assert!(file_name(bad).is_err(), "{bad:?}");
        }
        assert!(file_name(&"a".repeat(MAX_FILE_NAME_BYTES)).is_ok());
        assert!(file_name(&"a".repeat(MAX_FILE_NAME_BYTES + 1)).is_err());
    }

    #[test]
    fn file_ids_are_32_lowercase_hex_digits() {
        assert!(is_file_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_file_id("ABCDEF0123456789abcdef0123456789"));
        assert!(!is_file_id("0123456789abcdef"));
        assert!(!is_file_id("../x"));
    }

    #[test]
    fn links_to_files_are_found_however_the_url_is_written() {
        let a = "0123456789abcdef0123456789abcdef";
        let b = "fedcba9876543210fedcba9876543210";
        let payload = format!(
            r#"{{"imageInfoArray":[{{"url":"https://chat.example/files/{a}/cat.png"}},
                {{"url":"/files/{a}/cat.png?variant=thumbnail"}}],
               "forwarded":"http:\/\/host\/files\/{b}\/x.mp4"}}"#
        );
        assert_eq!(linked_file_ids(&payload), [a, b]);
    }

    #[test]
    fn text_that_only_looks_like_a_link_names_no_file() {
        let id = "0123456789abcdef0123456789abcdef";
        for text in [
            format!("files/{id}/a.png"),
            format!("/myfiles/{id}/a.png"),
            format!("/files/{id}"),
            format!("/files/{id}0/a.png"),
            format!("/files/{}/a.png", id.to_uppercase()),
            "/files/short/a.png".to_owned(),
            "/files/".to_owned(),
        ] {
            assert!(linked_file_ids(&text).is_empty(), "{text}");
        }
    }
}
