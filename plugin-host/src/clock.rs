//! Wall-clock helpers: Unix milliseconds and Twilio's timestamp format (`2015-07-30T20:00:00Z`).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Twilio's REST timestamps: RFC 3339, UTC, whole seconds.
pub fn rfc3339_secs(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    t.format(&Rfc3339).unwrap_or_default()
}

/// RFC 3339 with milliseconds (IAM's `expiration`).
pub fn rfc3339_millis(ms: i64) -> String {
    let secs = rfc3339_secs(ms);
    let whole = secs.strip_suffix('Z').unwrap_or(&secs);
    format!("{whole}.{:03}Z", ms.rem_euclid(1000))
}

/// An RFC 3339 timestamp (Twilio's `date_expires`, …) as Unix milliseconds.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_twilio_timestamps() {
        assert_eq!(
            parse_rfc3339_ms("2015-07-30T20:00:00Z"),
            Some(1_438_286_400_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2015-07-30T20:00:00.123Z"),
            Some(1_438_286_400_123)
        );
        assert_eq!(
            parse_rfc3339_ms(&rfc3339_secs(1_700_000_000_999)),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_rfc3339_ms("yesterday"), None);
        assert_eq!(parse_rfc3339_ms(""), None);
    }

    #[test]
    fn formats_like_twilio() {
        assert_eq!(rfc3339_secs(1_438_286_400_123), "2015-07-30T20:00:00Z");
        assert_eq!(
            rfc3339_millis(1_537_831_364_240),
            "2018-09-24T23:22:44.240Z"
        );
    }
}
