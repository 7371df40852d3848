// What the video and customer-page browser tests share: a sandbox host with loopback-only
// ICE, the sandbox API calls that set up an agent, a chat and a code, the agent's page
// (the real plugin bundle on the Flex stand-in, with the Video Room tab rendered for the
// real task), the customer page as the host serves it, and the two meeting in a room.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, startHost } from "./harness.mjs";
import { BUNDLE_URL_PATH, serveShellPage, serviceConfiguration } from "./shell-page.mjs";

export const FUNCTIONS = "/features/chat-to-video-escalation";

/**
 * Chromium as the harness launches it, plus what screen sharing needs in headless mode.
 * `deviceCount`: that many fake cameras, and that many fake microphones and speakers besides
 * the "default" ones (Chromium's `device-count`).
 */
export function launchVideoChromium({ deviceCount } = {}) {
  const fake = "--use-fake-device-for-media-stream";
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      ...CHROMIUM_ARGS.map((a) => (a === fake && deviceCount ? `${fake}=device-count=${deviceCount}` : a)),
      "--autoplay-policy=no-user-gesture-required",
      "--auto-select-desktop-capture-source=Entire screen",
      "--enable-usermedia-screen-capturing",
    ],
  });
}

/** A sandbox host of its own (data directory removed on stop). */
export async function startSandbox(env = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "chat-to-video-video-"));
  const host = await startHost({ dataDir, env: { ICE_LOOPBACK_ONLY: "true", ...env } });
  return {
    ...host,
    async stop() {
      await host.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One sandbox host and one Chromium for the test file, started before its first test and
 * stopped after its last: `ctx.host`, `ctx.browser`.
 */
export function sandboxPerFile(env = {}, chromiumOptions = {}) {
  const ctx = { host: undefined, browser: undefined };
  before(async () => {
    ctx.browser = await launchVideoChromium(chromiumOptions);
    ctx.host = await startSandbox(env);
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.host?.stop();
  });
  return ctx;
}

async function postForm(url, fields) {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(fields) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

export function callFunction(host, name, fields) {
  return postForm(`${host.url}${FUNCTIONS}/${name}`, fields);
}

/** An agent with a chat task and a fresh code: what the agent's desk would have. */
export async function setUpChat(host, identity = "alice") {
  const agent = await postForm(`${host.url}/sandbox/agents`, { identity });
  if (agent.status >= 300) throw new Error(`create agent: ${agent.status} ${JSON.stringify(agent.body)}`);
  const token = agent.body.token;
  const chat = await postForm(`${host.url}/sandbox/chats`, { agent: identity, customer: "Customer" });
  if (chat.status >= 300) throw new Error(`create chat: ${chat.status} ${JSON.stringify(chat.body)}`);
  const taskSid = chat.body.taskSid;
  const code = await callFunction(host, "generate-unique-code", { Token: token, taskSid });
  if (code.status !== 200) throw new Error(`generate-unique-code: ${code.status} ${JSON.stringify(code.body)}`);
  const attributes = await taskAttributes(host, identity, taskSid);
  return { identity, token, taskSid, code: code.body.unique_code, fullUrl: code.body.full_url, attributes };
}

export async function taskAttributes(host, identity, taskSid) {
  const res = await fetch(`${host.url}/sandbox/agents/${encodeURIComponent(identity)}/tasks`);
  const list = await res.json();
  return (list.tasks ?? []).find((t) => t.taskSid === taskSid)?.attributes ?? null;
}

/** Records every RTCPeerConnection a page creates, so tests can read getStats(). */
const PC_SPY = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__peerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__peerConnections.push(this); }
  };
})();`;

/**
 * Records every track the page captures (camera, microphone, screen) or copies (the DOM's
 * `clone()` of a stream or a track starts a new capture that must be stopped too), so tests
 * can check that leaving a call turns every one of them off.
 */
const CAPTURE_SPY = `(() => {
  const tracks = (window.__capturedTracks = []);
  const keep = (stream) => { stream.getTracks().forEach((t) => tracks.push(t)); return stream; };
  const media = window.MediaDevices && MediaDevices.prototype;
  for (const name of ["getUserMedia", "getDisplayMedia"]) {
    const native = media && media[name];
    if (native) media[name] = function (...args) { return native.apply(this, args).then(keep); };
  }
  const cloneStream = MediaStream.prototype.clone;
  MediaStream.prototype.clone = function () { return keep(cloneStream.call(this)); };
  const cloneTrack = MediaStreamTrack.prototype.clone;
  MediaStreamTrack.prototype.clone = function () { const t = cloneTrack.call(this); tracks.push(t); return t; };
})();`;

async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  await context.addInitScript(PC_SPY);
  await context.addInitScript(CAPTURE_SPY);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  return { context, page, errors };
}

/**
 * The customer page as the link in the chat opens it; `prepare(page)` runs before it loads;
 * `contextOptions` are Playwright's (`locale`, `colorScheme`, `viewport`).
 */
export async function openCustomer(browser, host, code, prepare = async () => {}, contextOptions = {}) {
  const { context, page, errors } = await newPage(browser, contextOptions);
  await prepare(page);
  const query = code === undefined ? "" : `?code=${encodeURIComponent(code)}`;
  await page.goto(`${host.url}/features/chat-to-video/index.html${query}`);
  return { page, errors, close: () => context.close() };
}

/** A chat task as Flex hands it to the tab, for the real task. */
export function flexTask(chat) {
  return {
    sid: "WR00000000000000000000000000000001",
    taskSid: chat.taskSid,
    taskStatus: "assigned",
    status: "accepted",
    taskChannelUniqueName: "chat",
    channelType: "web",
    attributes: chat.attributes,
  };
}

/**
 * The agent's desk: the built plugin bundle on the Flex stand-in, the Video Room tab rendered.
 * `prepare(page)` runs before the page loads (e.g. to route its signaling socket).
 */
export async function openAgent(browser, host, chat, prepare = async () => {}, { strings, configuration, contextOptions, branding } = {}) {
  const functionsDomain = new URL(host.url).host;
  const server = await serveShellPage({
    serviceConfiguration: serviceConfiguration({ functionsDomain, branding }),
    user: { identity: chat.identity, token: chat.token },
    strings,
    configuration,
  });
  const { context, page, errors } = await newPage(browser, contextOptions);
  await prepare(page);
  await page.goto(server.pageUrl);
  await page.evaluate((src) => window.flexDouble.loadPlugin(src), BUNDLE_URL_PATH);
  await page.evaluate((task) => {
    const tab = window.flexRecord.tabs[0];
    window.__tab = window.flexDouble.render(tab.element, { task, conversation: {} });
  }, flexTask(chat));
  await page.waitForSelector("button.c2v-join");
  return {
    page,
    errors,
    async unmount() {
      await page.evaluate(() => window.__tab.unmount());
    },
    async close() {
      await context.close();
      await server.close();
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something truthy (returned), failing after `timeout` ms. */
export async function waitFor(check, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Agent joins from the tab, the customer joins from the page; both see video. */
export async function meet(browser, host, chat, prepareCustomer, prepareAgent) {
  const agent = await openAgent(browser, host, chat, prepareAgent);
  const customer = await openCustomer(browser, host, chat.code, prepareCustomer);
  // The session document names the agent as soon as it arrives.
  await customer.page.waitForSelector(`[data-role="wait-status"]:text-is("Waiting for ${chat.identity} to join...")`);
  assert.equal(await customer.page.$eval('[data-role="join"]', (b) => b.disabled), true);
  assert.equal(await text(customer.page, '[data-role="code"]'), chat.code);

  await agent.page.click("button.c2v-join");
  await agent.page.waitForSelector('[data-role="local-video"]', { timeout: 15_000 });
  // The live document tells the waiting customer.
  await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
  assert.equal(await text(customer.page, '[data-role="wait-status"]'), `${chat.identity} is here. Join when you are ready.`);
  await customer.page.click('[data-role="join"]');
  await waitForRemoteVideo(customer.page);
  await waitForRemoteVideo(agent.page);
  return { agent, customer };
}

/** Width of the first remote video that has decoded a frame, or 0. */
export function remoteVideoWidth(page, role = "remote-video") {
  return page.evaluate((role) => {
    const v = document.querySelector(`video[data-role="${role}"]`);
    return v && !v.hidden ? v.videoWidth : 0;
  }, role);
}

export async function waitForRemoteVideo(page, role = "remote-video", timeout = 15_000) {
  await page.waitForFunction(
    (role) => {
      const v = document.querySelector(`video[data-role="${role}"]`);
      return Boolean(v && !v.hidden && v.videoWidth > 0);
    },
    role,
    { timeout },
  );
}

/** Sum of inbound video bytes over the page's peer connections. */
export function inboundVideoBytes(page) {
  return page.evaluate(async () => {
    let total = 0;
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") total += s.bytesReceived ?? 0;
      });
    }
    return total;
  });
}

/** Captured (or copied) tracks of a kind (`audio`, `video`, or any) that are still live. */
export function liveCapturedTracks(page, kind) {
  return page.evaluate(
    (kind) => (window.__capturedTracks ?? []).filter((t) => t.readyState === "live" && (!kind || t.kind === kind)).length,
    kind,
  );
}

/** Number of live (not ended) local tracks the page's peer connections still send. */
export function liveLocalTracks(page) {
  return page.evaluate(() => {
    let live = 0;
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      for (const s of pc.getSenders()) if (s.track && s.track.readyState === "live") live += 1;
    }
    return live;
  });
}

/** The `state`s a page sends to `update-video-state`, in order, as they are sent. */
export function recordStateWrites(page) {
  const states = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/update-video-state")) {
      states.push(new URLSearchParams(request.postData() ?? "").get("state"));
    }
  });
  return states;
}

/**
 * Resolves once every request `page` sent before this call has been seen by its `request`
 * listeners: a marker request sent now, which Playwright reports after them, has been seen.
 */
export async function requestsSeen(page) {
  const marker = `/requests-seen-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const seen = new Promise((resolve) => {
    const onRequest = (request) => {
      if (request.url().endsWith(marker)) {
        page.off("request", onRequest);
        resolve();
      }
    };
    page.on("request", onRequest);
  });
  await page.evaluate((path) => fetch(path).then(() => undefined, () => undefined), marker);
  await seen;
}

/**
 * Opens the call's Devices control and chooses `label` in its `kind` list ("camera",
 * "microphone") once the list shows all three of the browser's fake devices.
 */
export async function chooseInCall(page, kind, label) {
  await page.getByRole("button", { name: "Devices" }).click();
  const list = `[data-role="device-settings"] [data-role="${kind}-choice"]`;
  await waitFor(() => page.$$eval(`${list} option`, (os) => os.length === 3), `the in-call ${kind} list`);
  await page.selectOption(list, { label });
}

/** The label of the device of `kind` ("videoinput", "audioinput") this browser remembers. */
export const storedDevice = (page, kind) =>
  page.evaluate((k) => JSON.parse(localStorage.getItem(`chat-to-video-device:${k}`) ?? "{}").label, kind);

export const text = (page, selector) =>
  page.$eval(selector, (e) => e.textContent ?? "").catch(() => null);
