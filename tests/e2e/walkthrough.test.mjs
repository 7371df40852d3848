// The seed's walkthrough, end to end, in headless Chromium with fake camera and microphone,
// against a freshly started plugin-host (sandbox mode, loopback-only ICE): the customer web
// chat, the agent desktop running the unmodified plugin bundle, and the customer video page.
//
// Every step saves a screenshot: into docs/screenshots/ with UPDATE_SCREENSHOTS=1 (the
// README's pictures), otherwise into tests/e2e/out/screenshots/ (ignored by git).
// A step that cannot run because an earlier one failed fails too; nothing is skipped.
import assert from "node:assert/strict";
import { access, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { deployInto, launchChromium, paths, repoRoot, startHost } from "./harness.mjs";

const SHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? path.join(repoRoot, "docs/screenshots")
    : path.join(repoRoot, "tests/e2e/out/screenshots");

/** What the walkthrough needs from the built site, and who builds it. */
const PREREQUISITES = [
  ["sandbox/desk/index.html", "the agent desktop (plugin-host/web/sandbox)"],
  ["sandbox/chat/index.html", "the customer web chat (plugin-host/web/sandbox)"],
  ["plugins/plugin-chat-to-video.js", "the built plugin bundle (pkg-shim)"],
  ["features/chat-to-video/index.html", "the customer video page"],
  ["vendor/react.production.min.js", "React 17 (npm)"],
];

const STEP_TIMEOUT = 60_000;
const VIDEO_TIMEOUT = 20_000;

let host;
let browser;
let dataDir;
const pageErrors = [];
const timings = [];
let failedStep = null;

before(async () => {
  const missing = [];
  for (const [file, what] of PREREQUISITES) {
    try {
      await access(path.join(paths.site, file));
    } catch {
      missing.push(`  ${file}: ${what}`);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `the walkthrough needs these under ${paths.site} (run \`cargo xtask build\`):\n${missing.join("\n")}`,
    );
  }
  await mkdir(SHOTS, { recursive: true });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "c2v-walkthrough-"));
  host = await startHost({ dataDir, args: ["--ice-loopback-only", "true"] });
  // The desk loads what the account releases, as Flex does: release the plugin first.
  await deployInto(host.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await host?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (timings.length > 0) {
    const total = timings.reduce((s, t) => s + t.ms, 0);
    console.log("\nwalkthrough timings:");
    for (const t of timings) console.log(`  ${t.name.padEnd(60)} ${(t.ms / 1000).toFixed(2)} s`);
    console.log(`  ${"total".padEnd(60)} ${(total / 1000).toFixed(2)} s`);
  }
});

/** Runs one step of the walkthrough; after a failure the rest fail with the reason. */
async function step(t, name, fn) {
  await t.test(name, { timeout: STEP_TIMEOUT }, async () => {
    if (failedStep) throw new Error(`not run: "${failedStep}" failed`);
    const started = performance.now();
    try {
      await fn();
      assert.deepEqual(pageErrors, [], "uncaught errors in the pages");
    } catch (err) {
      failedStep = name;
      throw err;
    } finally {
      timings.push({ name, ms: performance.now() - started });
    }
  });
}

async function newPage(context, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err}`));
  return page;
}

/** Saves a screenshot; `focus` (a selector) is scrolled into view first. */
async function shot(page, name, focus) {
  if (focus) await page.locator(focus).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, name) });
}

async function call(method, urlPath, body) {
  const res = await fetch(host.url + urlPath, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Waits until `selector`'s <video> shows decoded frames that keep coming. */
async function decoding(page, selector, label) {
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector(sel);
      return v instanceof HTMLVideoElement && !v.hidden && v.videoWidth > 0 && v.readyState >= 2;
    },
    selector,
    { timeout: VIDEO_TIMEOUT },
  );
  const frames = () => page.$eval(selector, (v) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await frames();
  await page.waitForFunction(
    ([sel, n]) => document.querySelector(sel).getVideoPlaybackQuality().totalVideoFrames > n + 5,
    [selector, first],
    { timeout: VIDEO_TIMEOUT },
  );
  const size = await page.$eval(selector, (v) => [v.videoWidth, v.videoHeight]);
  assert.ok(size[0] > 0 && size[1] > 0, `${label}: decoded ${size.join("x")}`);
}

const canvas = (taskSid) => `.task-canvas[data-task-sid="${taskSid}"]`;

test("the seed's walkthrough, end to end", async (t) => {
  const agent = "alice";
  const deskContext = await browser.newContext();
  const customerContext = await browser.newContext();
  const desk = await newPage(deskContext, { width: 1280, height: 860 });
  const chat = await newPage(customerContext, { width: 720, height: 760 });
  let video; // the customer's video page, opened from the invite link
  let taskSid;
  let inviteUrl;
  const room = () => `${canvas(taskSid)} .chat-to-video-room`;

  await step(t, "1. a customer starts a chat; the agent sees the task with the video button, not on a non-chat task", async () => {
    await desk.goto(`${host.url}/sandbox/desk/index.html`);
    await desk.fill("#identity", agent);
    await desk.click("button[type=submit]");
    await desk.waitForSelector(`[data-connection="live"]`);
    await desk.waitForSelector(`[data-plugin="plugin-chat-to-video"][data-plugin-status="ready"]`);

    await chat.goto(`${host.url}/sandbox/chat/index.html?agent=${agent}`);
    await chat.fill("#name", "Ada");
    await chat.click("#start button[type=submit]");
    await chat.waitForSelector(`#chat[data-connection="live"]`);
    await chat.fill("#message", "Hi, my router shows a blinking red light. Can you help?");
    await chat.press("#message", "Enter");

    const item = desk.locator(".task-item").first();
    await item.waitFor();
    taskSid = await item.getAttribute("data-task-sid");
    await desk.waitForSelector(`${canvas(taskSid)} .from-customer`);
    await desk.waitForSelector(`${canvas(taskSid)} .task-canvas-header .c2v-video-button`);

    const made = await call("POST", "/sandbox/tasks", { agent, channel: "voice", attributes: JSON.stringify({ name: "Phone call" }) });
    assert.equal(made.status, 201);
    await desk.click(`.task-item[data-task-sid="${made.body.taskSid}"]`);
    await desk.waitForSelector(`${canvas(made.body.taskSid)}:not([hidden]) .task-canvas-header`);
    assert.equal(await desk.locator(`${canvas(made.body.taskSid)} .c2v-video-button`).count(), 0, "no video button on a voice task");
    await desk.click(`.task-item[data-task-sid="${taskSid}"]`);
    await desk.waitForSelector(`${canvas(taskSid)}:not([hidden])`);
    await shot(chat, "01-chat-started.png");
    await shot(desk, "01-desk-task-with-video-button.png");
  });

  await step(t, "2. the agent clicks the video button; the invite with its link reaches both transcripts", async () => {
    await desk.click(`${canvas(taskSid)} .c2v-video-button`);
    const invite = `${canvas(taskSid)} .message[data-has-video="true"]`;
    await desk.waitForSelector(`${invite} a.video-link`);
    inviteUrl = await desk.getAttribute(`${invite} a.video-link`, "href");
    assert.match(inviteUrl, new RegExp(`^${host.url}/features/chat-to-video/index\\.html\\?code=[A-Za-z0-9]{7}$`));
    assert.equal(
      await desk.textContent(`${invite} .message-body`),
      `Please join me using this unique video link: ${inviteUrl}`,
    );
    const link = chat.locator(`#transcript .message[data-has-video="true"] a.video-link`);
    await link.waitFor();
    assert.equal(await link.getAttribute("href"), inviteUrl);

    // The stored message carries the attributes the plugin set.
    const token = await desk.evaluate(() => Twilio.Flex.Manager.getInstance().user.token);
    const conversationSid = await desk.evaluate((sid) => Twilio.Flex.TaskHelper.getTaskByTaskSid(sid).conversationSid, taskSid);
    const res = await fetch(`${host.url}/sandbox/conversations/${conversationSid}/messages`, { headers: { authorization: `Bearer ${token}` } });
    const { messages } = await res.json();
    const sent = messages.find((m) => m.attributes.hasVideo === true);
    const code = new URL(inviteUrl).searchParams.get("code");
    assert.deepEqual(sent.attributes, { hasVideo: true, videoUrl: inviteUrl, uniqueCode: code });
    assert.equal(sent.authorRole, "agent");
    await shot(desk, "02-desk-invite-sent.png");
    await shot(chat, "02-chat-invite-link.png");
  });

  await step(t, "3. the Video Room tab appears; the agent joins, the customer follows the link and joins; each decodes the other's video", async () => {
    await desk.click(`${canvas(taskSid)} [data-tab="VideoRoom"]`);
    await desk.waitForSelector(`${room()} .c2v-join`);
    await shot(desk, "03-desk-video-room-tab.png");
    await desk.click(`${room()} .c2v-join`);
    await desk.waitForSelector(`${room()} .c2v-leave:not([hidden])`);
    await desk.waitForSelector(`${canvas(taskSid)} [data-attribute="videoRoom"]:text-is("connected")`);

    [video] = await Promise.all([customerContext.waitForEvent("page"), chat.click("#transcript a.video-link")]);
    video.on("pageerror", (err) => pageErrors.push(`${video.url()}: ${err}`));
    await video.setViewportSize({ width: 960, height: 900 });
    assert.equal(video.url(), inviteUrl);
    await video.waitForSelector(`[data-role="wait-status"]:text-is("alice is here. Join when you are ready.")`);
    await shot(video, "03-customer-join-page.png");
    await video.click(`[data-role="join"]`);
    await video.waitForSelector(`[data-role="in-call"]`);

    await decoding(video, `[data-role="remote-video"]`, "the customer sees the agent");
    await decoding(desk, `${room()} [data-role="remote-video"]`, "the agent sees the customer");
    await shot(video, "03-customer-in-room.png", `[data-role="leave"]`);
    await shot(desk, "03-desk-agent-in-room.png", `${room()} .c2v-leave`);
  });

  await step(t, "4. the customer mutes, turns the camera off and on, and shares the screen; the agent sees each change", async () => {
    const tile = `${room()} [data-role="remote"]`;
    await video.click(`[data-role="mute"]`);
    await desk.waitForSelector(`${tile}[data-microphone="off"]`);
    assert.equal(await desk.textContent(`${tile} [data-role="remote-status"]`), "Muted");
    await shot(desk, "04-desk-sees-customer-muted.png", `${tile} [data-role="remote-status"]`);

    await video.click(`[data-role="camera"]`);
    await desk.waitForSelector(`${tile}[data-camera="off"]`);
    assert.equal(await desk.textContent(`${tile} [data-role="remote-status"]`), "Muted, camera off");
    await shot(desk, "04-desk-sees-camera-off.png", `${tile} [data-role="remote-status"]`);
    await video.click(`[data-role="camera"]`);
    await desk.waitForSelector(`${tile}[data-camera="on"]`);
    await decoding(desk, `${tile} [data-role="remote-video"]`, "the agent sees the camera again");

    await video.click(`[data-role="mute"]`);
    await desk.waitForSelector(`${tile}[data-microphone="on"]`);
    await video.click(`[data-role="screen"]`);
    await decoding(desk, `${tile} [data-role="remote-screen"]`, "the agent sees the shared screen");
    assert.equal(await video.getAttribute(`[data-role="screen"]`, "aria-pressed"), "true");
    await shot(video, "04-customer-sharing-screen.png", `[data-role="screen"]`);
    await shot(desk, "04-desk-sees-shared-screen.png", `${tile} [data-role="remote-screen"]`);
  });

  await step(t, "5. wrap-up is refused while connected; after leaving, wrap-up ends the session, the customer rates during wrap-up and the agent sees it; after completion the link is refused", async () => {
    await desk.click(`${canvas(taskSid)} [data-action="WrapupTask"]`);
    const blocked = desk.locator(`[data-notification-id="ChatToVideoWrapupBlocked"]`);
    await blocked.waitFor();
    assert.equal(
      await blocked.locator(".notification-text").textContent(),
      "Disconnect from the video room before wrapping up or completing this task.",
    );
    // The blocked invocation is over (the desk's Actions keeps every running one): nothing of it
    // can still change the task.
    await desk.waitForFunction(() => Twilio.Flex.Actions.findPendingActions("WrapupTask").length === 0);
    assert.equal(await desk.getAttribute(`.task-item[data-task-sid="${taskSid}"]`, "data-task-status"), "assigned");
    assert.equal(await desk.isVisible(`${room()} .c2v-leave`), true, "still in the room");
    await shot(desk, "05-desk-wrapup-blocked.png", `${room()} .c2v-leave`);
    await blocked.locator(".notification-close").click();

    await desk.click(`${room()} .c2v-leave`);
    await desk.waitForSelector(`${canvas(taskSid)} [data-attribute="videoRoom"]:text-is("disconnected")`);
    await desk.click(`${canvas(taskSid)} [data-action="WrapupTask"]`);
    await desk.waitForSelector(`.task-item[data-task-sid="${taskSid}"][data-task-status="wrapping"]`);

    // After the wrap-up the plugin ends the session: the customer lands on the post-call page,
    // and the agent's tab stays as a summary of the call while the task is wrapping.
    await video.waitForSelector(`[data-role="post-call"]`);
    await shot(video, "05-customer-post-call.png");
    await desk.waitForSelector(`${room()} .c2v-tab[data-mode="summary"] .c2v-summary:has-text("Video call:")`);

    await video.check("#ctv-rating-5");
    await video.fill("#ctv-comment", "Quick and friendly, thank you!");
    await video.click(`[data-role="submit-rating"]`);
    await video.waitForSelector(`[data-role="rating-status"]:not(:empty)`);
    await shot(video, "05-customer-rated.png");
    // The rating reaches the agent where they are, during wrap-up, with a notification.
    await desk.waitForSelector(`${room()} .c2v-rating-score:text-is("Customer rating: 5/5")`);
    assert.equal(await desk.textContent(`${room()} .c2v-rating-comment`), "Quick and friendly, thank you!");
    await desk.waitForSelector(`[data-notification-id="ChatToVideoRatingReceived"]`);
    await shot(desk, "05-desk-rating-on-task.png", `${room()} .c2v-rating`);
    await desk.locator(`[data-notification-id="ChatToVideoRatingReceived"] .notification-close`).click();
    await desk.click(`${canvas(taskSid)} [data-action="CompleteTask"]`);
    await desk.waitForSelector(`.task-item[data-task-sid="${taskSid}"][data-task-status="completed"]`);
    await chat.waitForSelector("#chat-status:has-text('The agent has ended this chat.')");

    const again = await newPage(customerContext, { width: 960, height: 900 });
    await again.goto(inviteUrl);
    await again.waitForSelector(`[data-role="over-reason"]:text-is("This video call has ended.")`);
    await shot(again, "05-link-refused.png");
    await again.close();
  });

  await step(t, "6. an agent in one task's room cannot join another's until they leave the first", async () => {
    const first = await call("POST", "/sandbox/webchat/sessions", { name: "Grace", agent });
    const second = await call("POST", "/sandbox/webchat/sessions", { name: "Alan", agent });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    const [a, b] = [first.body.taskSid, second.body.taskSid];
    const tab = (sid) => `${canvas(sid)} .chat-to-video-room`;
    for (const sid of [a, b]) {
      await desk.click(`.task-item[data-task-sid="${sid}"]`);
      await desk.click(`${canvas(sid)} .c2v-video-button`);
      await desk.click(`${canvas(sid)} [data-tab="VideoRoom"]`);
      await desk.waitForSelector(`${tab(sid)} .c2v-join`);
    }
    await desk.click(`.task-item[data-task-sid="${a}"]`);
    await desk.click(`${tab(a)} .c2v-join`);
    await desk.waitForSelector(`${tab(a)} .c2v-leave:not([hidden])`);

    await desk.click(`.task-item[data-task-sid="${b}"]`);
    await desk.click(`${tab(b)} .c2v-join`);
    await desk.waitForSelector(`${tab(b)} .c2v-error:has-text("You are already in a video room on another task. Leave it first.")`);
    assert.equal(await desk.isVisible(`${tab(b)} .c2v-leave`), false, "not connected to the second room");
    await shot(desk, "06-desk-second-room-refused.png");

    await desk.click(`.task-item[data-task-sid="${a}"]`);
    await desk.click(`${tab(a)} .c2v-leave`);
    await desk.waitForSelector(`${tab(a)} .c2v-join:not([hidden])`);
    await desk.click(`.task-item[data-task-sid="${b}"]`);
    await desk.click(`${tab(b)} .c2v-join`);
    await desk.waitForSelector(`${tab(b)} .c2v-leave:not([hidden])`);
    await shot(desk, "06-desk-second-room-joined.png");
    await desk.click(`${tab(b)} .c2v-leave`);
  });

  await step(t, "7. the session follows the agent: the same link again, waiting by name, the agent leaving and coming back, a second tab taking the seat, End call for everyone, and a new link", async () => {
    const made = await call("POST", "/sandbox/webchat/sessions", { name: "Lin", agent });
    assert.equal(made.status, 201);
    const sid = made.body.taskSid;
    const tab = `${canvas(sid)} .chat-to-video-room`;
    const links = `${canvas(sid)} .message[data-has-video="true"] a.video-link`;
    const invitesAfter = (n) => desk.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length === k, [links, n]);
    await desk.click(`.task-item[data-task-sid="${sid}"]`);
    await desk.click(`${canvas(sid)} .c2v-video-button`);
    await invitesAfter(1);
    // The button again: the same link, not a second session.
    await desk.click(`${canvas(sid)} .c2v-video-button`);
    await invitesAfter(2);
    const [url, again] = await desk.locator(links).evaluateAll((as) => as.map((a) => a.href));
    assert.equal(again, url, "the same link is sent again");
    await shot(desk, "07-desk-same-link-again.png", links);

    const customer = await newPage(customerContext, { width: 960, height: 900 });
    await customer.goto(url);
    await customer.waitForSelector(`[data-role="wait-status"]:text-is("Waiting for alice to join...")`);
    await shot(customer, "07-customer-waiting-for-agent.png");
    await desk.click(`${canvas(sid)} [data-tab="VideoRoom"]`);
    await desk.click(`${tab} .c2v-join`);
    await customer.waitForSelector(`[data-role="wait-status"]:text-is("alice is here. Join when you are ready.")`);
    await customer.click(`[data-role="join"]`);
    await decoding(customer, `[data-role="remote-video"]`, "the customer sees the agent");
    await desk.waitForSelector(`${tab} [data-role="remote"] .ctv-identity:text-is("Lin")`);
    await shot(desk, "07-desk-customer-by-name.png", `${tab} .c2v-leave`);

    await desk.click(`${tab} .c2v-leave`);
    await customer.waitForSelector(`[data-role="waiting-for-others"]:text-is("alice left the call.")`);
    await shot(customer, "07-customer-agent-left.png");
    await desk.click(`${tab} .c2v-join`);
    await customer.waitForSelector(`[data-role="announcement"]:text-is("alice is back in the call.")`);

    const second = await newPage(customerContext, { width: 960, height: 900 });
    await second.goto(url);
    await second.waitForSelector(`[data-role="wait-status"]:has-text("is here")`);
    await second.click(`[data-role="join"]`);
    await second.waitForSelector(`[data-role="in-call"]`);
    await customer.waitForSelector(`[data-role="seat-taken-reason"]:text-is("You joined from another tab or device.")`);
    await shot(customer, "07-customer-seat-taken.png");
    await customer.close();

    await desk.click(`${tab} .c2v-end-all`);
    await second.waitForSelector(`[data-role="end-reason"]:text-is("The video call was ended by the agent.")`);
    await desk.waitForSelector(`${tab} .c2v-status:text-is("This video session has ended. Send a new link to start another.")`);
    await shot(desk, "07-desk-session-ended.png", `${tab} .c2v-new-link`);
    await desk.click(`${tab} .c2v-new-link`);
    await invitesAfter(3);
    const fresh = await desk.locator(links).last().getAttribute("href");
    assert.notEqual(fresh, url, "a new session, a new link");
    await desk.waitForSelector(`${tab} .c2v-join:not([hidden])`);
    await shot(desk, "07-desk-new-link-sent.png", `${tab} .c2v-join`);
    await second.close();
  });

  await deskContext.close();
  await customerContext.close();
});
