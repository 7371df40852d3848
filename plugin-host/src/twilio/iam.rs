//! The Flex token check: `POST /v1/Accounts/{AC}/Tokens/validate` on IAM.

use serde::{Deserialize, Serialize};

use super::{Call, TwilioClient, TwilioError};

/// IAM's answer, as `twilio-flex-token-validator` reads it. On success `valid` is true and the identity fields are set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenValidation {
    pub valid: bool,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub expiration: Option<String>,
    #[serde(default)]
    pub realm_user_id: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub worker_sid: Option<String>,
}

impl TwilioClient {
    /// Asks IAM about a Flex token. Like the Flex token validator, reads the body whatever the status:
    /// a body with `valid` is an answer; anything else is an error (e.g. our own credentials refused).
    pub async fn validate_flex_token(&self, token: &str) -> Result<TokenValidation, TwilioError> {
        let url = self.url(
            &self.urls().iam,
            &["v1", "Accounts", self.account_sid(), "Tokens", "validate"],
        );
        let body = serde_json::to_vec(&serde_json::json!({ "token": token }))
            .map_err(|e| TwilioError::Decode(e.to_string()))?;
        let answer = self.send(Call::post_json(url, body)).await?;
        match answer.json::<TokenValidation>() {
            Ok(v) => Ok(v),
            Err(_) if !answer.status.is_success() => Err(TwilioError::Api(super::api_error(
                answer.status,
                &answer.body,
            ))),
            Err(e) => Err(e),
        }
    }
}
