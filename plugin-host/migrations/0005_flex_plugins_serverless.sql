-- What a Flex deploy writes: the account's Sync services, its Flex Configuration, the Flex
-- Plugins API (plugins, versions, configurations, releases) and the Serverless subset that
-- hosts plugin bundles as Twilio Assets. Times are Unix milliseconds.

CREATE TABLE sync_services (
    sid           TEXT PRIMARY KEY,
    friendly_name TEXT,
    acl_enabled   INTEGER NOT NULL DEFAULT 0,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
) STRICT;

-- The account's one Flex Configuration: a JSON object of the keys written so far
-- (`ui_attributes`, ...). Absent until the first write; reads fill in the defaults.
CREATE TABLE flex_configuration (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    attributes   TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
) STRICT;

CREATE TABLE flex_plugins (
    sid           TEXT PRIMARY KEY,
    unique_name   TEXT NOT NULL UNIQUE,
    friendly_name TEXT NOT NULL,
    description   TEXT NOT NULL,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
) STRICT;

CREATE TABLE flex_plugin_versions (
    sid          TEXT PRIMARY KEY,
    plugin_sid   TEXT NOT NULL REFERENCES flex_plugins (sid),
    version      TEXT NOT NULL,
    plugin_url   TEXT NOT NULL,
    changelog    TEXT NOT NULL,
    private      INTEGER NOT NULL,
    date_created INTEGER NOT NULL,
    UNIQUE (plugin_sid, version)
) STRICT;

CREATE TABLE flex_plugin_configurations (
    sid          TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    date_created INTEGER NOT NULL
) STRICT;

CREATE TABLE flex_configured_plugins (
    configuration_sid  TEXT NOT NULL REFERENCES flex_plugin_configurations (sid),
    plugin_version_sid TEXT NOT NULL REFERENCES flex_plugin_versions (sid),
    phase              INTEGER NOT NULL,
    -- Order within the configuration, as given.
    position           INTEGER NOT NULL,
    PRIMARY KEY (configuration_sid, plugin_version_sid)
) STRICT;

CREATE TABLE flex_releases (
    sid               TEXT PRIMARY KEY,
    configuration_sid TEXT NOT NULL REFERENCES flex_plugin_configurations (sid),
    -- Strictly increasing: the highest is the active release.
    seq               INTEGER NOT NULL UNIQUE,
    date_created      INTEGER NOT NULL
) STRICT;

CREATE TABLE serverless_services (
    sid                 TEXT PRIMARY KEY,
    unique_name         TEXT NOT NULL UNIQUE,
    friendly_name       TEXT NOT NULL,
    include_credentials INTEGER NOT NULL,
    ui_editable         INTEGER NOT NULL,
    -- The random part of every environment's domain (`{unique_name}-{domain_base}`).
    domain_base         TEXT NOT NULL,
    date_created        INTEGER NOT NULL,
    date_updated        INTEGER NOT NULL
) STRICT;

CREATE TABLE serverless_environments (
    sid           TEXT PRIMARY KEY,
    service_sid   TEXT NOT NULL REFERENCES serverless_services (sid),
    unique_name   TEXT NOT NULL,
    domain_suffix TEXT,
    domain_name   TEXT NOT NULL UNIQUE,
    build_sid     TEXT,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL,
    UNIQUE (service_sid, unique_name)
) STRICT;

CREATE TABLE serverless_assets (
    sid           TEXT PRIMARY KEY,
    service_sid   TEXT NOT NULL REFERENCES serverless_services (sid),
    friendly_name TEXT NOT NULL,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
) STRICT;

CREATE TABLE serverless_asset_versions (
    sid          TEXT PRIMARY KEY,
    asset_sid    TEXT NOT NULL REFERENCES serverless_assets (sid),
    path         TEXT NOT NULL,
    visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'private', 'protected')),
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL,
    date_created INTEGER NOT NULL
) STRICT;

CREATE TABLE serverless_builds (
    sid               TEXT PRIMARY KEY,
    service_sid       TEXT NOT NULL REFERENCES serverless_services (sid),
    -- JSON arrays of sids, and of `{name, version}` objects.
    asset_versions    TEXT NOT NULL,
    function_versions TEXT NOT NULL,
    dependencies      TEXT NOT NULL,
    runtime           TEXT NOT NULL,
    date_created      INTEGER NOT NULL
) STRICT;

CREATE TABLE serverless_deployments (
    sid             TEXT PRIMARY KEY,
    environment_sid TEXT NOT NULL REFERENCES serverless_environments (sid),
    build_sid       TEXT NOT NULL REFERENCES serverless_builds (sid),
    date_created    INTEGER NOT NULL
) STRICT;
