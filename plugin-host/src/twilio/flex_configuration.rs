//! The account's Flex Configuration (`/v1/Configuration` on `flex-api`): read it, and write
//! `ui_attributes` back whole (the caller merges inside it; Twilio replaces each top-level key
//! a write names).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{Call, TwilioClient, TwilioError};

/// The fields of `flex.v1.configuration` the deploy reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlexConfiguration {
    pub account_sid: String,
    #[serde(default)]
    pub ui_attributes: Value,
    #[serde(default)]
    pub taskrouter_workspace_sid: Option<String>,
    /// Flex's own Sync service (never the one for video sessions: customers get tokens for it).
    #[serde(default)]
    pub flex_service_instance_sid: Option<String>,
}

impl TwilioClient {
    fn flex_configuration_url(&self) -> reqwest::Url {
        self.url(&self.urls().flex, &["v1", "Configuration"])
    }

    pub async fn fetch_flex_configuration(&self) -> Result<FlexConfiguration, TwilioError> {
        self.execute(Call::get(self.flex_configuration_url()))
            .await?
            .json()
    }

    /// `POST /v1/Configuration` with a JSON body of the account and the new `ui_attributes`.
    pub async fn update_flex_ui_attributes(
        &self,
        ui_attributes: &Value,
    ) -> Result<FlexConfiguration, TwilioError> {
        let body = json!({ "account_sid": self.account_sid(), "ui_attributes": ui_attributes });
        let call = Call::post_json(self.flex_configuration_url(), body.to_string().into_bytes());
        self.execute(call).await?.json()
    }
}
