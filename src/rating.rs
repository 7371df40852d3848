//! The customer's post-call rating: 1 to 5 stars and an optional comment. One rule for the page
//! (before it sends) and the host (before it stores); stored on the task under `videoRating`.

use serde::{Deserialize, Serialize};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// A rating as stored (`videoRating`) and as the page sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    /// 1 to 5.
    pub rating: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// RFC 3339, set by the host when it stores the rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
}

/// Why a rating cannot be taken. The messages are for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("Please choose a rating from 1 to 5.")]
    NoStars,
    #[error("Please keep the comment under 1000 characters.")]
    CommentTooLong,
}

impl Rating {
    /// From untrusted text: the stars (`"1"` to `"5"`, surrounding blanks allowed) and the
    /// comment (trimmed; blank means none).
    pub fn from_input(stars: Option<&str>, comment: Option<&str>) -> Result<Rating, RatingError> {
        let rating = stars
            .and_then(|s| s.trim().parse::<u8>().ok())
            .filter(|s| (1..=5).contains(s))
            .ok_or(RatingError::NoStars)?;
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            return Err(RatingError::CommentTooLong);
        }
        Ok(Rating {
            rating,
            comment: comment.map(str::to_owned),
            submitted_at: None,
        })
    }

    /// The stars, when they are a valid score (stored attributes are untrusted).
    pub fn stars(&self) -> Option<u8> {
        (1..=5).contains(&self.rating).then_some(self.rating)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(stars: u8, comment: Option<&str>) -> Rating {
        Rating {
            rating: stars,
            comment: comment.map(Into::into),
            submitted_at: None,
        }
    }

    #[test]
    fn stars_and_comment_from_input() {
        assert_eq!(
            Rating::from_input(Some("4"), Some("  great  ")),
            Ok(rating(4, Some("great")))
        );
        assert_eq!(
            Rating::from_input(Some(" 5 "), Some("")),
            Ok(rating(5, None))
        );
        assert_eq!(Rating::from_input(Some("1"), None), Ok(rating(1, None)));
        assert_eq!(
            Rating::from_input(Some("3"), Some(" \n ")),
            Ok(rating(3, None))
        );
        for bad in [
            None,
            Some("0"),
            Some("6"),
            Some("x"),
            Some("4.5"),
            Some(""),
            Some("-1"),
        ] {
            assert_eq!(
                Rating::from_input(bad, Some("x")),
                Err(RatingError::NoStars),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_comment_limit_counts_characters() {
        let at_limit = "é".repeat(MAX_COMMENT_CHARS);
        assert!(Rating::from_input(Some("3"), Some(&at_limit)).is_ok());
        let over = "é".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(
            Rating::from_input(Some("3"), Some(&over)),
            Err(RatingError::CommentTooLong)
        );
        // Blanks around the comment do not count.
        let padded = format!("  {at_limit}  ");
        assert!(Rating::from_input(Some("3"), Some(&padded)).is_ok());
    }

    #[test]
    fn stored_stars_are_checked_when_read() {
        assert_eq!(rating(5, None).stars(), Some(5));
        assert_eq!(rating(1, None).stars(), Some(1));
        assert_eq!(rating(0, None).stars(), None);
        assert_eq!(rating(6, None).stars(), None);
    }

    #[test]
    fn wire_shape() {
        let r = Rating {
            submitted_at: Some("2026-01-01T00:00:00Z".into()),
            ..rating(4, Some("ok"))
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"rating": 4, "comment": "ok", "submittedAt": "2026-01-01T00:00:00Z"})
        );
        assert_eq!(
            serde_json::to_value(rating(2, None)).unwrap(),
            serde_json::json!({"rating": 2})
        );
    }
}
