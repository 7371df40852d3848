// What the desk's browser tests share: a freshly started plugin-host and headless Chromium
// for the test file, pages that fail the test on uncaught errors, the sandbox API calls that
// sign in an agent and start a chat, and the desk opened and signed in.
import assert from "node:assert/strict";
import { access, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before } from "node:test";
import { launchChromium, paths, startHost } from "./harness.mjs";

const REQUIRED = [
  "sandbox/desk/index.html",
  "sandbox/chat/index.html",
  "vendor/react.production.min.js",
  "vendor/react-dom.production.min.js",
];

let seq = 0;

/** A fresh agent identity per test, so tests share one host without seeing each other's tasks. */
export const agentName = (label) => `${label}-${process.pid}-${++seq}`;

export const canvas = (taskSid) => `.task-canvas[data-task-sid="${taskSid}"]`;

/** Hands a plugin class (source text of `class { init(flex, manager) {...} }`) to Plugins.init. */
export async function loadTestPlugin(page, classSource) {
  await page.addScriptTag({ content: `Twilio.Flex.Plugins.init(${classSource});` });
}

/**
 * Starts the host and the browser before the file's tests and stops them after; closes each
 * test's pages after it and fails it on their uncaught errors. `host` is set once started.
 */
export function deskSandbox() {
  const sandbox = { host: undefined };
  let browser;
  let dataDir;
  let contexts = [];
  let pageErrors = [];

  before(async () => {
    for (const file of REQUIRED) {
      try {
        await access(path.join(paths.site, file));
      } catch {
        throw new Error(`${file} is missing under ${paths.site}: run \`cargo xtask build\` first (or set CHAT_TO_VIDEO_SITE)`);
      }
    }
    dataDir = await mkdtemp(path.join(os.tmpdir(), "c2v-desk-"));
    sandbox.host = await startHost({ dataDir });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await sandbox.host?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
    const errors = pageErrors;
    pageErrors = [];
    assert.deepEqual(errors, [], "uncaught errors in the pages");
  });

  sandbox.newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(String(err)));
    return page;
  };

  sandbox.call = async (method, urlPath, { body, token } = {}) => {
    const headers = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(sandbox.host.url + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  /** Opens the desk (no plugin bundle unless asked) and signs in; resolves once the task list is live. */
  sandbox.openDesk = async (identity, { plugins = "none" } = {}) => {
    const page = await sandbox.newPage();
    await page.goto(`${sandbox.host.url}/sandbox/desk/index.html?plugins=${encodeURIComponent(plugins)}`);
    await page.fill("#identity", identity);
    await page.click("form[aria-label='Sign in'] button[type=submit]");
    await page.waitForSelector(`[data-connection="live"]`);
    return page;
  };

  sandbox.startChat = async (name, agent) => {
    const r = await sandbox.call("POST", "/sandbox/webchat/sessions", { body: { name, agent } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };

  sandbox.agentToken = async (identity) => {
    const r = await sandbox.call("POST", "/sandbox/agents", { body: { identity } });
    assert.equal(r.status, 200);
    return r.body.token;
  };

  return sandbox;
}
