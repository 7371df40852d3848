//! The strings table: the template's keys plus this feature's own, English defaults, values
//! overridable through Flex's `manager.strings`, and the tiny `{{name}}` substitution the
//! templates need (Flex's strings are Handlebars; only plain `{{name}}` placeholders occur).

use crate::rating::Rating;

/// Every text the feature shows or sends, by its `manager.strings` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Text {
    // The template's keys.
    FailedVideoLink,
    VideoRoom,
    InviteMessage,
    SwitchToVideo,
    Connecting,
    JoinVideoRoom,
    Disconnect,
    LocalParticipant,
    RemoteParticipant,
    StopCamera,
    StartCamera,
    // This feature's own.
    Connected,
    Disconnected,
    RoomEnded,
    ConnectionLost,
    AlreadyInAnotherRoom,
    AlreadyInThisRoom,
    WrapupBlocked,
    NoVideoRoom,
    TokenFailed,
    MediaUnavailable,
    DevicesUnavailable,
    ConnectFailed,
    Reconnecting,
    JoinedElsewhere,
    AccessExpired,
    AccessInvalid,
    RoomFull,
    RoomNotFound,
    CustomerRating,
}

impl Text {
    pub const ALL: [Text; 30] = [
        Text::FailedVideoLink,
        Text::VideoRoom,
        Text::InviteMessage,
        Text::SwitchToVideo,
        Text::Connecting,
        Text::JoinVideoRoom,
        Text::Disconnect,
        Text::LocalParticipant,
        Text::RemoteParticipant,
        Text::StopCamera,
        Text::StartCamera,
        Text::Connected,
        Text::Disconnected,
        Text::RoomEnded,
        Text::ConnectionLost,
        Text::AlreadyInAnotherRoom,
        Text::AlreadyInThisRoom,
        Text::WrapupBlocked,
        Text::NoVideoRoom,
        Text::TokenFailed,
        Text::MediaUnavailable,
        Text::DevicesUnavailable,
        Text::ConnectFailed,
        Text::Reconnecting,
        Text::JoinedElsewhere,
        Text::AccessExpired,
        Text::AccessInvalid,
        Text::RoomFull,
        Text::RoomNotFound,
        Text::CustomerRating,
    ];

    /// The `manager.strings` key.
    pub const fn key(self) -> &'static str {
        match self {
            Text::FailedVideoLink => "PSFailedVideoLink",
            Text::VideoRoom => "PSChatToVideoRoom",
            Text::InviteMessage => "PSChatToVideoInviteMessage",
            Text::SwitchToVideo => "PSChatToVideoSwitchToVideo",
            Text::Connecting => "PSChatToVideoConnecting",
            Text::JoinVideoRoom => "PSChatToVideoJoinVideoRoom",
            Text::Disconnect => "PSChatToVideoDisconnect",
            Text::LocalParticipant => "PSChatToVideoLocalParticipant",
            Text::RemoteParticipant => "PSChatToVideoRemoteParticipant",
            Text::StopCamera => "PSChatToVideoStopCamera",
            Text::StartCamera => "PSChatToVideoStartCamera",
            Text::Connected => "PSChatToVideoConnected",
            Text::Disconnected => "PSChatToVideoDisconnected",
            Text::RoomEnded => "PSChatToVideoRoomEnded",
            Text::ConnectionLost => "PSChatToVideoConnectionLost",
            Text::AlreadyInAnotherRoom => "PSChatToVideoAlreadyInAnotherRoom",
            Text::AlreadyInThisRoom => "PSChatToVideoAlreadyInThisRoom",
            Text::WrapupBlocked => "PSChatToVideoWrapupBlocked",
            Text::NoVideoRoom => "PSChatToVideoNoVideoRoom",
            Text::TokenFailed => "PSChatToVideoTokenFailed",
            Text::MediaUnavailable => "PSChatToVideoMediaUnavailable",
            Text::DevicesUnavailable => "PSChatToVideoDevicesUnavailable",
            Text::ConnectFailed => "PSChatToVideoConnectFailed",
            Text::Reconnecting => "PSChatToVideoReconnecting",
            Text::JoinedElsewhere => "PSChatToVideoJoinedElsewhere",
            Text::AccessExpired => "PSChatToVideoAccessExpired",
            Text::AccessInvalid => "PSChatToVideoAccessInvalid",
            Text::RoomFull => "PSChatToVideoRoomFull",
            Text::RoomNotFound => "PSChatToVideoRoomNotFound",
            Text::CustomerRating => "PSChatToVideoCustomerRating",
        }
    }

    /// The English default.
    pub const fn default_text(self) -> &'static str {
        match self {
            Text::FailedVideoLink => "Unable to create the video room. Please try again.",
            Text::VideoRoom => "Video Room",
            Text::InviteMessage => "Please join me using this unique video link: {{videoUrl}}",
            Text::SwitchToVideo => "Switch to Video",
            Text::Connecting => "Connecting...",
            Text::JoinVideoRoom => "Join Video Room",
            Text::Disconnect => "Disconnect",
            Text::LocalParticipant => "Local Participant",
            Text::RemoteParticipant => "Remote Participant",
            Text::StopCamera => "Stop Camera",
            Text::StartCamera => "Start Camera",
            Text::Connected => "Connected to the video room.",
            Text::Disconnected => "You have left the video room.",
            Text::RoomEnded => "The video room has ended.",
            Text::ConnectionLost => {
                "The connection to the video room was lost. Check your network and join again."
            }
            Text::AlreadyInAnotherRoom => {
                "You are already in a video room on another task. Leave it first."
            }
            Text::AlreadyInThisRoom => "You are already in this video room.",
            Text::WrapupBlocked => {
                "Disconnect from the video room before wrapping up or completing this task."
            }
            Text::NoVideoRoom => "This task has no video room yet. Send a video link first.",
            Text::TokenFailed => "Unable to join the video room. Please try again.",
            Text::MediaUnavailable => "Video calls are not available in this build of the plugin.",
            Text::DevicesUnavailable => {
                "Camera or microphone unavailable. Check the browser's permissions and try again."
            }
            Text::ConnectFailed => "Unable to connect to the video room. Please try again.",
            Text::Reconnecting => "Reconnecting...",
            Text::JoinedElsewhere => {
                "You joined this video room in another window or on another device, so you were disconnected here."
            }
            Text::AccessExpired => "Your access to the video room expired. Join again to continue.",
            Text::AccessInvalid => {
                "The video service did not accept your access to this room. Join again to retry."
            }
            Text::RoomFull => "The video room is full.",
            Text::RoomNotFound => "The video room no longer exists.",
            Text::CustomerRating => "Customer rating: {{rating}}/5",
        }
    }

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
