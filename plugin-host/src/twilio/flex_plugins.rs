//! The Flex Plugins API (`/v1/PluginService/…` on `flex-api`): plugins, their versions,
//! configurations (which plugin versions load, in which phase) and releases (which
//! configuration is live).

use serde::{Deserialize, Serialize};

use super::{Call, TwilioClient, TwilioError};

/// `flex.v1.plugin`, the fields the deploy reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlexPlugin {
    pub sid: String,
    pub unique_name: String,
    #[serde(default)]
    pub friendly_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `flex.v1.plugin.plugin_version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginVersion {
    pub sid: String,
    pub plugin_sid: String,
    pub version: String,
    pub plugin_url: String,
    #[serde(default)]
    pub private: bool,
}

/// `flex.v1.plugin_configuration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginConfiguration {
    pub sid: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `flex.v1.plugin_configuration.configured_plugin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfiguredPlugin {
    pub plugin_sid: String,
    pub plugin_version_sid: String,
    pub unique_name: String,
    pub version: String,
    pub plugin_url: String,
    pub phase: i64,
}

/// `flex.v1.plugin_release`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginRelease {
    pub sid: String,
    pub configuration_sid: String,
}

/// A new plugin version.
#[derive(Debug, Clone, Copy)]
pub struct NewPluginVersion<'a> {
    pub version: &'a str,
    pub plugin_url: &'a str,
    pub changelog: &'a str,
    pub private: bool,
}

impl TwilioClient {
    fn plugin_service_url(&self, rest: &[&str]) -> reqwest::Url {
        let mut segments = vec!["v1", "PluginService"];
        segments.extend_from_slice(rest);
        self.url(&self.urls().flex, &segments)
    }

    /// By `FP…` sid or unique name; `None` when there is none.
    pub async fn fetch_flex_plugin(&self, key: &str) -> Result<Option<FlexPlugin>, TwilioError> {
        self.fetch_optional(self.plugin_service_url(&["Plugins", key]))
            .await
    }

    pub async fn create_flex_plugin(
        &self,
        unique_name: &str,
        friendly_name: &str,
        description: &str,
    ) -> Result<FlexPlugin, TwilioError> {
        let pairs = [
            ("UniqueName", unique_name),
            ("FriendlyName", friendly_name),
            ("Description", description),
        ];
        self.execute(Call::post_form(
            self.plugin_service_url(&["Plugins"]),
            &pairs,
        ))
        .await?
        .json()
    }

    pub async fn update_flex_plugin(
        &self,
        sid: &str,
        friendly_name: &str,
        description: &str,
    ) -> Result<FlexPlugin, TwilioError> {
        let pairs = [
            ("FriendlyName", friendly_name),
            ("Description", description),
        ];
        let url = self.plugin_service_url(&["Plugins", sid]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    pub async fn list_plugin_versions(
        &self,
        plugin_sid: &str,
    ) -> Result<Vec<PluginVersion>, TwilioError> {
        let url = self.plugin_service_url(&["Plugins", plugin_sid, "Versions"]);
        self.list_all(url, "plugin_versions").await
    }

    pub async fn create_plugin_version(
        &self,
        plugin_sid: &str,
        new: &NewPluginVersion<'_>,
    ) -> Result<PluginVersion, TwilioError> {
        let private = if new.private { "true" } else { "false" };
        let pairs = [
            ("Version", new.version),
            ("PluginUrl", new.plugin_url),
            ("Changelog", new.changelog),
            ("Private", private),
        ];
        let url = self.plugin_service_url(&["Plugins", plugin_sid, "Versions"]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    /// The plugin versions a configuration loads.
    pub async fn list_configured_plugins(
        &self,
        configuration_sid: &str,
    ) -> Result<Vec<ConfiguredPlugin>, TwilioError> {
        let url = self.plugin_service_url(&["Configurations", configuration_sid, "Plugins"]);
        self.list_all(url, "plugins").await
    }

    /// A configuration of `(plugin version sid, phase)` entries.
    pub async fn create_plugin_configuration(
        &self,
        name: &str,
        description: &str,
        plugins: &[(String, i64)],
    ) -> Result<PluginConfiguration, TwilioError> {
        let entries: Vec<String> = plugins
            .iter()
            .map(|(sid, phase)| {
                serde_json::json!({ "plugin_version": sid, "phase": phase }).to_string()
            })
            .collect();
        let mut pairs = vec![("Name", name), ("Description", description)];
        pairs.extend(entries.iter().map(|e| ("Plugins", e.as_str())));
        let url = self.plugin_service_url(&["Configurations"]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }

    /// The active release (`Releases/Active`); `None` while nothing was ever released.
    pub async fn fetch_active_release(&self) -> Result<Option<PluginRelease>, TwilioError> {
        self.fetch_optional(self.plugin_service_url(&["Releases", "Active"]))
            .await
    }

    /// Every release, newest first.
    pub async fn list_releases(&self) -> Result<Vec<PluginRelease>, TwilioError> {
        self.list_all(self.plugin_service_url(&["Releases"]), "releases")
            .await
    }

    pub async fn create_release(
        &self,
        configuration_sid: &str,
    ) -> Result<PluginRelease, TwilioError> {
        let pairs = [("ConfigurationId", configuration_sid)];
        let url = self.plugin_service_url(&["Releases"]);
        self.execute(Call::post_form(url, &pairs)).await?.json()
    }
}
