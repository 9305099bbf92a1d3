//! Turning uploaded bytes into files: the type is read from the bytes (never the name or
//! the browser's word), the image must decode within limits (no decompression bombs), the
//! original is kept byte for byte under a random name, and narrower variants are made.
//! Everything here blocks: call it off the async workers.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::media::VARIANT_WIDTHS;
use crate::web::tokens::new_token;

/// The largest upload accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The most pixels a side, and the most memory a decode may take.
pub const MAX_SIDE: u32 = 12_000;
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Where the files live: `{data dir}/media`.
#[derive(Clone, Debug)]
pub struct MediaDir(pub PathBuf);

impl MediaDir {
    pub fn path(&self, file_name: &str) -> PathBuf {
        self.0.join(file_name)
    }
}

/// The kinds of image accepted: (format, extension, MIME type).
const ACCEPTED: [(ImageFormat, &str, &str); 4] = [
    (ImageFormat::Jpeg, "jpg", "image/jpeg"),
    (ImageFormat::Png, "png", "image/png"),
    (ImageFormat::WebP, "webp", "image/webp"),
    (ImageFormat::Gif, "gif", "image/gif"),
];

/// The MIME type of a stored file's extension.
pub fn mime_of(extension: &str) -> Option<&'static str> {
    ACCEPTED
        .iter()
        .find(|(_, ext, _)| *ext == extension)
        .map(|(_, _, mime)| *mime)
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("Choose an image to upload.")]
    Empty,
    #[error("“{0}” is not a JPEG, PNG, WebP or GIF image.")]
    NotAnImage(String),
    #[error("“{0}” is larger than 10 MiB. Make it smaller and upload it again.")]
    TooBig(String),
    #[error("“{0}” could not be read as an image: the file is damaged or incomplete.")]
    Undecodable(String),
    #[error("“{0}” has too many pixels: at most 12,000 a side.")]
    TooManyPixels(String),
}

/// What was stored, for the media row.
#[derive(Debug)]
pub struct Stored {
    pub stem: String,
    pub extension: &'static str,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub byte_size: i64,
    /// "480,960": the variants made.
    pub variant_widths: String,
}

/// A failure that is not the upload's fault (the disk).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Refused(#[from] UploadError),
    #[error("cannot write the media files: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode a variant: {0}")]
    Encode(#[from] image::ImageError),
}

/// Checks `bytes` and writes the original and its variants under `dir`.
pub fn store(dir: &MediaDir, bytes: &[u8], shown_name: &str) -> Result<Stored, StoreError> {
    let (format, extension, mime) = accepted_format(bytes, shown_name)?;
    let image = decode(bytes, format, shown_name)?;
    let (width, height) = (image.width(), image.height());
    std::fs::create_dir_all(&dir.0)?;
    let stem: String = new_token().chars().take(32).collect();
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<Vec<u32>, StoreError> {
        let original = dir.path(&format!("{stem}.{extension}"));
        write_new(&original, bytes)?;
        written.push(original);
        let mut made = Vec::new();
        // GIFs keep only the original: resizing would drop every frame but the first.
        if format == ImageFormat::Gif {
            return Ok(made);
        }
        for target in VARIANT_WIDTHS.into_iter().filter(|w| *w < width) {
            let target_height = ((u64::from(height) * u64::from(target) + u64::from(width) / 2)
                / u64::from(width))
            .max(1);
            let target_height = u32::try_from(target_height).unwrap_or(u32::MAX);
            let resized = image.resize_exact(target, target_height, FilterType::Lanczos3);
            let encoded = encode(&resized, format)?;
            let path = dir.path(&format!("{stem}-{target}.{extension}"));
            write_new(&path, &encoded)?;
            written.push(path);
            made.push(target);
        }
        Ok(made)
    })();
    match result {
        Ok(made) => Ok(Stored {
            stem,
            extension,
            mime,
            width,
            height,
            byte_size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            variant_widths: made
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
        }),
        Err(e) => {
            remove_files(&written);
            Err(e)
        }
    }
}

/// The format the bytes are in, if it is one we take.
fn accepted_format(
    bytes: &[u8],
    shown_name: &str,
) -> Result<(ImageFormat, &'static str, &'static str), UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    let guessed = image::guess_format(bytes).ok();
    ACCEPTED
        .into_iter()
        .find(|(format, _, _)| Some(*format) == guessed)
        .ok_or_else(|| UploadError::NotAnImage(shown_name.to_owned()))
}

fn decode(
    bytes: &[u8],
    format: ImageFormat,
    shown_name: &str,
) -> Result<DynamicImage, UploadError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => UploadError::TooManyPixels(shown_name.to_owned()),
        _ => UploadError::Undecodable(shown_name.to_owned()),
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let orientation = decoder.orientation().map_err(refused)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    // Variants are upright, like the original as browsers show it.
    image.apply_orientation(orientation);
    Ok(image)
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder)?;
        }
        ImageFormat::WebP => {
            DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut out, format)?
        }
        _ => image.write_to(&mut out, format)?,
    }
    Ok(out.into_inner())
}

/// Writes a file that must not exist yet (names are random; a clash is never overwritten).
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Removes files, ignoring those already gone.
pub fn remove_files(paths: &[PathBuf]) {
    for path in paths {
        if let Err(e) = std::fs::remove_file(path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove a media file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(image)
            .write_to(&mut out, ImageFormat::Png)
            .expect("encode a PNG");
        out.into_inner()
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(
            accepted_format(&png(2, 2), "photo.jpg").map(|f| f.1),
            Ok("png")
        );
        assert_eq!(
            accepted_format(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png"),
            Err(UploadError::NotAnImage("a.png".into()))
        );
        assert_eq!(
            accepted_format(b"<script>alert(1)</script>", "x.gif"),
            Err(UploadError::NotAnImage("x.gif".into()))
        );
        assert_eq!(accepted_format(b"", "x"), Err(UploadError::Empty));
    }

    #[test]
    fn a_truncated_image_is_refused() {
        let bytes = png(50, 50);
        let cut = &bytes[..bytes.len() / 2];
        assert_eq!(
            decode(cut, ImageFormat::Png, "cut.png").err(),
            Some(UploadError::Undecodable("cut.png".into()))
        );
    }

    #[test]
    fn variants_are_made_below_the_original_width() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let media = MediaDir(dir.path().join("media"));
        let stored = store(&media, &png(1000, 500), "wide.png").expect("stored");
        assert_eq!((stored.width, stored.height), (1000, 500));
        assert_eq!(stored.variant_widths, "480,960");
        let variant = std::fs::read(media.path(&format!("{}-480.png", stored.stem))).expect("480");
        let decoded = image::load_from_memory(&variant).expect("decode");
        assert_eq!((decoded.width(), decoded.height()), (480, 240));
        let original = std::fs::read(media.path(&format!("{}.png", stored.stem))).expect("orig");
        assert_eq!(original, png(1000, 500));
    }
}
