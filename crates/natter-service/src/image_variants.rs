//! Smaller copies of uploaded images: the large image and the thumbnail that Tencent's image
//! messages carry beside the original, so that a chat shows a photo without fetching all of it.
//!
//! A copy is made the first time it is asked for, not at upload, so an upload costs nothing
//! more and files uploaded before copies existed have them too; it is kept, and served from
//! then on. What cannot be made smaller (not an image this server reads, one already no larger
//! than the copy, one too large to decode safely) is served as it is.

use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use natter_core::files::ImageVariant;
use natter_store::files::FileStore;

/// The longest side, in pixels, of an image a copy is made of: a larger one is served as it is
/// rather than decoded, so that no upload can make the server allocate without bound.
const MAX_SIDE: u32 = 16_384;
/// The most memory one decode may take.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// The JPEG quality of a copy of a JPEG.
const JPEG_QUALITY: u8 = 85;

/// What to serve for a variant of a file, as far as can be told without decoding it.
#[derive(Debug)]
pub(crate) enum Plan {
    /// The file itself: it is not an image a copy is made of.
    Original,
    /// The copy, made already.
    Made(PathBuf),
    /// The copy, still to make at `copy`.
    ToMake { copy: PathBuf, format: ImageFormat },
}

/// What to serve for `variant` of file `id`, whose own bytes are at `original`. Blocks, but
/// only to read the file's first bytes and look for the copy.
pub(crate) fn plan(store: &FileStore, id: &str, original: &Path, variant: ImageVariant) -> Plan {
    let Some(format) = readable_format(original) else {
        return Plan::Original;
    };
    // A JPEG's copy is a JPEG; any other image's is a PNG, which keeps transparency.
    let extension = if format == ImageFormat::Jpeg {
        "jpg"
    } else {
        "png"
    };
    let Some(copy) = store.variant_path(id, &format!("{}.{extension}", variant.name())) else {
        return Plan::Original;
    };
    if copy.exists() {
        Plan::Made(copy)
    } else {
        Plan::ToMake { copy, format }
    }
}

/// Makes the copy at `copy` of the image at `original`, unless another request made it
/// meanwhile; the path to serve: the copy, or `original` when no smaller copy can be made of
/// it. Blocks: it decodes the image.
pub(crate) fn make(
    original: PathBuf,
    copy: PathBuf,
    format: ImageFormat,
    variant: ImageVariant,
) -> PathBuf {
    if copy.exists() {
        return copy;
    }
    match make_copy(&original, &copy, format, variant) {
        Ok(true) => copy,
        Ok(false) => original,
        Err(error) => {
            tracing::warn!(%error, path = %original.display(), variant = variant.name(), "could not make a smaller copy; serving the original");
            original
        }
    }
}

/// The image format of the file, when it is one a copy can be made of.
fn readable_format(path: &Path) -> Option<ImageFormat> {
    let format = ImageReader::open(path)
        .ok()?
        .with_guessed_format()
        .ok()?
        .format()?;
    is_copyable(format).then_some(format)
}

/// Whether a file that starts with `head` is an image a copy can be made of.
pub(crate) fn starts_a_copyable_image(head: &[u8]) -> bool {
    image::guess_format(head).is_ok_and(is_copyable)
}

fn is_copyable(format: ImageFormat) -> bool {
    matches!(
        format,
        ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::Gif
            | ImageFormat::WebP
            | ImageFormat::Bmp
    )
}

/// Writes the copy of `original` at `copy`; false when the image needs none (it is no larger
/// than the copy would be) or is not one to decode (too large, or not decodable).
fn make_copy(
    original: &Path,
    copy: &Path,
    format: ImageFormat,
    variant: ImageVariant,
) -> io::Result<bool> {
    let Ok((width, height)) = image::image_dimensions(original) else {
        return Ok(false);
    };
    if width > MAX_SIDE || height > MAX_SIDE || variant.size_of(width, height) == (width, height) {
        return Ok(false);
    }
    let Some(image) = decode_upright(original, format) else {
        return Ok(false);
    };
    let (copy_width, copy_height) = variant.size_of(image.width(), image.height());
    let small = image.resize_exact(copy_width, copy_height, FilterType::Triangle);
    let folder = copy.parent().expect("a copy lives in its file's folder");
    std::fs::create_dir_all(folder)?;
    // Written aside and renamed into place, so a copy is never served half-written, and two
    // requests making it at once each write their own.
    let partial = folder.join(format!(".{:016x}.partial", fastrand::u64(..)));
    let written = write_image(&small, &partial, format);
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, copy)?;
    Ok(true)
}

/// The image, turned as its EXIF orientation says (a phone's photo is stored sideways and
/// shown upright; the copy has no EXIF to say so); `None` when it does not decode.
fn decode_upright(path: &Path, format: ImageFormat) -> Option<DynamicImage> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::open(path).ok()?;
    reader.set_format(format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Some(image)
}

fn write_image(image: &DynamicImage, path: &Path, format: ImageFormat) -> io::Result<()> {
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    let encoded = if format == ImageFormat::Jpeg {
        JpegEncoder::new_with_quality(&mut file, JPEG_QUALITY).encode_image(&image.to_rgb8())
    } else {
        image.write_to(&mut file, ImageFormat::Png)
    };
    encoded.map_err(io::Error::other)?;
    file.into_inner().map_err(io::IntoInnerError::into_error)?;
    Ok(())
}
