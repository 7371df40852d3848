//! The company's branding on the customer page (and the accent in the agent's tab): its name,
//! its logo's URL and an accent colour, each validated, and the text colour that stays readable
//! on the accent (WCAG 2 contrast, at least AA's 4.5:1 for normal text). Configured through the
//! host's environment (`BRAND_NAME`, `BRAND_LOGO_URL`, `BRAND_ACCENT_COLOR`) and the plugin's
//! `ui_attributes.custom_data.branding`; served to the customer page as
//! `/features/chat-to-video/brand.json` ([`Brand`]'s JSON).

use serde::{Deserialize, Serialize};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

pub const WHITE: Color = Color {
    r: 255,
    g: 255,
    b: 255,
};
pub const BLACK: Color = Color { r: 0, g: 0, b: 0 };

/// WCAG AA's minimum contrast for normal text.
pub const AA_TEXT: f64 = 4.5;

/// Why a branding value cannot be used; the message says what a good one looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrandError {
    #[error("`{0}` is not a CSS hex colour: use #rgb or #rrggbb, e.g. #0263e0")]
    NotHexColor(String),
    #[error("`{0}` is not an https URL or a path on this host (starting with /)")]
    LogoNotHttps(String),
    #[error("the company name is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong,
}

/// The longest company name the header shows.
pub const MAX_NAME_CHARS: usize = 80;

impl Color {
    /// `#rgb` or `#rrggbb` (any case).
    pub fn parse_hex(text: &str) -> Result<Color, BrandError> {
        let bad = || BrandError::NotHexColor(text.to_owned());
        let hex = text.trim().strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).map_err(|_| bad());
        let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        match hex.len() {
            3 => Ok(Color {
                r: digit(0)? * 17,
                g: digit(1)? * 17,
                b: digit(2)? * 17,
            }),
            6 => Ok(Color {
                r: pair(0)?,
                g: pair(2)?,
                b: pair(4)?,
            }),
            _ => Err(bad()),
        }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(7);
        out.push('#');
        for c in [self.r, self.g, self.b] {
            out.push(DIGITS[usize::from(c >> 4)] as char);
            out.push(DIGITS[usize::from(c & 15)] as char);
        }
        out
    }

    /// WCAG 2's relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                pow_2_4((c + 0.055) / 1.055)
            }
        };
        0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)
    }

    /// White or black, whichever contrasts more with this colour as a background (always at
    /// least 4.5:1: no colour is within 4.5:1 of both).
    pub fn text_on(self) -> Color {
        if contrast(self, WHITE) >= contrast(self, BLACK) {
            WHITE
        } else {
            BLACK
        }
    }
}

/// `x` to the power 2.4 for `x` in (0, 1], as x² · (x²)^⅕ with the fifth root by Newton's method:
/// only multiplications and divisions, so the browser module carries no `pow` from libm.
pub fn pow_2_4(x: f64) -> f64 {
    let y = x * x;
    // From above the root, Newton's steps fall monotonically onto it.
    let mut r = 1.0_f64;
    for _ in 0..64 {
        let r4 = r * r * r * r;
        r = (4.0 * r + y / r4) / 5.0;
    }
    y * r
}

/// WCAG 2's contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A logo URL the page may load: `https://…`, or a path on the host's own origin (`/…`, not
/// `//…`, which would be another host).
pub fn check_logo_url(url: &str) -> Result<String, BrandError> {
    let url = url.trim();
    let own_path = url.starts_with('/') && !url.starts_with("//");
    let https = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && url.len() > 8;
    if (own_path || https) && !url.chars().any(|c| c.is_whitespace() || c == '"') {
        Ok(url.to_owned())
    } else {
        Err(BrandError::LogoNotHttps(url.to_owned()))
    }
}

/// What the customer page shows of the company. Every field is optional: without any, the
/// header names only the agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<String>,
    /// `#ffffff` or `#000000`: the text on the accent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_text_color: Option<String>,
}

impl Brand {
    /// From raw configuration values (blank ones absent), each checked.
    pub fn from_values(
        name: Option<&str>,
        logo_url: Option<&str>,
        accent: Option<&str>,
    ) -> Result<Brand, (BrandField, BrandError)> {
        fn blank(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let name = match blank(name) {
            Some(n) if n.chars().count() > MAX_NAME_CHARS => {
                return Err((BrandField::Name, BrandError::NameTooLong))
            }
            n => n.map(str::to_owned),
        };
        let logo_url = blank(logo_url)
            .map(check_logo_url)
            .transpose()
            .map_err(|e| (BrandField::LogoUrl, e))?;
        let accent = blank(accent)
            .map(Color::parse_hex)
            .transpose()
            .map_err(|e| (BrandField::AccentColor, e))?;
        Ok(Brand {
            name,
            logo_url,
            accent_color: accent.map(Color::hex),
            accent_text_color: accent.map(|c| c.text_on().hex()),
        })
    }
}

/// Which value was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrandField {
    Name,
    LogoUrl,
    AccentColor,
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
