// What the video session's browser tests share: a sandbox host of their own (loopback ICE, a
// fast sweep), the agent's desk running the real plugin bundle, chats started over the sandbox
// API, and the customer page opened from the link the agent sent, side by side.
import assert from "node:assert/strict";
import { after, afterEach, before } from "node:test";
import { deployInto } from "./harness.mjs";
import { launchVideoChromium, startSandbox } from "./video-fixture.mjs";

export const canvas = (taskSid) => `.task-canvas[data-task-sid="${taskSid}"]`;
export const tab = (taskSid) => `${canvas(taskSid)} .chat-to-video-room`;
export const invites = (taskSid) => `${canvas(taskSid)} .message[data-has-video="true"] a.video-link`;

let seq = 0;

/** A host and a browser for the file's tests; pages' uncaught errors fail the test. */
export function sessionSandbox(env = {}) {
  const s = { host: undefined };
  let browser;
  let contexts = [];
  let errors = [];

  before(async () => {
    s.host = await startSandbox({ SESSION_SWEEP_SECS: "0.2", ...env });
    // The desk loads what the account releases, as Flex does: release the plugin first.
    await deployInto(s.host.url);
    browser = await launchVideoChromium();
  });
  after(async () => {
    await browser?.close();
    await s.host?.stop();
  });
  afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
    const seen = errors;
    errors = [];
    assert.deepEqual(seen, [], "uncaught errors in the pages");
  });

  s.context = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };

  s.page = async (context) => {
    const page = await (context ?? (await s.context())).newPage();
    page.on("pageerror", (err) => errors.push(`${page.url()}: ${err}`));
    return page;
  };

  s.api = async (method, urlPath, body) => {
    const res = await fetch(s.host.url + urlPath, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };

  /** A fresh agent's desk, signed in, with the plugin loaded. */
  s.desk = async (label = "agent") => {
    const identity = `${label}-${process.pid}-${++seq}`;
    const page = await s.page();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${s.host.url}/sandbox/desk/index.html`);
    await page.fill("#identity", identity);
    await page.click("button[type=submit]");
    await page.waitForSelector(`[data-connection="live"]`);
    await page.waitForSelector(`[data-plugin="plugin-chat-to-video"][data-plugin-status="ready"]`);
    return { page, identity };
  };

  /** A web chat from `name` to the agent; the desk shows the task, selected. */
  s.chat = async (desk, name = "Ada") => {
    const r = await s.api("POST", "/sandbox/webchat/sessions", { name, agent: desk.identity });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const taskSid = r.body.taskSid;
    await desk.page.click(`.task-item[data-task-sid="${taskSid}"]`);
    await desk.page.waitForSelector(`${canvas(taskSid)}:not([hidden]) .c2v-video-button`);
    return taskSid;
  };

  /** Clicks the video button; resolves with the link of the newest invite once it is there. */
  s.sendLink = async (desk, taskSid) => {
    const before = await desk.page.locator(invites(taskSid)).count();
    await desk.page.click(`${canvas(taskSid)} .c2v-video-button`);
    return s.newestInvite(desk, taskSid, before);
  };

  /** The link of invite number `before + 1` once it arrives. */
  s.newestInvite = async (desk, taskSid, before) => {
    await desk.page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length > n,
      [invites(taskSid), before],
    );
    return desk.page.locator(invites(taskSid)).last().getAttribute("href");
  };

  /** The agent opens the Video Room tab and joins. */
  s.agentJoins = async (desk, taskSid) => {
    await desk.page.click(`${canvas(taskSid)} [data-tab="VideoRoom"]`);
    await desk.page.click(`${tab(taskSid)} .c2v-join`);
    await desk.page.waitForSelector(`${tab(taskSid)} .c2v-leave:not([hidden])`);
  };

  /** The customer page on `url`, in `context` (a new one by default). */
  s.customer = async (url, context) => {
    const page = await s.page(context);
    await page.setViewportSize({ width: 900, height: 860 });
    await page.goto(url);
    return page;
  };

  /** Joins once the agent is there; resolves in the call. */
  s.customerJoins = async (page) => {
    await page.waitForSelector(`[data-role="wait-status"]:has-text("is here")`);
    await page.click(`[data-role="join"]`);
    await page.waitForSelector(`[data-role="in-call"]`);
  };

  /** A fresh desk and chat, the link sent, both in the call. */
  s.inCall = async () => {
    const desk = await s.desk();
    const taskSid = await s.chat(desk);
    const url = await s.sendLink(desk, taskSid);
    const customer = await s.customer(url);
    await s.agentJoins(desk, taskSid);
    await s.customerJoins(customer);
    return { desk, taskSid, url, customer };
  };

  return s;
}

/** Waits until `selector`'s <video> decodes frames that keep coming. */
export async function decoding(page, selector) {
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector(sel);
      return v instanceof HTMLVideoElement && v.videoWidth > 0 && v.readyState >= 2;
    },
    selector,
    { timeout: 20_000 },
  );
  const frames = () => page.$eval(selector, (v) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await frames();
  await page.waitForFunction(
    ([sel, n]) => document.querySelector(sel).getVideoPlaybackQuality().totalVideoFrames > n + 5,
    [selector, first],
    { timeout: 20_000 },
  );
}
