//! The strings table ([`table`]: the template's keys plus this feature's own, English
//! defaults), values overridable through Flex's `manager.strings`, and the tiny `{{name}}`
//! substitution the templates need (Flex's strings are Handlebars; only plain `{{name}}`
//! placeholders occur).

use crate::rating::Rating;

mod table;
pub use table::Text;

impl Text {
    pub fn from_key(key: &str) -> Option<Text> {
        Text::ALL.into_iter().find(|t| t.key() == key)
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// The invite template's placeholder for the customer's link.
pub const VIDEO_URL: &str = "videoUrl";

/// The customer-rating template's placeholder for the stars (1 to 5).
pub const RATING: &str = "rating";

/// The placeholder for a person's name in the call's announcements.
pub const NAME: &str = "name";

/// The call summary's placeholder for how long the call lasted.
pub const DURATION: &str = "duration";

/// The table in use: defaults, with any overrides `manager.strings` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strings {
    overrides: [Option<String>; Text::ALL.len()],
}

impl Default for Strings {
    fn default() -> Self {
        Strings {
            overrides: std::array::from_fn(|_| None),
        }
    }
}

impl Strings {
    /// Builds the table from a lookup of `manager.strings` (called once per key). Values that
    /// are blank fall back to the default: an empty label or notification helps nobody.
    pub fn from_lookup(mut lookup: impl FnMut(&str) -> Option<String>) -> Self {
        let mut s = Strings::default();
        for t in Text::ALL {
            if let Some(v) = lookup(t.key()).filter(|v| !v.trim().is_empty()) {
                s.overrides[t.index()] = Some(v);
            }
        }
        s
    }

    /// The template text (placeholders not yet substituted).
    pub fn get(&self, t: Text) -> &str {
        self.overrides[t.index()]
            .as_deref()
            .unwrap_or(t.default_text())
    }

    /// The chat message that invites the customer. A customised template without a
    /// `{{videoUrl}}` placeholder (the template's own string ended with a colon and the URL was
    /// appended) gets the URL appended after a space, so the link is never lost.
    pub fn invite_body(&self, video_url: &str) -> String {
        let template = self.get(Text::InviteMessage);
        if has_placeholder(template, VIDEO_URL) {
            render(template, &[(VIDEO_URL, video_url)])
        } else {
            let mut out = render(template, &[]);
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(video_url);
            out
        }
    }

    /// A sentence about a person (`{{name}} left the call.`); a customised text without the
    /// placeholder gets the name in front, so it never loses who it is about.
    pub fn about(&self, t: Text, name: &str) -> String {
        let template = self.get(t);
        if has_placeholder(template, NAME) {
            return render(template, &[(NAME, name)]);
        }
        let mut out = String::with_capacity(name.len() + 2 + template.len());
        out.push_str(name);
        out.push_str(": ");
        out.push_str(&render(template, &[]));
        out
    }

    /// "Video call: 4 min 12 s" for a call of `secs` seconds.
    pub fn call_summary(&self, secs: u64) -> String {
        let duration = duration_text(secs);
        let template = self.get(Text::CallSummary);
        if has_placeholder(template, DURATION) {
            return render(template, &[(DURATION, &duration)]);
        }
        let mut out = render(template, &[]);
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(&duration);
        out
    }

    /// The line that shows the customer's rating ("Customer rating: 4/5"), or `None` for a
    /// score outside 1 to 5 (attributes are untrusted: [`Rating::stars`]). A customised text
    /// without the `{{rating}}` placeholder gets " 4/5" appended, so the score is never lost.
    pub fn customer_rating(&self, rating: &Rating) -> Option<String> {
        let stars = rating.stars()?;
        let digit = [b'0' + stars];
        let stars = std::str::from_utf8(&digit).unwrap_or("?");
        let template = self.get(Text::CustomerRating);
        if has_placeholder(template, RATING) {
            return Some(render(template, &[(RATING, stars)]));
        }
        let mut out = render(template, &[]);
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(stars);
        out.push_str("/5");
        Some(out)
    }
}

/// `45 s`, `4 min 12 s`, `1 h 02 min`: a call's length, without the formatting machinery.
pub fn duration_text(secs: u64) -> String {
    fn push_number(out: &mut String, n: u64, width: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for _ in (digits.len() - i)..width {
            out.push('0');
        }
        for &d in &digits[i..] {
            out.push(d as char);
        }
    }
    let mut out = String::new();
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        push_number(&mut out, h, 1);
        out.push_str(" h ");
        push_number(&mut out, m, 2);
        out.push_str(" min");
    } else if m > 0 {
        push_number(&mut out, m, 1);
        out.push_str(" min ");
        push_number(&mut out, s, 1);
        out.push_str(" s");
    } else {
        push_number(&mut out, s, 1);
        out.push_str(" s");
    }
    out
}

/// Substitutes `{{name}}` placeholders (inner whitespace allowed, `{{{name}}}` treated the
/// same) with `vars`. Unknown names render as nothing, as in Handlebars; an unterminated `{{`
/// stays as written. Values are inserted verbatim and never re-scanned.
pub fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    scan(template, |piece| match piece {
        Piece::Literal(text) => out.push_str(text),
        Piece::Placeholder(name) => {
            if let Some((_, value)) = vars.iter().find(|(k, _)| *k == name) {
                out.push_str(value);
            }
        }
    });
    out
}

/// Whether `template` has a `{{name}}` placeholder for `name`.
pub fn has_placeholder(template: &str, name: &str) -> bool {
    let mut found = false;
    scan(template, |piece| found |= piece == Piece::Placeholder(name));
    found
}

#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

fn scan<'a>(template: &'a str, mut emit: impl FnMut(Piece<'a>)) {
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        emit(Piece::Literal(&rest[..start]));
        let mut end = start + 2 + len + 2;
        let mut name = &rest[start + 2..start + 2 + len];
        if let Some(inner) = name.strip_prefix('{') {
            name = inner;
            if rest[end..].starts_with('}') {
                end += 1;
            }
        }
        emit(Piece::Placeholder(name.trim()));
        rest = &rest[end..];
    }
    emit(Piece::Literal(rest));
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn keys_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for (i, t) in Text::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i, "ALL must list variants in declaration order");
            assert!(seen.insert(t.key()), "duplicate key {}", t.key());
            assert_eq!(Text::from_key(t.key()), Some(t));
            assert!(t.key().starts_with("PS"));
            assert!(!t.default_text().is_empty());
        }
        assert_eq!(Text::from_key("PSNope"), None);
    }

    #[test]
    fn template_keys_and_defaults() {
        let s = Strings::default();
        assert_eq!(s.get(Text::SwitchToVideo), "Switch to Video");
        assert_eq!(s.get(Text::VideoRoom), "Video Room");
        assert_eq!(s.get(Text::Connecting), "Connecting...");
        assert_eq!(
            s.get(Text::FailedVideoLink),
            "Unable to create the video room. Please try again."
        );
        assert_eq!(Text::InviteMessage.key(), "PSChatToVideoInviteMessage");
        assert_eq!(Text::FailedVideoLink.key(), "PSFailedVideoLink");
        assert_eq!(
            s.get(Text::AlreadyInAnotherRoom),
            "You are already in a video room on another task. Leave it first."
        );
        assert_eq!(
            s.get(Text::WrapupBlocked),
            "Disconnect from the video room before wrapping up or completing this task."
        );
    }

    #[test]
    fn overrides_replace_defaults_except_blank_ones() {
        let table: HashMap<&str, &str> = [
            ("PSChatToVideoRoom", "Salle vidéo"),
            ("PSChatToVideoConnecting", "   "),
            ("Unrelated", "x"),
        ]
        .into();
        let mut asked = Vec::new();
        let s = Strings::from_lookup(|k| {
            asked.push(k.to_owned());
            table.get(k).map(|v| v.to_string())
        });
        assert_eq!(asked.len(), Text::ALL.len());
        assert_eq!(s.get(Text::VideoRoom), "Salle vidéo");
        assert_eq!(s.get(Text::Connecting), "Connecting...");
        assert_eq!(s.get(Text::SwitchToVideo), "Switch to Video");
    }

    #[test]
    fn render_substitutes_placeholders() {
        let vars = [("videoUrl", "https://x/y?code=abc"), ("name", "Ann")];
        assert_eq!(
            render("a {{videoUrl}} b", &vars),
            "a https://x/y?code=abc b"
        );
        assert_eq!(render("{{ name }}{{name}}", &vars), "AnnAnn");
        assert_eq!(render("{{{name}}}!", &vars), "Ann!");
        assert_eq!(render("x{{unknown}}y", &vars), "xy");
        assert_eq!(render("open {{name", &vars), "open {{name");
        assert_eq!(render("", &vars), "");
        assert_eq!(render("no placeholders", &vars), "no placeholders");
        // Values are not re-scanned.
        assert_eq!(render("{{a}}", &[("a", "{{a}}")]), "{{a}}");
        assert_eq!(render("é{{name}}ü", &vars), "éAnnü");
    }

    #[test]
    fn invite_body_from_default_and_custom_templates() {
        let url = "https://example.com/features/chat-to-video/index.html?code=aB3dE5g";
        assert_eq!(
            Strings::default().invite_body(url),
            format!("Please join me using this unique video link: {url}")
        );
        let custom = Strings::from_lookup(|k| {
            (k == "PSChatToVideoInviteMessage").then(|| "Rejoignez-moi : {{ videoUrl }} !".into())
        });
        assert_eq!(custom.invite_body(url), format!("Rejoignez-moi : {url} !"));
        // The template's own wording had no placeholder: the URL is appended.
        let legacy = Strings::from_lookup(|k| {
            (k == "PSChatToVideoInviteMessage")
                .then(|| "Please join me using this unique video link:".into())
        });
        assert_eq!(
            legacy.invite_body(url),
            format!("Please join me using this unique video link: {url}")
        );
    }

    fn stars(n: u8) -> Rating {
        Rating {
            rating: n,
            comment: None,
            submitted_at: None,
        }
    }

    #[test]
    fn sentences_about_people_and_the_call_length() {
        let s = Strings::default();
        assert_eq!(s.about(Text::PersonLeft, "Bob"), "Bob left the call.");
        assert_eq!(s.about(Text::PersonBack, "Bob"), "Bob is back in the call.");
        let odd =
            Strings::from_lookup(|k| (k == "PSChatToVideoPersonLeft").then(|| "Gone.".into()));
        assert_eq!(odd.about(Text::PersonLeft, "Bob"), "Bob: Gone.");
        assert_eq!(duration_text(0), "0 s");
        assert_eq!(duration_text(45), "45 s");
        assert_eq!(duration_text(252), "4 min 12 s");
        assert_eq!(duration_text(3600 + 120 + 5), "1 h 02 min");
        assert_eq!(duration_text(36_000 + 59 * 60), "10 h 59 min");
        assert_eq!(s.call_summary(252), "Video call: 4 min 12 s");
        let plain =
            Strings::from_lookup(|k| (k == "PSChatToVideoCallSummary").then(|| "Llamada:".into()));
        assert_eq!(plain.call_summary(5), "Llamada: 5 s");
    }

    #[test]
    fn customer_rating_line() {
        let s = Strings::default();
        assert_eq!(
            s.customer_rating(&stars(4)).as_deref(),
            Some("Customer rating: 4/5")
        );
        assert_eq!(
            s.customer_rating(&stars(1)).as_deref(),
            Some("Customer rating: 1/5")
        );
        assert_eq!(
            s.customer_rating(&stars(5)).as_deref(),
            Some("Customer rating: 5/5")
        );
        assert_eq!(s.customer_rating(&stars(0)), None);
        assert_eq!(s.customer_rating(&stars(6)), None);
        assert_eq!(s.customer_rating(&stars(255)), None);
        let custom = Strings::from_lookup(|k| {
            (k == "PSChatToVideoCustomerRating")
                .then(|| "Note du client : {{ rating }} sur 5".into())
        });
        assert_eq!(
            custom.customer_rating(&stars(3)).as_deref(),
            Some("Note du client : 3 sur 5")
        );
        let plain =
            Strings::from_lookup(|k| (k == "PSChatToVideoCustomerRating").then(|| "Rated:".into()));
        assert_eq!(
            plain.customer_rating(&stars(2)).as_deref(),
            Some("Rated: 2/5")
        );
    }

    #[test]
    fn placeholder_detection() {
        assert!(has_placeholder("x {{videoUrl}}", "videoUrl"));
        assert!(has_placeholder("x {{ videoUrl }}", "videoUrl"));
        assert!(!has_placeholder("x {{videoURL}}", "videoUrl"));
        assert!(!has_placeholder("x videoUrl", "videoUrl"));
    }
}
