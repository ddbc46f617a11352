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

#[cfg(test)]
mod tests {
    use super::*;

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
}
