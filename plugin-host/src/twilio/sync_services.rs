//! Sync Services (`/v1/Services`): the dedicated service video sessions live in, with
//! `acl_enabled` so a token reads only what it was granted.

use serde::{Deserialize, Serialize};

use super::{Call, TwilioClient, TwilioError};

/// The fields of `sync.v1.service` the deploy reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncService {
    pub sid: String,
    #[serde(default)]
    pub friendly_name: Option<String>,
    #[serde(default)]
    pub acl_enabled: bool,
}

fn flag(v: bool) -> &'static str {
    if v {
        "true"
    } else {
        "false"
    }
}

impl TwilioClient {
    fn sync_services_url(&self, rest: &[&str]) -> reqwest::Url {
        let mut segments = vec!["v1", "Services"];
        segments.extend_from_slice(rest);
        self.url(&self.urls().sync, &segments)
    }

    pub async fn list_sync_services(&self) -> Result<Vec<SyncService>, TwilioError> {
        self.list_all(self.sync_services_url(&[]), "services").await
    }

    /// `None` when there is no such service.
    pub async fn fetch_sync_service(&self, sid: &str) -> Result<Option<SyncService>, TwilioError> {
        self.fetch_optional(self.sync_services_url(&[sid])).await
    }

    pub async fn create_sync_service(
        &self,
        friendly_name: &str,
        acl_enabled: bool,
    ) -> Result<SyncService, TwilioError> {
        let pairs = [
            ("FriendlyName", friendly_name),
            ("AclEnabled", flag(acl_enabled)),
        ];
        self.execute(Call::post_form(self.sync_services_url(&[]), &pairs))
            .await?
            .json()
    }

    pub async fn update_sync_service_acl(
        &self,
        sid: &str,
        acl_enabled: bool,
    ) -> Result<SyncService, TwilioError> {
        let pairs = [("AclEnabled", flag(acl_enabled))];
        self.execute(Call::post_form(self.sync_services_url(&[sid]), &pairs))
            .await?
            .json()
    }
}
