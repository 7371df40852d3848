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
mod tests;
