//! Profile photos: an upload is checked, decoded and drawn anew, so nothing of the
//! original file — EXIF and GPS metadata, trailing data, a second format hidden in the
//! same bytes — reaches anyone who looks at it.
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The largest upload accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The largest picture accepted, in pixels.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The stored sizes: the display size and a thumbnail, square, in pixels.
pub const LARGE: u32 = 512;
pub const SMALL: u32 = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoError {
    /// Over [`MAX_BYTES`].
    TooLarge,
    /// Over [`MAX_PIXELS`].
    TooManyPixels,
    /// Not JPEG, PNG or WebP.
    WrongType,
    /// It says it is an image but does not decode as one.
    Corrupt,
    /// There is more in the file than the image: another format rides along.
    Polyglot,
}

/// The stored sizes, as JPEG.
#[derive(Clone, Debug)]
pub struct Processed {
    pub large: Vec<u8>,
    pub small: Vec<u8>,
}

/// Where the image data ends, if the file says so: anything after it is not image.
fn image_end(format: ImageFormat, bytes: &[u8]) -> Option<usize> {
    match format {
        // The IEND chunk: length 0, type, CRC.
        ImageFormat::Png => bytes
            .windows(8)
            .rposition(|w| w == b"\0\0\0\0IEND")
            .map(|at| at + 12),
        // RIFF: the size field counts what follows the first 8 bytes.
        ImageFormat::WebP => bytes.get(4..8).map(|size| {
            let n = u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize;
            8 + n + (n & 1)
        }),
        // The last End Of Image marker.
        ImageFormat::Jpeg => bytes
            .windows(2)
            .rposition(|w| w == [0xFF, 0xD9])
            .map(|at| at + 2),
        _ => None,
    }
}

/// Refuses anything after the image's end (zero padding aside), and files whose
/// beginning another format would also claim (a polyglot such as a GIFAR or an HTML
/// page with an image tail).
fn single_image(format: ImageFormat, bytes: &[u8]) -> Result<(), PhotoError> {
    let end = image_end(format, bytes).ok_or(PhotoError::Corrupt)?;
    if end > bytes.len() {
        return Err(PhotoError::Corrupt);
    }
    if bytes[end..].iter().any(|b| *b != 0) {
        return Err(PhotoError::Polyglot);
    }
    // Markup a browser would run if the bytes were ever taken for a page.
    let suspicious: [&[u8]; 2] = [b"<script", b"<html"];
    let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
    if suspicious
        .iter()
        .any(|sig| lower.windows(sig.len()).any(|w| w == *sig))
    {
        return Err(PhotoError::Polyglot);
    }
    Ok(())
}

fn square(image: DynamicImage, side: u32) -> DynamicImage {
    let (w, h) = (image.width(), image.height());
    let edge = w.min(h);
    let cropped = image.crop_imm((w - edge) / 2, (h - edge) / 2, edge, edge);
    cropped.resize_exact(side, side, FilterType::Lanczos3)
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85))
        .map_err(|_| PhotoError::Corrupt)?;
    Ok(out)
}

/// Checks an upload and draws the stored sizes from it.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::WrongType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::WrongType);
    }
    single_image(format, bytes)?;
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader.into_dimensions().map_err(|_| PhotoError::Corrupt)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| PhotoError::Corrupt)?;
    Ok(Processed {
        large: jpeg(&square(image.clone(), LARGE))?,
        small: jpeg(&square(image, SMALL))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn a_picture_becomes_two_square_jpegs() {
        let out = process(&png(300, 200)).expect("processed");
        for (bytes, side) in [(&out.large, LARGE), (&out.small, SMALL)] {
            let img = image::load_from_memory(bytes).expect("decodes");
            assert_eq!((img.width(), img.height()), (side, side));
            assert_eq!(
                image::guess_format(bytes).expect("format"),
                ImageFormat::Jpeg
            );
        }
    }

    #[test]
    fn bad_files_are_refused_for_what_they_are() {
        let good = png(40, 40);
        let mut corrupt = good.clone();
        corrupt.truncate(good.len() / 2);
        assert_eq!(process(&corrupt).err(), Some(PhotoError::Corrupt));
        let mut zipped = good.clone();
        zipped.extend_from_slice(b"PK\x03\x04 a zip rides along");
        assert_eq!(process(&zipped).err(), Some(PhotoError::Polyglot));
        assert_eq!(
            process(b"<html><script>alert(1)</script>").err(),
            Some(PhotoError::WrongType)
        );
        assert_eq!(process(b"GIF89a......").err(), Some(PhotoError::WrongType));
        assert_eq!(
            process(&vec![0u8; MAX_BYTES + 1]).err(),
            Some(PhotoError::TooLarge)
        );
    }
}
