//! TaskRouter Tasks (fetch and update, with the `ETag` / `If-Match` version) and the list of a
//! task's Reservations.

use serde::{Deserialize, Serialize};

use super::{Answer, Call, TwilioClient, TwilioError};

/// The fields of `taskrouter.v1.workspace.task` the service reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub sid: String,
    pub assignment_status: String,
    /// JSON text.
    pub attributes: String,
    #[serde(default)]
    pub task_channel_unique_name: Option<String>,
}

/// A task with the version to send back in `If-Match`.
#[derive(Debug, Clone)]
pub struct VersionedTask {
    pub task: Task,
    pub etag: Option<String>,
}

impl VersionedTask {
    fn read(answer: &Answer) -> Result<VersionedTask, TwilioError> {
        Ok(VersionedTask {
            task: answer.json()?,
            etag: answer.etag(),
        })
    }
}

/// `POST /v1/Workspaces/{WS}/Tasks/{WT}` parameters.
#[derive(Debug, Clone, Default)]
pub struct TaskUpdate<'a> {
    pub attributes: Option<&'a str>,
    pub assignment_status: Option<&'a str>,
    pub reason: Option<&'a str>,
}

impl<'a> TaskUpdate<'a> {
    /// A move to `status` (Twilio requires a `reason` for `completed` and `canceled`).
    pub fn status(status: &'a str, reason: Option<&'a str>) -> TaskUpdate<'a> {
        TaskUpdate {
            attributes: None,
            assignment_status: Some(status),
            reason,
        }
    }
}

/// `task_reservation_enum_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReservationStatus {
    Pending,
    Accepted,
    Rejected,
    Timeout,
    Canceled,
    Rescinded,
    Wrapping,
    Completed,
    /// A status this client does not know yet.
    #[serde(other)]
    Unknown,
}

impl ReservationStatus {
    /// The wire name (`Unknown` has none and is never sent).
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Pending => "pending",
            ReservationStatus::Accepted => "accepted",
            ReservationStatus::Rejected => "rejected",
            ReservationStatus::Timeout => "timeout",
            ReservationStatus::Canceled => "canceled",
            ReservationStatus::Rescinded => "rescinded",
            ReservationStatus::Wrapping => "wrapping",
            ReservationStatus::Completed => "completed",
            ReservationStatus::Unknown => "unknown",
        }
    }
}

/// The fields of `taskrouter.v1.workspace.task.task_reservation` the service reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub sid: String,
    pub reservation_status: ReservationStatus,
    pub task_sid: String,
    pub worker_sid: String,
    #[serde(default)]
    pub worker_name: Option<String>,
}

/// `GET …/Tasks/{WT}/Reservations` query parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReservationQuery<'a> {
    pub worker_sid: Option<&'a str>,
    pub status: Option<ReservationStatus>,
    /// 1 to 1000; Twilio's default (50) when unset.
    pub page_size: Option<u32>,
}

/// One page of reservations; `has_more` when Twilio names a next page.
#[derive(Debug, Clone)]
pub struct ReservationPage {
    pub reservations: Vec<Reservation>,
    pub has_more: bool,
}

#[derive(Deserialize)]
struct ReservationList {
    reservations: Vec<Reservation>,
    #[serde(default)]
    meta: Option<PageMeta>,
}

#[derive(Deserialize)]
struct PageMeta {
    #[serde(default)]
    next_page_url: Option<String>,
}

/// The fields of `taskrouter.v1.workspace.worker` the service reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Worker {
    pub sid: String,
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// JSON text; Flex keeps the agent's `full_name` in it.
    #[serde(default)]
    pub attributes: Option<String>,
}

impl Worker {
    /// Flex's `full_name` attribute, if it is a non-blank string.
    pub fn full_name(&self) -> Option<String> {
        let attributes: serde_json::Value =
            serde_json::from_str(self.attributes.as_deref()?).ok()?;
        attributes
            .get("full_name")?
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
    }
}

impl TwilioClient {
    pub async fn fetch_worker(
        &self,
        workspace_sid: &str,
        worker_sid: &str,
    ) -> Result<Worker, TwilioError> {
        let url = self.url(
            &self.urls().taskrouter,
            &["v1", "Workspaces", workspace_sid, "Workers", worker_sid],
        );
        self.execute(Call::get(url)).await?.json()
    }

    /// The first page of a task's reservations matching `query`.
    pub async fn list_task_reservations(
        &self,
        workspace_sid: &str,
        task_sid: &str,
        query: &ReservationQuery<'_>,
    ) -> Result<ReservationPage, TwilioError> {
        let mut url = self.url(
            &self.urls().taskrouter,
            &[
                "v1",
                "Workspaces",
                workspace_sid,
                "Tasks",
                task_sid,
                "Reservations",
            ],
        );
        let page_size = query.page_size.map(|n| n.clamp(1, 1000).to_string());
        let mut pairs = Vec::with_capacity(3);
        if let Some(w) = query.worker_sid {
            pairs.push(("WorkerSid", w));
        }
        if let Some(s) = query.status.filter(|s| *s != ReservationStatus::Unknown) {
            pairs.push(("ReservationStatus", s.as_str()));
        }
        if let Some(n) = &page_size {
            pairs.push(("PageSize", n.as_str()));
        }
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        let list: ReservationList = self.execute(Call::get(url)).await?.json()?;
        Ok(ReservationPage {
            reservations: list.reservations,
            has_more: list
                .meta
                .and_then(|m| m.next_page_url)
                .is_some_and(|u| !u.is_empty()),
        })
    }

    pub async fn fetch_task(
        &self,
        workspace_sid: &str,
        task_sid: &str,
    ) -> Result<VersionedTask, TwilioError> {
        let url = self.url(
            &self.urls().taskrouter,
            &["v1", "Workspaces", workspace_sid, "Tasks", task_sid],
        );
        let answer = self.execute(Call::get(url)).await?;
        VersionedTask::read(&answer)
    }

    pub async fn update_task(
        &self,
        workspace_sid: &str,
        task_sid: &str,
        update: &TaskUpdate<'_>,
        if_match: Option<&str>,
    ) -> Result<VersionedTask, TwilioError> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(a) = update.attributes {
            pairs.push(("Attributes", a));
        }
        if let Some(s) = update.assignment_status {
            pairs.push(("AssignmentStatus", s));
        }
        if let Some(r) = update.reason {
            pairs.push(("Reason", r));
        }
        let url = self.url(
            &self.urls().taskrouter,
            &["v1", "Workspaces", workspace_sid, "Tasks", task_sid],
        );
        let call = Call::post_form(url, &pairs).if_match(if_match);
        let answer = self.execute(call).await?;
        VersionedTask::read(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workers_full_name_comes_from_its_attributes() {
        let worker = |attributes: Option<&str>| Worker {
            sid: "WK1".into(),
            friendly_name: Some("alice".into()),
            attributes: attributes.map(Into::into),
        };
        assert_eq!(
            worker(Some(
                r#"{"full_name":" Alice Agent ","contact_uri":"client:alice"}"#
            ))
            .full_name()
            .as_deref(),
            Some("Alice Agent")
        );
        for none in [
            None,
            Some("{}"),
            Some(r#"{"full_name":""}"#),
            Some(r#"{"full_name":3}"#),
            Some("not json"),
        ] {
            assert_eq!(worker(none).full_name(), None, "{none:?}");
        }
    }

    #[test]
    fn reservations_read_twilios_shape_and_tolerate_new_statuses() {
        let list: ReservationList = serde_json::from_value(serde_json::json!({
            "reservations": [
                {"sid": "WR1", "reservation_status": "accepted", "task_sid": "WT1",
                 "worker_sid": "WK1", "worker_name": "Doug", "links": {}},
                {"sid": "WR2", "reservation_status": "parked", "task_sid": "WT1",
                 "worker_sid": "WK2", "worker_name": null}
            ],
            "meta": {"next_page_url": null, "key": "reservations"}
        }))
        .unwrap();
        let statuses: Vec<_> = list
            .reservations
            .iter()
            .map(|r| r.reservation_status)
            .collect();
        assert_eq!(
            statuses,
            [ReservationStatus::Accepted, ReservationStatus::Unknown]
        );
        assert_eq!(list.reservations[0].worker_name.as_deref(), Some("Doug"));
        for s in ["pending", "accepted", "wrapping", "completed", "rescinded"] {
            let parsed: ReservationStatus = serde_json::from_value(s.into()).unwrap();
            assert_eq!(parsed.as_str(), s);
        }
    }
}
