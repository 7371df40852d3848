//! Video Rooms: create, fetch, list, complete.

use serde::{Deserialize, Serialize};

use super::{Call, TwilioClient, TwilioError};

/// The fields of `video.v1.room` the service reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub sid: String,
    pub status: String,
    #[serde(default)]
    pub unique_name: Option<String>,
    #[serde(rename = "type")]
    pub room_type: String,
    #[serde(default)]
    pub max_participants: u32,
    #[serde(default)]
    pub empty_room_timeout: u32,
    #[serde(default)]
    pub unused_room_timeout: u32,
    #[serde(default)]
    pub record_participants_on_connect: Option<bool>,
}

impl Room {
    pub fn is_in_progress(&self) -> bool {
        self.status == "in-progress"
    }
}

/// `POST /v1/Rooms` parameters.
#[derive(Debug, Clone, Default)]
pub struct CreateRoom<'a> {
    pub room_type: &'a str,
    pub unique_name: Option<&'a str>,
    pub record_participants_on_connect: bool,
    /// Minutes, 1..=60.
    pub empty_room_timeout: u32,
    /// Minutes, 1..=60.
    pub unused_room_timeout: u32,
    /// At most this many participants at once (Twilio's default for the type when `None`).
    pub max_participants: Option<u32>,
}

#[derive(Deserialize)]
struct RoomPage {
    rooms: Vec<Room>,
}

impl TwilioClient {
    pub async fn create_room(&self, p: &CreateRoom<'_>) -> Result<Room, TwilioError> {
        let empty = p.empty_room_timeout.to_string();
        let unused = p.unused_room_timeout.to_string();
        let mut pairs = vec![
            ("Type", p.room_type),
            (
                "RecordParticipantsOnConnect",
                if p.record_participants_on_connect {
                    "true"
                } else {
                    "false"
                },
            ),
            ("EmptyRoomTimeout", empty.as_str()),
            ("UnusedRoomTimeout", unused.as_str()),
        ];
        if let Some(name) = p.unique_name {
            pairs.push(("UniqueName", name));
        }
        let max = p.max_participants.map(|n| n.to_string());
        if let Some(n) = &max {
            pairs.push(("MaxParticipants", n.as_str()));
        }
        let url = self.url(&self.urls().video, &["v1", "Rooms"]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    /// By RM sid, or by unique name while the room is in progress.
    pub async fn fetch_room(&self, sid_or_name: &str) -> Result<Room, TwilioError> {
        let url = self.url(&self.urls().video, &["v1", "Rooms", sid_or_name]);
        self.execute(Call::get(url)).await?.json()
    }

    /// `GET /v1/Rooms` filtered by unique name and/or status (first page).
    pub async fn list_rooms(
        &self,
        unique_name: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<Room>, TwilioError> {
        let mut url = self.url(&self.urls().video, &["v1", "Rooms"]);
        {
            let mut q = url.query_pairs_mut();
            if let Some(n) = unique_name {
                q.append_pair("UniqueName", n);
            }
            if let Some(s) = status {
                q.append_pair("Status", s);
            }
            q.append_pair("PageSize", "50");
        }
        let page: RoomPage = self.execute(Call::get(url)).await?.json()?;
        Ok(page.rooms)
    }

    /// `POST /v1/Rooms/{sid}` with `Status=completed`.
    pub async fn complete_room(&self, sid: &str) -> Result<Room, TwilioError> {
        let url = self.url(&self.urls().video, &["v1", "Rooms", sid]);
        let call = Call::post_form(url, &[("Status", "completed")]);
        self.execute(call).await?.json()
    }
}
