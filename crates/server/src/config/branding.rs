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
