//! The Serverless subset that hosts a file as a Twilio Asset: Services, Environments, Assets,
//! Asset Versions (uploaded as `multipart/form-data` to `serverless-upload`), Builds and
//! Deployments.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Call, TwilioClient, TwilioError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerlessService {
    pub sid: String,
    pub unique_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    pub sid: String,
    pub unique_name: String,
    pub domain_name: String,
    #[serde(default)]
    pub build_sid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    pub sid: String,
    pub friendly_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetVersion {
    pub sid: String,
    #[serde(default)]
    pub asset_sid: Option<String>,
    pub path: String,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// A function version as a build lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltFunction {
    pub sid: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Build {
    pub sid: String,
    pub status: String,
    #[serde(default)]
    pub asset_versions: Option<Vec<AssetVersion>>,
    #[serde(default)]
    pub function_versions: Option<Vec<BuiltFunction>>,
    #[serde(default)]
    pub dependencies: Option<Vec<Value>>,
    #[serde(default)]
    pub runtime: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildStatus {
    pub sid: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub sid: String,
    pub build_sid: String,
}

/// What a new build holds.
#[derive(Debug, Clone, Default)]
pub struct NewBuild {
    pub asset_versions: Vec<String>,
    pub function_versions: Vec<String>,
    /// JSON array of `{name, version}`, as the previous build listed them.
    pub dependencies: Option<String>,
    pub runtime: Option<String>,
}

/// A file to upload as an Asset Version.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub path: &'a str,
    pub visibility: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

/// The multipart body of an upload and its content type (RFC 7578).
pub fn multipart_body(upload: &Upload<'_>) -> (String, Vec<u8>) {
    let boundary = format!("chat-to-video-{}", rand::random::<u64>());
    let mut body = Vec::with_capacity(upload.content.len() + 512);
    for (name, value) in [("Path", upload.path), ("Visibility", upload.visibility)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            upload.file_name, upload.content_type
        )
        .as_bytes(),
    );
    body.extend_from_slice(upload.content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TwilioClient {
    fn serverless_url(&self, rest: &[&str]) -> reqwest::Url {
        let mut segments = vec!["v1", "Services"];
        segments.extend_from_slice(rest);
        self.url(&self.urls().serverless, &segments)
    }

    pub async fn list_serverless_services(&self) -> Result<Vec<ServerlessService>, TwilioError> {
        self.list_all(self.serverless_url(&[]), "services").await
    }

    pub async fn create_serverless_service(
        &self,
        unique_name: &str,
        friendly_name: &str,
    ) -> Result<ServerlessService, TwilioError> {
        let pairs = [("UniqueName", unique_name), ("FriendlyName", friendly_name)];
        self.execute(Call::post_form(self.serverless_url(&[]), &pairs))
            .await?
            .json()
    }

    pub async fn list_environments(&self, service: &str) -> Result<Vec<Environment>, TwilioError> {
        self.list_all(
            self.serverless_url(&[service, "Environments"]),
            "environments",
        )
        .await
    }

    pub async fn create_environment(
        &self,
        service: &str,
        unique_name: &str,
        domain_suffix: Option<&str>,
    ) -> Result<Environment, TwilioError> {
        let mut pairs = vec![("UniqueName", unique_name)];
        if let Some(s) = domain_suffix {
            pairs.push(("DomainSuffix", s));
        }
        let url = self.serverless_url(&[service, "Environments"]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    pub async fn list_assets(&self, service: &str) -> Result<Vec<Asset>, TwilioError> {
        self.list_all(self.serverless_url(&[service, "Assets"]), "assets")
            .await
    }

    pub async fn create_asset(
        &self,
        service: &str,
        friendly_name: &str,
    ) -> Result<Asset, TwilioError> {
        let url = self.serverless_url(&[service, "Assets"]);
        self.execute(Call::post_form(url, &[("FriendlyName", friendly_name)]))
            .await?
            .json()
    }

    /// `POST https://serverless-upload…/v1/Services/{ZS}/Assets/{ZH}/Versions`.
    pub async fn upload_asset_version(
        &self,
        service: &str,
        asset: &str,
        upload: &Upload<'_>,
    ) -> Result<AssetVersion, TwilioError> {
        let url = self.url(
            &self.urls().serverless_upload,
            &["v1", "Services", service, "Assets", asset, "Versions"],
        );
        let (content_type, body) = multipart_body(upload);
        self.execute(Call::post_raw(url, content_type, body))
            .await?
            .json()
    }

    pub async fn fetch_build(&self, service: &str, build: &str) -> Result<Build, TwilioError> {
        let url = self.serverless_url(&[service, "Builds", build]);
        self.execute(Call::get(url)).await?.json()
    }

    pub async fn fetch_build_status(
        &self,
        service: &str,
        build: &str,
    ) -> Result<BuildStatus, TwilioError> {
        let url = self.serverless_url(&[service, "Builds", build, "Status"]);
        self.execute(Call::get(url)).await?.json()
    }

    pub async fn create_build(&self, service: &str, new: &NewBuild) -> Result<Build, TwilioError> {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        pairs.extend(
            new.asset_versions
                .iter()
                .map(|s| ("AssetVersions", s.as_str())),
        );
        pairs.extend(
            new.function_versions
                .iter()
                .map(|s| ("FunctionVersions", s.as_str())),
        );
        if let Some(d) = &new.dependencies {
            pairs.push(("Dependencies", d));
        }
        if let Some(r) = &new.runtime {
            pairs.push(("Runtime", r));
        }
        let url = self.serverless_url(&[service, "Builds"]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    pub async fn create_deployment(
        &self,
        service: &str,
        environment: &str,
        build: &str,
    ) -> Result<Deployment, TwilioError> {
        let url = self.serverless_url(&[service, "Environments", environment, "Deployments"]);
        let pairs = [("BuildSid", build), ("IsPlugin", "true")];
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }
}
