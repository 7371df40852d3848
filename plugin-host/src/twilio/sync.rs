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

impl Document {
    /// Whether the document's `date_expires` has passed: Sync deletes expired documents lazily
    /// ("might not be deleted immediately"), so a fetch or a list may still return it, but it
    /// is gone for every purpose of ours.
    pub fn has_expired(&self, now_ms: i64) -> bool {
        self.date_expires
            .as_deref()
            .and_then(crate::clock::parse_rfc3339_ms)
            .is_some_and(|expires| expires <= now_ms)
    }
}

/// A page of `GET …/Documents`.
#[derive(Debug, Clone, Deserialize)]
struct DocumentPage {
    documents: Vec<Document>,
    meta: PageMeta,
}

#[derive(Debug, Clone, Deserialize)]
struct PageMeta {
    #[serde(default)]
    next_page_url: Option<String>,
}

/// Pages read at most by [`TwilioClient::list_documents`] (1,000 documents a page).
const MAX_DOCUMENT_PAGES: usize = 100;

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

    /// Every live document of the service, following `next_page_url` (at most
    /// [`MAX_DOCUMENT_PAGES`] pages of 1,000).
    pub async fn list_documents(&self, service_sid: &str) -> Result<Vec<Document>, TwilioError> {
        let mut url = self.documents_url(service_sid, &[]);
        url.query_pairs_mut().append_pair("PageSize", "1000");
        let mut out = Vec::new();
        for _ in 0..MAX_DOCUMENT_PAGES {
            let page: DocumentPage = self.execute(Call::get(url)).await?.json()?;
            out.extend(page.documents);
            match page.meta.next_page_url.filter(|u| !u.is_empty()) {
                Some(next) => url = self.next_page(&self.urls().sync, &next)?,
                None => break,
            }
        }
        Ok(out)
    }

    /// Replaces the data; with `if_match`, only if the revision is still that one (else 412 / 54103).
    pub async fn update_document(
        &self,
        service_sid: &str,
        sid_or_name: &str,
        data: &Value,
        if_match: Option<&str>,
    ) -> Result<Document, TwilioError> {
        self.update_document_with_ttl(service_sid, sid_or_name, data, None, if_match)
            .await
    }

    /// [`Self::update_document`], also setting the time to live (`Ttl`, seconds from now).
    pub async fn update_document_with_ttl(
        &self,
        service_sid: &str,
        sid_or_name: &str,
        data: &Value,
        ttl_secs: Option<u64>,
        if_match: Option<&str>,
    ) -> Result<Document, TwilioError> {
        let data = data.to_string();
        let ttl = ttl_secs.map(|t| t.to_string());
        let mut pairs = vec![("Data", data.as_str())];
        if let Some(t) = &ttl {
            pairs.push(("Ttl", t.as_str()));
        }
        let url = self.documents_url(service_sid, &[sid_or_name]);
        let call = Call::post_form(url, &pairs).if_match(if_match);
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
