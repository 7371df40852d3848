//! The steps of a deploy and of a rollback, against a [`Target`].

use plugin_host::custom_data;
use plugin_host::twilio::flex_plugins::{ConfiguredPlugin, NewPluginVersion};
use plugin_host::twilio::serverless::{NewBuild, Upload};
use plugin_host::twilio::TwilioError;
use reqwest::Url;

use super::target::{self, Kind, Target, Variables, SYNC_SERVICE_VAR};
use super::Options;
use crate::cmd::{Error, Result};
use crate::workspace::{plugin_manifest, versioned_bundle_path, Workspace};

/// The Sync service the deploy creates when none is configured.
pub const SYNC_SERVICE_NAME: &str = "chat-to-video sessions";
/// The Serverless service plugin bundles go to with `--twilio-assets`: Flex's own CLI's.
pub const ASSETS_SERVICE: &str = "default";
const ASSETS_ENVIRONMENT: &str = "plugins";
const FRIENDLY_NAME: &str = "Chat to video";
const DESCRIPTION: &str = "Escalate a Flex chat to a video call with the customer";
/// Flex's default phase for a plugin with no other.
const DEFAULT_PHASE: i64 = 3;

/// What a run did, for callers (`cargo xtask run`) and tests.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub sync_service_sid: Option<String>,
    pub plugin_url: Option<String>,
    pub release_sid: Option<String>,
    /// The active version was already this one (`allow_active`): nothing was registered.
    pub already_active: bool,
}

fn api(what: &str) -> impl Fn(TwilioError) -> Error + '_ {
    move |e| Error::new(format!("{what}: {e}"))
}

/// Prints a step's result, aligned.
fn line(label: &str, text: impl AsRef<str>) {
    println!("  {label:<20} {}", text.as_ref());
}

/// A write: sent, or in a dry run printed with a placeholder result.
struct Writes {
    dry_run: bool,
}

impl Writes {
    async fn send<T>(
        &self,
        request: String,
        placeholder: impl FnOnce() -> T,
        call: impl std::future::Future<Output = std::result::Result<T, TwilioError>>,
        what: &str,
    ) -> Result<T> {
        if self.dry_run {
            println!("  would {request}");
            Ok(placeholder())
        } else {
            call.await.map_err(api(what))
        }
    }
}

/// `{prefix}` and a mark, standing for a sid a dry run did not create.
fn new_sid(prefix: &str) -> String {
    format!("{prefix}…(new)")
}

pub async fn run(ws: &Workspace, options: &Options) -> Result<Outcome> {
    let vars = Variables::load(&std::env::current_dir()?);
    let mut target = match &options.sandbox {
        Some(origin) => target::sandbox(&vars, origin, options.functions_url.as_deref()).await?,
        None => target::twilio(&vars, options.functions_url.as_deref())?,
    };
    if options.dry_run {
        // Only reads are sent in a dry run; each is shown as it goes.
        target.client = target
            .client
            .clone()
            .observed(std::sync::Arc::new(|method, url| {
                println!("  {method} {url}")
            }));
    }
    let writes = Writes {
        dry_run: options.dry_run,
    };
    if options.dry_run {
        println!("dry run: reads are made, writes are printed instead of sent");
    }
    if options.rollback {
        return rollback(&target, &writes).await;
    }
    let (name, package_version) = plugin_manifest(ws)?;
    let version = options.version.clone().unwrap_or(package_version);
    // Flex's host is always in twilio mode: it gets the bundle without the sandbox's mesh.
    let twilio_only = matches!(target.kind, Kind::Twilio);
    let bundle_path = options.bundle.clone().unwrap_or_else(|| {
        if twilio_only {
            ws.release_bundle()
        } else {
            ws.bundle()
        }
    });
    let bundle = std::fs::read(&bundle_path).map_err(|e| {
        Error::new(format!(
            "{}: {e} (run `cargo xtask build` first)",
            bundle_path.display()
        ))
    })?;
    println!("deploying {name} {version} into {}", target.describe());
    let mut outcome = Outcome::default();

    // 1. The Sync service for video sessions.
    let sync = sync_service(&target, &writes).await?;
    outcome.sync_service_sid = Some(sync.clone());
    if matches!(target.kind, Kind::Twilio) && !options.dry_run {
        if target.sync_service.is_none() {
            record_in_dotenv(SYNC_SERVICE_VAR, &sync, "the video sessions' Sync service")?;
        }
        if vars.get(WORKSPACE_VAR).is_none() {
            let workspace = client_workspace(&target).await?;
            if let Some(ws) = workspace {
                record_in_dotenv(WORKSPACE_VAR, &ws, "the Flex TaskRouter workspace")?;
            }
        }
    }

    // 2. Refuse an existing version before anything is written.
    let client = &target.client;
    let plugin = client
        .fetch_flex_plugin(&name)
        .await
        .map_err(api("reading the Flex plugin"))?;
    let active = active_plugins(&target).await?;
    if let Some(p) = &plugin {
        let versions = client
            .list_plugin_versions(&p.sid)
            .await
            .map_err(api("reading the plugin's versions"))?;
        if let Some(existing) = versions.iter().find(|v| v.version == version) {
            let live = active
                .as_ref()
                .is_some_and(|(_, ps)| ps.iter().any(|c| c.plugin_version_sid == existing.sid));
            if live && options.allow_active {
                line(
                    "plugin version",
                    format!("{} {version}, already active", existing.sid),
                );
                outcome.plugin_url = Some(existing.plugin_url.clone());
                outcome.already_active = true;
                merge_custom_data(&target, &writes).await?;
                return Ok(outcome);
            }
            return Err(Error::new(format!(
                "{name} {version} already exists ({}{}), and a plugin version cannot be replaced: \
                 raise \"version\" in pkg-shim/package.json to deploy a change{}",
                existing.sid,
                if live { ", in the active release" } else { "" },
                if live {
                    ""
                } else {
                    ", or release it again with --rollback if it was the one before"
                }
            )));
        }
    }

    // 3. Publish the bundle under its versioned URL.
    let path = versioned_bundle_path(&name, &version, twilio_only);
    let url = if options.twilio_assets {
        upload_asset(&target, &writes, &path, &bundle).await?
    } else {
        host_served(&target, &path, &bundle, options.dry_run).await?
    };
    outcome.plugin_url = Some(url.clone());

    // 4. Plugin, version, configuration, release.
    let plugin = match plugin {
        Some(p)
            if p.friendly_name.as_deref() == Some(FRIENDLY_NAME)
                && p.description.as_deref() == Some(DESCRIPTION) =>
        {
            line("plugin", format!("{} {name}", p.sid));
            p
        }
        Some(p) => {
            let updated = writes
                .send(
                    format!(
                        "POST {} FriendlyName={FRIENDLY_NAME} Description={DESCRIPTION}",
                        flex_url(&target, &format!("Plugins/{}", p.sid))
                    ),
                    || p.clone(),
                    client.update_flex_plugin(&p.sid, FRIENDLY_NAME, DESCRIPTION),
                    "updating the Flex plugin",
                )
                .await?;
            line("plugin", format!("{} {name} (updated)", updated.sid));
            updated
        }
        None => {
            let created = writes
                .send(
                    format!("POST {} UniqueName={name}", flex_url(&target, "Plugins")),
                    || plugin_host::twilio::flex_plugins::FlexPlugin {
                        sid: new_sid("FP"),
                        unique_name: name.clone(),
                        friendly_name: None,
                        description: None,
                    },
                    client.create_flex_plugin(&name, FRIENDLY_NAME, DESCRIPTION),
                    "creating the Flex plugin",
                )
                .await?;
            line("plugin", format!("{} {name} (created)", created.sid));
            created
        }
    };
    let changelog = options
        .changelog
        .clone()
        .unwrap_or_else(|| format!("{name} {version}"));
    let new_version = NewPluginVersion {
        version: &version,
        plugin_url: &url,
        changelog: &changelog,
        private: false,
    };
    let plugin_version = writes
        .send(
            format!(
                "POST {} Version={version} PluginUrl={url} Private=false",
                flex_url(&target, &format!("Plugins/{}/Versions", plugin.sid))
            ),
            || plugin_host::twilio::flex_plugins::PluginVersion {
                sid: new_sid("FV"),
                plugin_sid: plugin.sid.clone(),
                version: version.clone(),
                plugin_url: url.clone(),
                private: false,
            },
            client.create_plugin_version(&plugin.sid, &new_version),
            "creating the plugin version",
        )
        .await?;
    line(
        "plugin version",
        format!("{} {version}", plugin_version.sid),
    );

    let previous = active.as_ref().map(|(release, _)| release.clone());
    let released = active.as_ref().map_or(&[][..], |(_, ps)| ps.as_slice());
    let entries = configuration_entries(
        released,
        &plugin.sid,
        &name,
        (&plugin_version.sid, &version),
    );
    let listed: Vec<(String, i64)> = entries.iter().map(|(s, p, _)| (s.clone(), *p)).collect();
    let names: Vec<&str> = entries.iter().map(|(_, _, n)| n.as_str()).collect();
    let config_name = format!("{name}@{version}");
    let description = match &previous {
        Some((sid, config)) => {
            format!("{name} {version} added to release {sid} (configuration {config})")
        }
        None => format!("{name} {version}"),
    };
    let configuration = writes
        .send(
            format!(
                "POST {} Name={config_name} Plugins={}",
                flex_url(&target, "Configurations"),
                listed
                    .iter()
                    .map(|(s, p)| format!("{{\"plugin_version\":\"{s}\",\"phase\":{p}}}"))
                    .collect::<Vec<_>>()
                    .join(" Plugins=")
            ),
            || plugin_host::twilio::flex_plugins::PluginConfiguration {
                sid: new_sid("FJ"),
                name: Some(config_name.clone()),
            },
            client.create_plugin_configuration(&config_name, &description, &listed),
            "creating the plugin configuration",
        )
        .await?;
    line(
        "configuration",
        format!("{} ({})", configuration.sid, names.join(", ")),
    );
    let release = writes
        .send(
            format!(
                "POST {} ConfigurationId={}",
                flex_url(&target, "Releases"),
                configuration.sid
            ),
            || plugin_host::twilio::flex_plugins::PluginRelease {
                sid: new_sid("FK"),
                configuration_sid: configuration.sid.clone(),
            },
            client.create_release(&configuration.sid),
            "creating the release",
        )
        .await?;
    line("release", format!("{} (active)", release.sid));
    outcome.release_sid = Some(release.sid.clone());

    // 5. custom_data, and whether Flex can reach the host.
    merge_custom_data(&target, &writes).await?;
    reachable(&target).await;

    println!("\nThe host needs {SYNC_SERVICE_VAR}={sync} (and the other variables in plugin-host/README.md).");
    match &previous {
        Some((sid, config)) => println!(
            "To roll back: cargo xtask deploy --rollback{}  (releases {config} again, active before this deploy as {sid})",
            sandbox_flag(&target)
        ),
        None => println!("Nothing was released before, so there is nothing to roll back to."),
    }
    Ok(outcome)
}

/// The host's TaskRouter workspace variable.
const WORKSPACE_VAR: &str = "TWILIO_FLEX_WORKSPACE_SID";

/// The account's Flex workspace, from its Flex Configuration.
async fn client_workspace(target: &Target) -> Result<Option<String>> {
    Ok(target
        .client
        .fetch_flex_configuration()
        .await
        .map_err(api("reading the Flex Configuration"))?
        .taskrouter_workspace_sid)
}

/// Appends `NAME=value` to `.env` in the working directory (created if missing), where the host
/// and the next deploy read it.
fn record_in_dotenv(name: &str, value: &str, what: &str) -> Result<()> {
    use std::io::Write as _;
    let path = std::env::current_dir()?.join(".env");
    let unterminated = std::fs::read(&path).is_ok_and(|b| !b.is_empty() && !b.ends_with(b"\n"));
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    if unterminated {
        writeln!(file)?;
    }
    writeln!(file, "# {what}, recorded by cargo xtask deploy")?;
    writeln!(file, "{name}={value}")?;
    line("", format!("{name} written to {}", path.display()));
    Ok(())
}

/// The new configuration: the released plugins (their versions and phases) with ours added, or
/// replaced in the phase it had. Each entry: version sid, phase, `name version`.
fn configuration_entries(
    released: &[ConfiguredPlugin],
    plugin_sid: &str,
    name: &str,
    (version_sid, version): (&str, &str),
) -> Vec<(String, i64, String)> {
    let mut entries = Vec::new();
    let mut our_phase = DEFAULT_PHASE;
    for c in released {
        if c.plugin_sid == plugin_sid || c.unique_name == name {
            our_phase = c.phase;
        } else {
            entries.push((
                c.plugin_version_sid.clone(),
                c.phase,
                format!("{} {}", c.unique_name, c.version),
            ));
        }
    }
    entries.push((
        version_sid.to_owned(),
        our_phase,
        format!("{name} {version}"),
    ));
    entries
}

fn sandbox_flag(target: &Target) -> String {
    match &target.kind {
        Kind::Sandbox(url) => format!(" --sandbox {}", url.as_str().trim_end_matches('/')),
        Kind::Twilio => String::new(),
    }
}

fn flex_url(target: &Target, rest: &str) -> String {
    format!(
        "{}/v1/PluginService/{rest}",
        target.client.urls().flex.as_str().trim_end_matches('/')
    )
}

/// The active release (`(release sid, configuration sid)`) and its plugins.
async fn active_plugins(
    target: &Target,
) -> Result<Option<((String, String), Vec<ConfiguredPlugin>)>> {
    let client = &target.client;
    let Some(release) = client
        .fetch_active_release()
        .await
        .map_err(api("reading the active release"))?
    else {
        return Ok(None);
    };
    let plugins = client
        .list_configured_plugins(&release.configuration_sid)
        .await
        .map_err(api("reading the active configuration"))?;
    Ok(Some(((release.sid, release.configuration_sid), plugins)))
}

/// Creates the video sessions' Sync service, or verifies the configured one (or the one of our
/// name) and turns its ACL on.
async fn sync_service(target: &Target, writes: &Writes) -> Result<String> {
    let client = &target.client;
    let sync_url = format!(
        "{}/v1/Services",
        client.urls().sync.as_str().trim_end_matches('/')
    );
    let found = match &target.sync_service {
        Some(sid) => Some(
            client
                .fetch_sync_service(sid)
                .await
                .map_err(api("reading the Sync service"))?
                .ok_or_else(|| {
                    Error::new(format!(
                        "{SYNC_SERVICE_VAR}={sid}: no such Sync service in this account; \
                         unset it to have one created"
                    ))
                })?,
        ),
        None => client
            .list_sync_services()
            .await
            .map_err(api("listing the Sync services"))?
            .into_iter()
            .find(|s| s.friendly_name.as_deref() == Some(SYNC_SERVICE_NAME)),
    };
    let service = match found {
        Some(s) if s.acl_enabled => {
            line("Sync service", format!("{} (acl_enabled)", s.sid));
            s
        }
        Some(s) => {
            let fixed = writes
                .send(
                    format!("POST {sync_url}/{} AclEnabled=true", s.sid),
                    || plugin_host::twilio::sync_services::SyncService {
                        acl_enabled: true,
                        ..s.clone()
                    },
                    client.update_sync_service_acl(&s.sid, true),
                    "turning on the Sync service's ACL",
                )
                .await?;
            line(
                "Sync service",
                format!("{} (acl_enabled turned on)", fixed.sid),
            );
            fixed
        }
        None => {
            let created = writes
                .send(
                    format!("POST {sync_url} FriendlyName={SYNC_SERVICE_NAME} AclEnabled=true"),
                    || plugin_host::twilio::sync_services::SyncService {
                        sid: new_sid("IS"),
                        friendly_name: Some(SYNC_SERVICE_NAME.into()),
                        acl_enabled: true,
                    },
                    client.create_sync_service(SYNC_SERVICE_NAME, true),
                    "creating the Sync service",
                )
                .await?;
            line(
                "Sync service",
                format!("{} (created, acl_enabled)", created.sid),
            );
            created
        }
    };
    Ok(service.sid)
}

/// The host serves the bundle: its versioned URL must answer these very bytes. A host that does
/// not answer at all yet (the first deploy, before the host runs) is a warning; one that serves
/// something else is refused.
async fn host_served(target: &Target, path: &str, bundle: &[u8], dry_run: bool) -> Result<String> {
    let url = target
        .functions_url
        .join(path)
        .map_err(|e| Error::new(e.to_string()))?
        .to_string();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .map_err(|e| Error::new(e.to_string()))?;
    let problem = match http.get(&url).send().await {
        Ok(r) if r.status().is_success() => match r.bytes().await {
            Ok(b) if b.as_ref() == bundle => {
                line("bundle", format!("{url} (served by the host)"));
                return Ok(url);
            }
            _ => "the host serves a different bundle under this version".to_owned(),
        },
        Ok(r) if r.status().is_server_error() => {
            warn_host_down(&url, &format!("it answered {}", r.status()));
            return Ok(url);
        }
        Ok(r) => format!("it answered {}", r.status()),
        Err(e) => {
            warn_host_down(&url, &e.without_url().to_string());
            return Ok(url);
        }
    };
    let message = format!(
        "the host does not serve this bundle at {url} ({problem}): deploy the host built from this \
         version first, or publish the bundle as a Twilio Asset with --twilio-assets"
    );
    if dry_run {
        println!("  warning: {message}");
        Ok(url)
    } else {
        Err(Error::new(message))
    }
}

fn warn_host_down(url: &str, why: &str) {
    line("bundle", format!("{url} (to be served by the host)"));
    println!(
        "  warning: the host does not answer there yet ({why}); Flex loads the plugin once the \
         host built from this version runs at that address"
    );
}

/// Uploads the bundle as an Asset of the `default` Serverless service, builds it with every other
/// asset and function version of the environment's current build, and deploys the build.
async fn upload_asset(
    target: &Target,
    writes: &Writes,
    path: &str,
    bundle: &[u8],
) -> Result<String> {
    let client = &target.client;
    let base = client
        .urls()
        .serverless
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let upload_base = client
        .urls()
        .serverless_upload
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let service = match client
        .list_serverless_services()
        .await
        .map_err(api("listing the Serverless services"))?
        .into_iter()
        .find(|s| s.unique_name == ASSETS_SERVICE)
    {
        Some(s) => s,
        None => {
            writes
                .send(
                    format!("POST {base}/v1/Services UniqueName={ASSETS_SERVICE}"),
                    || plugin_host::twilio::serverless::ServerlessService {
                        sid: new_sid("ZS"),
                        unique_name: ASSETS_SERVICE.into(),
                    },
                    client
                        .create_serverless_service(ASSETS_SERVICE, "Flex Plugins Default Service"),
                    "creating the Serverless service",
                )
                .await?
        }
    };
    let environments = if service.sid.ends_with("(new)") {
        Vec::new()
    } else {
        client
            .list_environments(&service.sid)
            .await
            .map_err(api("listing the Serverless environments"))?
    };
    let environment = match environments.into_iter().next() {
        Some(e) => e,
        None => {
            writes
                .send(
                    format!(
                        "POST {base}/v1/Services/{}/Environments UniqueName={ASSETS_ENVIRONMENT}",
                        service.sid
                    ),
                    || plugin_host::twilio::serverless::Environment {
                        sid: new_sid("ZE"),
                        unique_name: ASSETS_ENVIRONMENT.into(),
                        domain_name: "….twil.io".into(),
                        build_sid: None,
                    },
                    client.create_environment(&service.sid, ASSETS_ENVIRONMENT, None),
                    "creating the Serverless environment",
                )
                .await?
        }
    };
    // What the environment runs now: every asset version but an older copy of ours, and every
    // function version, stay in the new build.
    let current = match &environment.build_sid {
        Some(b) => Some(
            client
                .fetch_build(&service.sid, b)
                .await
                .map_err(api("reading the current build"))?,
        ),
        None => None,
    };
    let asset = writes
        .send(
            format!(
                "POST {base}/v1/Services/{}/Assets FriendlyName={path}",
                service.sid
            ),
            || plugin_host::twilio::serverless::Asset {
                sid: new_sid("ZH"),
                friendly_name: path.into(),
            },
            client.create_asset(&service.sid, path),
            "creating the Asset",
        )
        .await?;
    let upload = Upload {
        path,
        visibility: "public",
        file_name: "bundle.js",
        content_type: "application/javascript",
        content: bundle,
    };
    let version = writes
        .send(
            format!(
                "POST {upload_base}/v1/Services/{}/Assets/{}/Versions (multipart: Path={path}, Visibility=public, Content: {} bytes)",
                service.sid,
                asset.sid,
                bundle.len()
            ),
            || plugin_host::twilio::serverless::AssetVersion {
                sid: new_sid("ZN"),
                asset_sid: Some(asset.sid.clone()),
                path: path.into(),
                visibility: Some("public".into()),
            },
            client.upload_asset_version(&service.sid, &asset.sid, &upload),
            "uploading the bundle",
        )
        .await?;
    let mut new = NewBuild::default();
    if let Some(b) = &current {
        new.asset_versions = b
            .asset_versions
            .iter()
            .flatten()
            .filter(|v| v.path != path)
            .map(|v| v.sid.clone())
            .collect();
        new.function_versions = b
            .function_versions
            .iter()
            .flatten()
            .map(|f| f.sid.clone())
            .collect();
        new.dependencies = b
            .dependencies
            .as_ref()
            .filter(|d| !d.is_empty())
            .map(|d| serde_json::Value::Array(d.clone()).to_string());
        new.runtime = b.runtime.clone();
    }
    let (kept_assets, kept_functions) = (new.asset_versions.len(), new.function_versions.len());
    new.asset_versions.push(version.sid.clone());
    let build = writes
        .send(
            format!(
                "POST {base}/v1/Services/{}/Builds AssetVersions={} FunctionVersions={}",
                service.sid,
                new.asset_versions.join(","),
                new.function_versions.join(",")
            ),
            || plugin_host::twilio::serverless::Build {
                sid: new_sid("ZB"),
                status: "completed".into(),
                asset_versions: None,
                function_versions: None,
                dependencies: None,
                runtime: None,
            },
            client.create_build(&service.sid, &new),
            "creating the build",
        )
        .await?;
    if !writes.dry_run {
        wait_for_build(target, &service.sid, &build.sid).await?;
    }
    let deployment = writes
        .send(
            format!(
                "POST {base}/v1/Services/{}/Environments/{}/Deployments BuildSid={} IsPlugin=true",
                service.sid, environment.sid, build.sid
            ),
            || plugin_host::twilio::serverless::Deployment {
                sid: new_sid("ZD"),
                build_sid: build.sid.clone(),
            },
            client.create_deployment(&service.sid, &environment.sid, &build.sid),
            "deploying the build",
        )
        .await?;
    let url = target.asset_url(&environment.domain_name, path);
    line(
        "bundle",
        format!(
            "{url} (Twilio Asset {}, build {} keeping {kept_assets} asset and {kept_functions} function versions, deployment {})",
            version.sid, build.sid, deployment.sid
        ),
    );
    Ok(url)
}

async fn wait_for_build(target: &Target, service: &str, build: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    loop {
        let status = target
            .client
            .fetch_build_status(service, build)
            .await
            .map_err(api("reading the build's status"))?;
        match status.status.as_str() {
            "completed" => return Ok(()),
            "failed" => return Err(Error::new(format!("build {build} failed"))),
            _ if std::time::Instant::now() > deadline => {
                return Err(Error::new(format!(
                    "build {build} still {} after 5 minutes",
                    status.status
                )))
            }
            _ => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
        }
    }
}

/// Merges our `custom_data` into the Flex Configuration's `ui_attributes`, every other key kept.
async fn merge_custom_data(target: &Target, writes: &Writes) -> Result<()> {
    let client = &target.client;
    let config = client
        .fetch_flex_configuration()
        .await
        .map_err(api("reading the Flex Configuration"))?;
    let ours = custom_data::for_functions_url(&target.functions_url);
    let mut ui = config.ui_attributes.clone();
    custom_data::merge_custom_data(&mut ui, &ours);
    let domain = ours["serverless_functions_domain"]
        .as_str()
        .unwrap_or_default();
    if ui == config.ui_attributes {
        line(
            "Flex Configuration",
            format!("custom_data already points at {domain}"),
        );
        return Ok(());
    }
    writes
        .send(
            format!(
                "POST {}/v1/Configuration {{\"account_sid\", \"ui_attributes\"}} with custom_data {}",
                client.urls().flex.as_str().trim_end_matches('/'),
                ui["custom_data"]
            ),
            || config.clone(),
            client.update_flex_ui_attributes(&ui),
            "writing the Flex Configuration",
        )
        .await?;
    line(
        "Flex Configuration",
        format!("ui_attributes.custom_data merged: functions at {domain}, feature enabled"),
    );
    Ok(())
}

/// Whether the host answers at the functions URL (`/readyz`, else `/healthz` on a host without it).
async fn reachable(target: &Target) {
    let check = |path: &str| {
        let url = target.functions_url.join(path).ok();
        async move {
            let url: Url = url?;
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .ok()?;
            client.get(url).send().await.ok().map(|r| r.status())
        }
    };
    let readyz = target
        .functions_url
        .join("/readyz")
        .map(|u| u.to_string())
        .unwrap_or_default();
    match check("/readyz").await {
        Some(s) if s.is_success() => line("functions", format!("{readyz} answers {s}")),
        Some(s) if s == reqwest::StatusCode::NOT_FOUND => match check("/healthz").await {
            Some(h) if h.is_success() => line(
                "functions",
                format!("reachable ({readyz} is 404, /healthz answers {h})"),
            ),
            other => warn_unreachable(&readyz, other),
        },
        other => warn_unreachable(&readyz, other),
    }
}

fn warn_unreachable(url: &str, status: Option<reqwest::StatusCode>) {
    let why = status.map_or("no answer".to_owned(), |s| format!("it answered {s}"));
    println!(
        "  warning: Flex cannot reach the host at {url} ({why}): the plugin will fail its calls \
         until the host is up there"
    );
}

/// Releases the configuration that was active before the current release.
async fn rollback(target: &Target, writes: &Writes) -> Result<Outcome> {
    let client = &target.client;
    let releases = client
        .list_releases()
        .await
        .map_err(api("listing the releases"))?;
    let Some(active) = releases.first() else {
        return Err(Error::new(
            "nothing is released in this account: there is nothing to roll back",
        ));
    };
    let Some(before) = releases
        .iter()
        .skip(1)
        .find(|r| r.configuration_sid != active.configuration_sid)
    else {
        return Err(Error::new(format!(
            "release {} is the only configuration ever released: there is nothing to roll back to",
            active.sid
        )));
    };
    println!("rolling back in {}", target.describe());
    let plugins = client
        .list_configured_plugins(&before.configuration_sid)
        .await
        .map_err(api("reading the earlier configuration"))?;
    let release = writes
        .send(
            format!(
                "POST {} ConfigurationId={}",
                flex_url(target, "Releases"),
                before.configuration_sid
            ),
            || plugin_host::twilio::flex_plugins::PluginRelease {
                sid: new_sid("FK"),
                configuration_sid: before.configuration_sid.clone(),
            },
            client.create_release(&before.configuration_sid),
            "creating the release",
        )
        .await?;
    let names: Vec<String> = plugins
        .iter()
        .map(|p| format!("{} {}", p.unique_name, p.version))
        .collect();
    line("release", format!("{} (active)", release.sid));
    line(
        "configuration",
        format!(
            "{} ({}), active before {}",
            before.configuration_sid,
            names.join(", "),
            active.sid
        ),
    );
    println!(
        "To undo: cargo xtask deploy --rollback{}  (releases {} again)",
        sandbox_flag(target),
        active.configuration_sid
    );
    Ok(Outcome {
        release_sid: Some(release.sid),
        plugin_url: plugins.first().map(|p| p.plugin_url.clone()),
        ..Outcome::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configured(plugin: &str, name: &str, version: &str, phase: i64) -> ConfiguredPlugin {
        ConfiguredPlugin {
            plugin_sid: plugin.into(),
            plugin_version_sid: format!("FV-{name}-{version}"),
            unique_name: name.into(),
            version: version.into(),
            plugin_url: format!("https://example.com/{name}/{version}/bundle.js"),
            phase,
        }
    }

    #[test]
    fn ours_is_added_to_the_release_or_replaced_in_its_phase() {
        let others = [
            configured("FPa", "a", "1.0.0", 2),
            configured("FPb", "b", "2.0.0", 4),
        ];
        let added = configuration_entries(&others, "FPc2v", "c2v", ("FVnew", "0.2.0"));
        assert_eq!(
            added,
            [
                ("FV-a-1.0.0".to_owned(), 2, "a 1.0.0".to_owned()),
                ("FV-b-2.0.0".to_owned(), 4, "b 2.0.0".to_owned()),
                ("FVnew".to_owned(), DEFAULT_PHASE, "c2v 0.2.0".to_owned()),
            ]
        );
        let with_ours = [others[0].clone(), configured("FPc2v", "c2v", "0.1.0", 1)];
        let replaced = configuration_entries(&with_ours, "FPc2v", "c2v", ("FVnew", "0.2.0"));
        assert_eq!(replaced.len(), 2, "the old version of ours is gone");
        assert_eq!(replaced[1], ("FVnew".to_owned(), 1, "c2v 0.2.0".to_owned()));
    }
}
