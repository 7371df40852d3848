//! The company's branding on the customer page: `BRAND_NAME`, `BRAND_LOGO_URL` (https, or a path
//! on this host) and `BRAND_ACCENT_COLOR` (a CSS hex colour), checked by
//! `chat_to_video::brand`; a bad value refuses start-up naming the variable and what to use.

use super::{invalid, ConfigError};
use chat_to_video::brand::{Brand, BrandField};

/// The variables this file reads.
pub const VARIABLES: [&str; 3] = ["BRAND_NAME", "BRAND_LOGO_URL", "BRAND_ACCENT_COLOR"];

pub fn read(get: impl Fn(&'static str) -> Option<String>) -> Result<Brand, ConfigError> {
    let (name, logo, accent) = (
        get("BRAND_NAME"),
        get("BRAND_LOGO_URL"),
        get("BRAND_ACCENT_COLOR"),
    );
    Brand::from_values(name.as_deref(), logo.as_deref(), accent.as_deref()).map_err(|(field, e)| {
        let var = match field {
            BrandField::Name => "BRAND_NAME",
            BrandField::LogoUrl => "BRAND_LOGO_URL",
            BrandField::AccentColor => "BRAND_ACCENT_COLOR",
        };
        invalid(var, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(
        vars: &'a [(&'static str, &'a str)],
    ) -> impl Fn(&'static str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn no_branding_is_an_empty_brand() {
        assert_eq!(read(env(&[])), Ok(Brand::default()));
    }

    #[test]
    fn a_full_brand_is_read_and_its_text_colour_picked() {
        let brand = read(env(&[
            ("BRAND_NAME", "Owl Shoes"),
            ("BRAND_LOGO_URL", "https://cdn.example.com/owl.svg"),
            ("BRAND_ACCENT_COLOR", "#0263E0"),
        ]))
        .unwrap();
        assert_eq!(brand.name.as_deref(), Some("Owl Shoes"));
        assert_eq!(brand.accent_color.as_deref(), Some("#0263e0"));
        assert_eq!(brand.accent_text_color.as_deref(), Some("#ffffff"));
    }

    #[test]
    fn bad_values_name_the_variable_and_what_to_use() {
        let e = read(env(&[("BRAND_ACCENT_COLOR", "blue")])).unwrap_err();
        assert_eq!(e.var, "BRAND_ACCENT_COLOR");
        assert!(e.to_string().contains("#rrggbb"), "{e}");
        let e = read(env(&[("BRAND_LOGO_URL", "http://cdn.example.com/owl.svg")])).unwrap_err();
        assert_eq!(e.var, "BRAND_LOGO_URL");
        assert!(e.to_string().contains("https"), "{e}");
    }
}
