//! Sync Documents (create, fetch, update with `If-Match`) and Document Permissions.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Call, TwilioClient, TwilioError};

/// The fields of `sync.v1.service.document` the service reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub sid: String,
    #[serde(default)]
    pub unique_name: Option<String>,
    pub revision: String,
    #[serde(default)]
    pub data: Value,
    #[serde(default)]
    pub date_expires: Option<String>,
}

/// `sync.v1.service.document.document_permission`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPermission {
    pub document_sid: String,
    pub identity: String,
    pub read: bool,
    pub write: bool,
    pub manage: bool,
}

impl TwilioClient {
    fn documents_url(&self, service_sid: &str, rest: &[&str]) -> reqwest::Url {
        let mut segments = vec!["v1", "Services", service_sid, "Documents"];
        segments.extend_from_slice(rest);
        self.url(&self.urls().sync, &segments)
    }

    /// `POST /v1/Services/{IS}/Documents`; a taken unique name fails with 54301.
    pub async fn create_document(
        &self,
        service_sid: &str,
        unique_name: Option<&str>,
        data: &Value,
        ttl_secs: Option<u64>,
    ) -> Result<Document, TwilioError> {
        let data = data.to_string();
        let ttl = ttl_secs.map(|t| t.to_string());
        let mut pairs = vec![("Data", data.as_str())];
        if let Some(n) = unique_name {
            pairs.push(("UniqueName", n));
        }
        if let Some(t) = &ttl {
            pairs.push(("Ttl", t.as_str()));
        }
        let url = self.documents_url(service_sid, &[]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    /// By ET sid or unique name.
    pub async fn fetch_document(
        &self,
        service_sid: &str,
        sid_or_name: &str,
    ) -> Result<Document, TwilioError> {
        let url = self.documents_url(service_sid, &[sid_or_name]);
        self.execute(Call::get(url)).await?.json()
    }

    /// Replaces the data; with `if_match`, only if the revision is still that one (else 412 / 54103).
    pub async fn update_document(
        &self,
        service_sid: &str,
        sid_or_name: &str,
        data: &Value,
        if_match: Option<&str>,
    ) -> Result<Document, TwilioError> {
        let data = data.to_string();
        let url = self.documents_url(service_sid, &[sid_or_name]);
        let call = Call::post_form(url, &[("Data", data.as_str())]).if_match(if_match);
        self.execute(call).await?.json()
    }

    /// `POST …/Documents/{doc}/Permissions/{identity}` (an upsert).
    pub async fn update_document_permission(
        &self,
        service_sid: &str,
        document: &str,
        identity: &str,
        read: bool,
        write: bool,
        manage: bool,
    ) -> Result<DocumentPermission, TwilioError> {
        let b = |v: bool| if v { "true" } else { "false" };
        let url = self.documents_url(service_sid, &[document, "Permissions", identity]);
        let pairs = [
            ("Read", b(read)),
            ("Write", b(write)),
            ("Manage", b(manage)),
        ];
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }
}
