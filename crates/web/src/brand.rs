//! The operator's brand: product name, logo and accent colour on every page.
//!
//! The content security policy forbids inline styles, so the accent is served as a
//! small stylesheet of its own (`/static/brand.css`) that sets the colour variables;
//! the text on the accent is black or white, whichever contrasts more (WCAG 2.1
//! relative luminance), so buttons stay readable whatever colour the operator picks.
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// The largest logo accepted; a logo is a small mark in the header, not a photo.
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

#[derive(Clone, Debug)]
pub struct Brand {
    /// Shown in the header and after every page title.
    pub product_name: String,
    pub logo: Option<Logo>,
    pub accent: Option<Accent>,
}

impl Default for Brand {
    fn default() -> Self {
        Self {
            product_name: "Sigil".to_owned(),
            logo: None,
            accent: None,
        }
    }
}

impl Brand {
    pub fn has_logo(&self) -> bool {
        self.logo.is_some()
    }

    pub fn has_accent(&self) -> bool {
        self.accent.is_some()
    }
}

/// A logo file, its type read from its first bytes.
#[derive(Clone, Debug)]
pub struct Logo {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BrandError {
    #[error("the accent must be a colour written #rrggbb, e.g. #2f5bd3")]
    BadAccent,
    #[error("the logo is larger than {LOGO_MAX_BYTES} bytes")]
    LogoTooLarge,
    #[error("the logo must be a PNG, SVG or WebP image")]
    LogoType,
}

impl Logo {
    /// Takes the bytes of a PNG, SVG or WebP file, refusing anything else or larger
    /// than [`LOGO_MAX_BYTES`].
    pub fn sniff(bytes: Vec<u8>) -> Result<Self, BrandError> {
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(BrandError::LogoTooLarge);
        }
        let content_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            "image/webp"
        } else if is_svg(&bytes) {
            "image/svg+xml"
        } else {
            return Err(BrandError::LogoType);
        };
        Ok(Self {
            content_type,
            bytes,
        })
    }
}

fn is_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<?xml") || head.starts_with("<svg") || head.starts_with("<!--"))
        && head.contains("<svg")
}

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accent {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Accent {
    /// `#rrggbb`, nothing else.
    pub fn parse(raw: &str) -> Result<Self, BrandError> {
        let hex = raw.strip_prefix('#').ok_or(BrandError::BadAccent)?;
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(BrandError::BadAccent);
        }
        let byte =
            |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| BrandError::BadAccent);
        Ok(Self {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
        })
    }

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// [WCAG 2.1 relative luminance](https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)
    }

    /// [WCAG 2.1 contrast ratio](https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
    fn contrast(self, other: Accent) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    const WHITE: Accent = Accent {
        r: 255,
        g: 255,
        b: 255,
    };
    const BLACK: Accent = Accent { r: 0, g: 0, b: 0 };

    /// Black or white, whichever reads better on this colour (at least 4.5:1 is always
    /// reached by one of them).
    pub fn ink(self) -> Accent {
        if self.contrast(Self::WHITE) >= self.contrast(Self::BLACK) {
            Self::WHITE
        } else {
            Self::BLACK
        }
    }

    /// The stylesheet that puts this accent on buttons, links and focus rings. Links
    /// and rings sit on the page's own background, so there the accent is darkened
    /// (light scheme) or lightened (dark scheme) until it reaches 4.5:1.
    pub fn stylesheet(self) -> String {
        // The darker of the light scheme's page backgrounds (sigil.css `--bg`), and
        // the lighter of the dark scheme's (`--card`): links sit on both.
        let light_bg = Accent {
            r: 0xf4,
            g: 0xf6,
            b: 0xf9,
        };
        let dark_bg = Accent {
            r: 0x1c,
            g: 0x21,
            b: 0x2b,
        };
        let on_light = self.towards(Self::BLACK, light_bg);
        let on_dark = self.towards(Self::WHITE, dark_bg);
        format!(
            ":root {{ --accent: {}; --accent-ink: {}; --link: {}; }}\n\
             @media (prefers-color-scheme: dark) {{ :root {{ --link: {}; }} }}\n",
            self.hex(),
            self.ink().hex(),
            on_light.hex(),
            on_dark.hex()
        )
    }

    /// This colour mixed step by step with `target` until it contrasts 4.5:1 with `bg`.
    fn towards(self, target: Accent, bg: Accent) -> Accent {
        let mix =
            |a: u8, b: u8, t: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        (0..=20)
            .map(|step| {
                let t = f64::from(step) / 20.0;
                Accent {
                    r: mix(self.r, target.r, t),
                    g: mix(self.g, target.g, t),
                    b: mix(self.b, target.b, t),
                }
            })
            .find(|c| c.contrast(bg) >= 4.5)
            .unwrap_or(target)
    }
}

/// Anyone: the accent's stylesheet (empty when the operator set none).
pub(crate) async fn stylesheet(State(state): State<AppState>) -> Response {
    let css = state
        .config
        .brand
        .accent
        .map(Accent::stylesheet)
        .unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    )
        .into_response()
}

/// Anyone: the operator's logo.
pub(crate) async fn logo(State(state): State<AppState>) -> Response {
    match &state.config.brand.logo {
        Some(logo) => (
            [
                (header::CONTENT_TYPE, logo.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
                // An SVG opened on its own could carry script: it runs nothing here.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                ),
            ],
            logo.bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ink_on_any_accent_contrasts_at_least_four_and_a_half_to_one() {
        for raw in [
            "#2f5bd3", "#ffcc00", "#000000", "#ffffff", "#777777", "#e91e63", "#00ff00",
        ] {
            let accent = Accent::parse(raw).expect(raw);
            assert!(accent.contrast(accent.ink()) >= 4.5, "{raw}");
        }
        assert_eq!(Accent::parse("#ffcc00").map(Accent::ink), Ok(Accent::BLACK));
        assert_eq!(Accent::parse("#2f5bd3").map(Accent::ink), Ok(Accent::WHITE));
    }

    #[test]
    fn only_hash_and_six_hex_digits_is_an_accent() {
        for bad in [
            "2f5bd3", "#2f5bd", "#2f5bd3a", "#gggggg", "blue", "", "#+f5bd3",
        ] {
            assert_eq!(Accent::parse(bad), Err(BrandError::BadAccent), "{bad}");
        }
    }

    #[test]
    fn links_in_the_accent_stay_readable_on_both_backgrounds() {
        let yellow = Accent::parse("#ffee00").expect("yellow");
        let light = yellow.towards(Accent::BLACK, Accent::WHITE);
        assert!(light.contrast(Accent::WHITE) >= 4.5);
        let css = yellow.stylesheet();
        assert!(css.contains("--accent: #ffee00;"), "{css}");
        assert!(css.contains("--accent-ink: #000000;"), "{css}");
    }

    #[test]
    fn a_logo_is_a_png_svg_or_webp_of_modest_size() {
        let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
        assert_eq!(Logo::sniff(png).map(|l| l.content_type), Ok("image/png"));
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#.to_vec();
        assert_eq!(
            Logo::sniff(svg).map(|l| l.content_type),
            Ok("image/svg+xml")
        );
        let webp = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
        assert_eq!(Logo::sniff(webp).map(|l| l.content_type), Ok("image/webp"));
        assert_eq!(
            Logo::sniff(b"GIF89a".to_vec()).map(|l| l.content_type),
            Err(BrandError::LogoType)
        );
        assert_eq!(
            Logo::sniff(vec![0x89; LOGO_MAX_BYTES + 1]).map(|l| l.content_type),
            Err(BrandError::LogoTooLarge)
        );
    }
}
