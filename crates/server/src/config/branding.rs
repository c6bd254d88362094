//! `[branding]`: the operator's product name, logo and accent colour.
use std::path::PathBuf;

use serde::Deserialize;
use sigil_web::brand::{Accent, Brand, Logo};

use super::{err, ConfigError};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BrandingFile {
    product_name: Option<String>,
    /// A PNG, SVG or WebP file, read once at start-up.
    logo: Option<PathBuf>,
    /// `#rrggbb`.
    accent: Option<String>,
}

pub(super) fn branding(file: Option<BrandingFile>) -> Result<Brand, ConfigError> {
    let file = file.unwrap_or_default();
    let mut brand = Brand::default();
    if let Some(name) = file.product_name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(err("branding.product_name", "use 1 to 40 characters"));
        }
        name.clone_into(&mut brand.product_name);
    }
    if let Some(path) = file.logo {
        let bytes = std::fs::read(&path)
            .map_err(|e| err("branding.logo", format!("{}: {e}", path.display())))?;
        brand.logo = Some(
            Logo::sniff(bytes)
                .map_err(|e| err("branding.logo", format!("{}: {e}", path.display())))?,
        );
    }
    if let Some(raw) = file.accent {
        brand.accent =
            Some(Accent::parse(&raw).map_err(|e| err("branding.accent", format!("`{raw}`: {e}")))?);
    }
    Ok(brand)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(logo: Option<PathBuf>, accent: Option<&str>) -> Option<BrandingFile> {
        Some(BrandingFile {
            product_name: Some("  Acme ID ".into()),
            logo,
            accent: accent.map(str::to_owned),
        })
    }

    #[test]
    fn a_bad_accent_or_logo_stops_the_start_up_naming_the_setting() {
        let e = branding(file(None, Some("yellow"))).expect_err("not #rrggbb");
        assert_eq!(e.setting, "branding.accent");
        assert!(e.message.contains("#rrggbb"), "{}", e.message);

        let dir = std::env::temp_dir().join(format!("sigil-brand-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let gif = dir.join("logo.gif");
        std::fs::write(&gif, b"GIF89a").expect("gif");
        let e = branding(file(Some(gif), None)).expect_err("not a PNG, SVG or WebP");
        assert_eq!(e.setting, "branding.logo");
        let e = branding(file(Some(dir.join("missing.png")), None)).expect_err("no file");
        assert_eq!(e.setting, "branding.logo");

        let png = dir.join("logo.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n....").expect("png");
        let brand = branding(file(Some(png), Some("#2F5BD3"))).expect("a brand");
        assert_eq!(brand.product_name, "Acme ID");
        assert!(brand.has_logo() && brand.has_accent());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn without_the_table_the_product_is_sigil() {
        let brand = branding(None).expect("defaults");
        assert_eq!(brand.product_name, "Sigil");
        assert!(!brand.has_logo() && !brand.has_accent());
    }
}
