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
    use crate::decimal::push_padded as push_number;
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

/// Where `pair` (two ASCII bytes, so always at a char boundary) first is in `s`: a byte
/// search, which keeps core's `&str` pattern searcher (about 1.5 KB) out of the WebAssembly.
fn find_pair(s: &str, pair: &[u8; 2]) -> Option<usize> {
    s.as_bytes().windows(2).position(|w| w == pair)
}

fn scan<'a>(template: &'a str, mut emit: impl FnMut(Piece<'a>)) {
    let mut rest = template;
    while let Some(start) = find_pair(rest, b"{{") {
        let Some(len) = find_pair(&rest[start + 2..], b"}}") else {
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
mod tests;
