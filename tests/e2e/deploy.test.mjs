// `cargo xtask deploy` into a freshly started sandbox host, with every REST exchange it makes
// recorded by a proxy and checked against Twilio's Flex, Serverless and Sync specs; between the
// steps, the sandbox desk in Chromium loads what the account releases:
//
// 1. nothing released: the desk says so;
// 2. another team's plugin and ui_attributes are in the account; the first deploy (the bundle
//    served by the host) adds ours: the desk loads both, ours from its versioned URL, and the
//    walkthrough's first steps work;
// 3. a second deploy with a new version, uploaded as a Twilio Asset, replaces ours in the desk
//    (the other team's asset stays in the Serverless build); it is the bundle released to Flex
//    (no sandbox mesh), whose button and invite work in the desk as well;
// 4. `--rollback` brings the first version back;
// 5. deploying a version that exists is refused without a write, and a dry run writes nothing.
//
// The other plugin, the other ui_attributes keys and the other asset survive every step.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { deployInto, launchChromium, paths, repoRoot, serveDirectory, startHost, startOpenapiProxy, xtask } from "./harness.mjs";

const pkg = JSON.parse(await readFile(path.join(repoRoot, "pkg-shim/package.json"), "utf8"));
const NAME = pkg.name;
const V1 = pkg.version;
/** The next patch version: a version the account has not seen. */
const V2 = V1.replace(/(\d+)$/, (n) => String(Number(n) + 1));
const V3 = V2.replace(/(\d+)$/, (n) => String(Number(n) + 1));

const OTHER_PLUGIN = "plugin-other-team";
const OTHER_UI = { colorTheme: { baseName: "HighContrast" }, custom_data: { other_team: { queue: "vip" } } };
const STEP_TIMEOUT = 60_000;

let host;
let proxy;
let files;
let browser;
let dataDir;
let account;
let otherPluginUrl;
let keptAssetUrl;
const pageErrors = [];
let failed = null;

/** A REST call straight to the host (the test's own setup, not the deploy's). */
async function rest(method, urlPath, { form, json, multipart } = {}) {
  const headers = { authorization: "Basic " + Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64") };
  let body;
  if (form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(form).toString();
  } else if (json) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (multipart) {
    body = multipart;
  }
  const res = await fetch(host.url + urlPath, { method, headers, body });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${urlPath}: ${res.status} ${text}`);
  return JSON.parse(text);
}

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "c2v-deploy-"));
  host = await startHost({ dataDir });
  proxy = await startOpenapiProxy(host.url);
  const dir = path.join(dataDir, "other");
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "other-plugin.js"),
    `Twilio.Flex.Plugins.init(class OtherTeamPlugin {
       constructor() { this.name = "OtherTeamPlugin"; this.uniqueName = "${OTHER_PLUGIN}"; this.version = "1.0.0"; }
       async init() {}
     });`,
  );
  files = await serveDirectory(dir, { prefix: "/other" });
  otherPluginUrl = `${files.url}/other/other-plugin.js`;
  account = await (await fetch(`${host.url}/sandbox/account`)).json();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
  await files?.close();
  await host?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** One step; after a failure the later steps fail with the reason instead of running. */
function step(name, fn) {
  test(name, { timeout: STEP_TIMEOUT }, async () => {
    if (failed) throw new Error(`not run: "${failed}" failed`);
    try {
      await fn();
      assert.deepEqual(pageErrors, [], "uncaught errors in the pages");
    } catch (err) {
      failed = name;
      throw err;
    }
  });
}

let agents = 0;

/** Signs a new agent in to the desk; resolves with the page once its task list is live. */
async function openDesk() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  await page.goto(`${host.url}/sandbox/desk/index.html`);
  await page.fill("#identity", `deploy-${process.pid}-${++agents}`);
  await page.click("form[aria-label='Sign in'] button[type=submit]");
  await page.waitForSelector(`[data-connection="live"]`);
  return page;
}

/**
 * The desk loads exactly the released plugins (the other team's first: phase 2), ours from
 * `ourUrl`, with the account's ui_attributes; a chat task gets the video button and its invite.
 */
async function assertDeskRuns(ourUrl) {
  const page = await openDesk();
  try {
    await page.waitForSelector(`[data-plugin="${OTHER_PLUGIN}"][data-plugin-status="ready"]`);
    await page.waitForSelector(`[data-plugin="${NAME}"][data-plugin-status="ready"]`);
    const loaded = await page.evaluate(() => ({
      scripts: [...document.querySelectorAll("script[src]")].map((s) => s.src).filter((s) => !s.includes("/vendor/") && !s.includes("/sandbox/desk/")),
      ui: Twilio.Flex.Manager.getInstance().serviceConfiguration.ui_attributes,
    }));
    assert.deepEqual(loaded.scripts, [otherPluginUrl, ourUrl], "the released plugins, in phase order");
    assert.deepEqual(loaded.ui.colorTheme, OTHER_UI.colorTheme);
    assert.deepEqual(loaded.ui.custom_data.other_team, OTHER_UI.custom_data.other_team);
    const origin = new URL(host.url);
    assert.equal(loaded.ui.custom_data.serverless_functions_domain, origin.hostname);
    assert.equal(loaded.ui.custom_data.serverless_functions_port, origin.port);
    assert.equal(loaded.ui.custom_data.features.chat_to_video_escalation.enabled, true);

    // The walkthrough's first steps: a chat arrives with the video button; the invite is sent.
    const identity = await page.getAttribute("[data-identity]", "data-identity");
    const res = await fetch(`${host.url}/sandbox/webchat/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Ada", agent: identity }),
    });
    assert.equal(res.status, 201);
    const { taskSid } = await res.json();
    const canvas = `.task-canvas[data-task-sid="${taskSid}"]`;
    await page.click(`.task-item[data-task-sid="${taskSid}"]`);
    await page.click(`${canvas} .task-canvas-header .c2v-video-button`);
    const link = await page.getAttribute(`${canvas} .message[data-has-video="true"] a.video-link`, "href");
    assert.match(link, new RegExp(`^${host.url}/features/chat-to-video/index\\.html\\?code=[A-Za-z0-9]{7}$`));
  } finally {
    await page.context().close();
  }
}

/** The account's ui_attributes still hold the other team's keys. */
async function assertOtherKeysKept() {
  const config = await rest("GET", "/v1/Configuration");
  assert.deepEqual(config.ui_attributes.colorTheme, OTHER_UI.colorTheme);
  assert.deepEqual(config.ui_attributes.custom_data.other_team, OTHER_UI.custom_data.other_team);
}

step("with nothing released the desk says so", async () => {
  const page = await openDesk();
  await page.waitForSelector(`[data-plugin="release"][data-plugin-status="none"]`);
  assert.match(await page.textContent(`[data-plugin="release"]`), /No plugins are released in this account/);
  assert.equal(await page.locator(`[data-plugin="${NAME}"]`).count(), 0);
  await page.context().close();
});

step("another team's plugin, ui_attributes and asset are in the account", async () => {
  const plugin = await rest("POST", "/v1/PluginService/Plugins", { form: { UniqueName: OTHER_PLUGIN } });
  const version = await rest("POST", `/v1/PluginService/Plugins/${plugin.sid}/Versions`, {
    form: { Version: "1.0.0", PluginUrl: otherPluginUrl, Private: "false" },
  });
  const config = await rest("POST", "/v1/PluginService/Configurations", {
    form: { Name: "other team", Plugins: JSON.stringify({ plugin_version: version.sid, phase: 2 }) },
  });
  await rest("POST", "/v1/PluginService/Releases", { form: { ConfigurationId: config.sid } });
  await rest("POST", "/v1/Configuration", { json: { account_sid: account.accountSid, ui_attributes: OTHER_UI } });

  // An asset of theirs in Flex's default Serverless service, deployed.
  const service = await rest("POST", "/serverless/v1/Services", { form: { UniqueName: "default", FriendlyName: "Flex Plugins Default Service" } });
  const env = await rest("POST", `/serverless/v1/Services/${service.sid}/Environments`, { form: { UniqueName: "plugins" } });
  const asset = await rest("POST", `/serverless/v1/Services/${service.sid}/Assets`, { form: { FriendlyName: "/other/kept.txt" } });
  const upload = new FormData();
  upload.append("Path", "/other/kept.txt");
  upload.append("Visibility", "public");
  upload.append("Content", new Blob(["kept"], { type: "text/plain" }), "kept.txt");
  const kept = await rest("POST", `/serverless-upload/v1/Services/${service.sid}/Assets/${asset.sid}/Versions`, { multipart: upload });
  const build = await rest("POST", `/serverless/v1/Services/${service.sid}/Builds`, { form: { AssetVersions: kept.sid } });
  await rest("POST", `/serverless/v1/Services/${service.sid}/Environments/${env.sid}/Deployments`, { form: { BuildSid: build.sid } });
  keptAssetUrl = `${host.url}/sandbox/twil.io/${env.domain_name}/other/kept.txt`;
  assert.equal(await (await fetch(keptAssetUrl)).text(), "kept");
});

step(`the first deploy (${V1}, served by the host) adds ours to the desk beside theirs`, async () => {
  const out = await deployInto(host.url, [], { env: { TWILIO_REST_BASE_URL: proxy.url } });
  const url = `${host.url}/plugins/${NAME}/${V1}/bundle.js`;
  assert.match(out, new RegExp(`bundle\\s+${url.replace(/[.?]/g, "\\$&")} \\(served by the host\\)`));
  assert.match(out, /Sync service\s+IS[0-9a-f]{32} \(acl_enabled turned on\)/);
  assert.match(out, /VIDEO_SYNC_SERVICE_SID=IS[0-9a-f]{32}/);
  assert.match(out, /release\s+FK[0-9a-f]{32} \(active\)/);
  assert.match(out, new RegExp(`configuration\\s+FJ[0-9a-f]{32} \\(${OTHER_PLUGIN} 1\\.0\\.0, ${NAME} ${V1}\\)`));
  assert.match(out, /To roll back: cargo xtask deploy --rollback --sandbox/);
  const served = await fetch(url);
  assert.equal(served.headers.get("cache-control"), "no-cache", "the sandbox revalidates a rebuilt version");
  assert.ok(Buffer.from(await served.arrayBuffer()).equals(await readFile(paths.bundle)));
  const sync = await rest("GET", `/v1/Services/${account.syncServiceSid}`);
  assert.equal(sync.acl_enabled, true);
  await assertOtherKeysKept();
  await assertDeskRuns(url);
});

step(`a second deploy (${V2}, a Twilio Asset) replaces ours in the desk`, async () => {
  const out = await deployInto(host.url, ["--version", V2, "--twilio-assets", "--bundle", paths.releaseBundle], {
    env: { TWILIO_REST_BASE_URL: proxy.url },
  });
  const m = new RegExp(`bundle\\s+(\\S+/plugins/${NAME}/${V2.replace(/\./g, "\\.")}/bundle\\.js) \\(Twilio Asset ZN[0-9a-f]{32}, build ZB[0-9a-f]{32} keeping 1 asset and 0 function versions, deployment ZD[0-9a-f]{32}\\)`).exec(out);
  assert.ok(m, out);
  assert.ok(m[1].startsWith(`${host.url}/sandbox/twil.io/`), m[1]);
  const uploaded = Buffer.from(await (await fetch(m[1])).arrayBuffer());
  assert.ok(uploaded.equals(await readFile(paths.releaseBundle)), "the asset is the bundle released to Flex");
  assert.match(out, new RegExp(`configuration\\s+FJ[0-9a-f]{32} \\(${OTHER_PLUGIN} 1\\.0\\.0, ${NAME} ${V2.replace(/\./g, "\\.")}\\)`));
  assert.match(out, /Sync service\s+IS[0-9a-f]{32} \(acl_enabled\)/);
  assert.equal(await (await fetch(keptAssetUrl)).text(), "kept", "the other asset is still deployed");
  await assertOtherKeysKept();
  await assertDeskRuns(m[1]);
});

step(`--rollback brings ${V1} back`, async () => {
  const out = await deployInto(host.url, ["--rollback"], { env: { TWILIO_REST_BASE_URL: proxy.url } });
  assert.match(out, new RegExp(`configuration\\s+FJ[0-9a-f]{32} \\(${OTHER_PLUGIN} 1\\.0\\.0, ${NAME} ${V1.replace(/\./g, "\\.")}\\)`));
  await assertOtherKeysKept();
  await assertDeskRuns(`${host.url}/plugins/${NAME}/${V1}/bundle.js`);
});

step("a version that exists is refused without a write; a dry run writes nothing", async () => {
  const before = (await proxy.check()).exchanges ?? 0;
  const again = await xtask(["deploy", "--sandbox", host.url], { env: { TWILIO_REST_BASE_URL: proxy.url } });
  assert.notEqual(again.code, 0);
  assert.match(again.output, new RegExp(`${NAME} ${V1.replace(/\./g, "\\.")} already exists \\(FV[0-9a-f]{32}, in the active release\\)`));
  const dry = await xtask(["deploy", "--sandbox", host.url, "--dry-run", "--version", V3, "--twilio-assets"], {
    env: { TWILIO_REST_BASE_URL: proxy.url },
  });
  assert.equal(dry.code, 0, dry.output);
  for (const write of ["Assets/", "Builds", "Deployments", "PluginService/Plugins/FP", "PluginService/Configurations", "PluginService/Releases"]) {
    assert.match(dry.output, new RegExp(`would POST \\S*${write}`), write);
  }
  const report = await proxy.check();
  const since = report.log.slice(before);
  assert.ok(since.length > 0, "the refused deploy and the dry run made their reads");
  assert.deepEqual(since.filter((e) => !e.startsWith("GET ")), [], "and nothing else");
  assert.match(dry.output, /^ {2}GET \S+\/v1\/PluginService\/Releases\/Active$/m, "a dry run shows its reads");
  await assertOtherKeysKept();
});

step("every REST exchange the deploys made conforms to Twilio's specs", async () => {
  const report = await proxy.check();
  for (const op of [
    "GET /v1/Services/{sid}",
    "POST /v1/Services/{sid}",
    `GET /v1/PluginService/Plugins/${NAME}`,
    "GET /v1/PluginService/Plugins/{sid}/Versions",
    "POST /v1/PluginService/Plugins/{sid}/Versions",
    "GET /v1/PluginService/Releases/Active",
    "GET /v1/PluginService/Releases",
    "POST /v1/PluginService/Releases",
    "GET /v1/PluginService/Configurations/{sid}/Plugins",
    "POST /v1/PluginService/Configurations",
    "POST /v1/PluginService/Plugins",
    "GET /v1/Configuration",
    "POST /v1/Configuration",
    "GET /serverless/v1/Services",
    "GET /serverless/v1/Services/{sid}/Environments",
    "GET /serverless/v1/Services/{sid}/Builds/{sid}",
    "POST /serverless/v1/Services/{sid}/Assets",
    "POST /serverless-upload/v1/Services/{sid}/Assets/{sid}/Versions",
    "POST /serverless/v1/Services/{sid}/Builds",
    "GET /serverless/v1/Services/{sid}/Builds/{sid}/Status",
    "POST /serverless/v1/Services/{sid}/Environments/{sid}/Deployments",
  ]) {
    assert.ok(report.operations.includes(op), `never exercised: ${op}; saw ${report.operations.join(", ")}`);
  }
  assert.deepEqual(report.errors, [], `${report.exchanges} exchanges checked against ${report.specs}`);
});
