//! Where ratings are pushed (`RATING_WEBHOOK_URL`) and the secret that signs them
//! (`RATING_WEBHOOK_SECRET`); see `functions::rating_webhook`.

use super::values::parse_base_url;
use super::{invalid, ConfigError};

/// The variables this file reads.
pub const VARIABLES: [&str; 2] = ["RATING_WEBHOOK_URL", "RATING_WEBHOOK_SECRET"];

/// An operator's endpoint for ratings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingWebhook {
    pub url: String,
    pub secret: String,
}

pub fn read(
    get: impl Fn(&'static str) -> Option<String>,
) -> Result<Option<RatingWebhook>, ConfigError> {
    match (get("RATING_WEBHOOK_URL"), get("RATING_WEBHOOK_SECRET")) {
        (None, None) => Ok(None),
        (Some(url), Some(secret)) => {
            if secret.len() < 16 {
                return Err(invalid(
                    "RATING_WEBHOOK_SECRET",
                    "must be at least 16 characters (e.g. `openssl rand -hex 32`)",
                ));
            }
            Ok(Some(RatingWebhook {
                url: parse_base_url("RATING_WEBHOOK_URL", &url)?,
                secret,
            }))
        }
        (Some(_), None) => Err(invalid(
            "RATING_WEBHOOK_SECRET",
            "required when RATING_WEBHOOK_URL is set: it signs each delivery \
             (X-C2V-Signature); e.g. `openssl rand -hex 32`",
        )),
        (None, Some(_)) => Err(invalid(
            "RATING_WEBHOOK_URL",
            "required when RATING_WEBHOOK_SECRET is set: where to push ratings",
        )),
    }
}
