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

impl TokenValidation {
    /// A refusal with IAM's message (or `fallback`).
    fn refused(message: Option<String>, fallback: &str) -> TokenValidation {
        TokenValidation {
            valid: false,
            code: None,
            message: Some(message.unwrap_or_else(|| fallback.to_owned())),
            expiration: None,
            realm_user_id: None,
            identity: None,
            roles: Vec::new(),
            worker_sid: None,
        }
    }
}

impl TwilioClient {
    /// Asks IAM about a Flex token. Like the Flex token validator, reads the body whatever the
    /// status: a body with `valid` is an answer. Any other 4xx (a 403 without `valid`, Twilio's
    /// error JSON, a 401) is a refusal too: `valid: false`. Only IAM unreachable, a 5xx (after the
    /// retries) or a 2xx that is not IAM's shape are errors.
    pub async fn validate_flex_token(&self, token: &str) -> Result<TokenValidation, TwilioError> {
        let url = self.url(
            &self.urls().iam,
            &["v1", "Accounts", self.account_sid(), "Tokens", "validate"],
        );
        let body = serde_json::to_vec(&serde_json::json!({ "token": token }))
            .map_err(|e| TwilioError::Decode(e.to_string()))?;
        let answer = self.send(Call::post_json(url, body)).await?;
        let status = answer.status;
        if status.is_success() {
            return answer.json::<TokenValidation>();
        }
        if !status.is_client_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(TwilioError::Api(super::api_error(status, &answer.body)));
        }
        if let Ok(v) = answer.json::<TokenValidation>() {
            return Ok(TokenValidation { valid: false, ..v });
        }
        let error = super::api_error(status, &answer.body);
        if status == reqwest::StatusCode::UNAUTHORIZED {
            // IAM refused our own credentials, or the token: either way the caller is refused;
            // the operator should know which.
            tracing::warn!(
                code = error.code,
                message = %error.message,
                "IAM answered 401: check ACCOUNT_SID and AUTH_TOKEN if every Flex token is refused"
            );
        }
        let message = (error.code != 0).then_some(error.message);
        Ok(TokenValidation::refused(message, "Invalid token"))
    }
}
