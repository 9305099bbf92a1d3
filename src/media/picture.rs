//! An image as a page shows it: the largest file as `src`, every resized variant in
//! `srcset`, and the width and height so the page does not jump while it loads.

/// Where uploaded files are served from: `/media/{stem}.{extension}` and
/// `/media/{stem}-{width}.{extension}`.
pub const URL_PREFIX: &str = "/media/";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    pub src: String,
    /// Empty when the image has no variants.
    pub srcset: String,
    /// 0 when unknown (an external image without metadata): the page then gives none.
    pub width: i32,
    pub height: i32,
    pub alt: String,
}

impl Picture {
    /// An image that stays at its original address (imported): one `src`, no variants.
    pub fn external(url: &str, width: i32, height: i32, alt: &str) -> Picture {
        Picture {
            src: url.to_owned(),
            srcset: String::new(),
            width,
            height,
            alt: alt.to_owned(),
        }
    }

    /// From a media row's columns; `variant_widths` is its comma-separated list.
    pub fn new(
        stem: &str,
        extension: &str,
        width: i32,
        height: i32,
        variant_widths: &str,
        alt: &str,
    ) -> Picture {
        let original = format!("{URL_PREFIX}{stem}.{extension}");
        let mut candidates: Vec<String> = variant_widths
            .split(',')
            .filter_map(|w| w.trim().parse::<i32>().ok())
            .filter(|w| *w > 0 && *w < width)
            .map(|w| format!("{URL_PREFIX}{stem}-{w}.{extension} {w}w"))
            .collect();
        let srcset = if candidates.is_empty() {
            String::new()
        } else {
            candidates.push(format!("{original} {width}w"));
            candidates.join(", ")
        };
        Picture {
            src: original,
            srcset,
            width,
            height,
            alt: alt.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_variant_narrower_than_the_original() {
        let picture = Picture::new("a1b2", "jpg", 2000, 1000, "480,960,1600", "Serum");
        assert_eq!(picture.src, "/media/a1b2.jpg");
        assert_eq!(
            picture.srcset,
            "/media/a1b2-480.jpg 480w, /media/a1b2-960.jpg 960w, /media/a1b2-1600.jpg 1600w, /media/a1b2.jpg 2000w"
        );
        assert_eq!((picture.width, picture.height), (2000, 1000));
    }

    #[test]
    fn an_external_image_is_its_address_alone() {
        let picture = Picture::external("https://example.com/a.jpg", 0, 0, "A");
        assert_eq!(picture.src, "https://example.com/a.jpg");
        assert_eq!(picture.srcset, "");
    }

    #[test]
    fn a_small_image_has_no_srcset() {
        let picture = Picture::new("s", "png", 300, 200, "", "");
        assert_eq!(picture.srcset, "");
        assert_eq!(Picture::new("s", "png", 300, 200, "480, x", "").srcset, "");
    }
}
