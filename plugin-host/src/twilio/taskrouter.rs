//! TaskRouter Tasks: fetch and update, with the `ETag` / `If-Match` version.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::{form, Call, TwilioClient, TwilioError};

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

/// `POST /v1/Workspaces/{WS}/Tasks/{WT}` parameters.
#[derive(Debug, Clone, Default)]
pub struct TaskUpdate<'a> {
    pub attributes: Option<&'a str>,
    pub assignment_status: Option<&'a str>,
    pub reason: Option<&'a str>,
}

impl TwilioClient {
    pub async fn fetch_task(
        &self,
        workspace_sid: &str,
        task_sid: &str,
    ) -> Result<VersionedTask, TwilioError> {
        let url = self.url(
            &self.urls().taskrouter,
            &["v1", "Workspaces", workspace_sid, "Tasks", task_sid],
        );
        let answer = self
            .execute(Call {
                method: Method::GET,
                url,
                form: None,
                json: None,
                if_match: None,
            })
            .await?;
        Ok(VersionedTask {
            task: answer.json()?,
            etag: answer.etag(),
        })
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
        let call = Call {
            method: Method::POST,
            url,
            form: Some(form(&pairs)),
            json: None,
            if_match,
        };
        let answer = self.execute(call).await?;
        Ok(VersionedTask {
            task: answer.json()?,
            etag: answer.etag(),
        })
    }
}
