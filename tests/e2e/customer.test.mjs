// The customer page on its own: entering a code, wrong and expired codes, the wait for the
// agent, unsupported browsers and insecure pages, and twilio mode with the real
// twilio-video SDK (Twilio's cloud cannot be reached here, so its connect must fail, and
// the page must say so).
import assert from "node:assert/strict";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./harness.mjs";
import {
  callFunction,
  liveCapturedTracks,
  openCustomer,
  setUpChat,
  taskAttributes,
  text,
  sandboxPerFile,
  startSandbox,
} from "./video-fixture.mjs";

const INVALID = "This link is not valid or has expired. Please ask the agent for a new link.";

const ctx = sandboxPerFile();

/** The agent joins through the functions API (no browser needed for the agent here). */
/** The agent joins as the tab would: a token for the room, then "connected" once media is up. */
async function agentJoins(chat) {
  const doc = chat.attributes.syncDocument;
  const agent = await callFunction(ctx.host, "agent-get-token", { Token: chat.token, DocumentSid: doc });
  assert.equal(agent.status, 200);
  const connected = await callFunction(ctx.host, "update-video-state", { Token: chat.token, taskSid: chat.taskSid, state: "connected" });
  assert.equal(connected.status, 200);
}

/**
 * A page whose `endpoint` answers are rewritten to twilio mode (`provider: "twilio"`, then
 * `rewrite(body)`), as a host with Twilio credentials would answer; Twilio's cloud cannot be
 * reached here. `sdkRequests` collects the paths of the SDK scripts it loads.
 */
async function twilioModePage(endpoint, rewrite) {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await page.route(`**/${endpoint}`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.provider = "twilio";
    rewrite(body);
    await route.fulfill({ response, json: body });
  });
  const sdkRequests = [];
  page.on("request", (r) => {
    if (r.url().includes("/vendor/")) sdkRequests.push(new URL(r.url()).pathname);
  });
  return { context, page, sdkRequests };
}

test("without a code the page asks for one, checks its format, and takes a good one", async () => {
  const chat = await setUpChat(ctx.host, "erin");
  const customer = await openCustomer(ctx.browser, ctx.host);
  try {
    await customer.page.waitForSelector("#ctv-code");
    assert.equal(await customer.page.$eval('label[for="ctv-code"]', (l) => l.textContent), "Your code");
    await customer.page.fill("#ctv-code", "ab-<b>");
    await customer.page.press("#ctv-code", "Enter");
    assert.equal(await text(customer.page, '[data-role="code-error"]'), "A code is 4 to 64 letters and digits.");
    await customer.page.fill("#ctv-code", ` ${chat.code} `);
    await customer.page.click('.ctv-code-form button[type="submit"]');
    await customer.page.waitForSelector('[data-role="wait-status"]:text-is("Waiting for erin to join...")');
    assert.equal(await text(customer.page, '[data-role="code"]'), chat.code);
    assert.deepEqual(customer.errors, []);
  } finally {
    await customer.close();
  }
});

test("an unknown or malformed code gets a clear message, not a spinner", async () => {
  for (const code of ["ZZZZZZZ", "<script>alert(1)</script>", "abc"]) {
    const customer = await openCustomer(ctx.browser, ctx.host, code);
    try {
      await customer.page.waitForSelector('[data-role="code-error"]');
      assert.equal(await text(customer.page, '[data-role="code-error"]'), INVALID, code);
      assert.equal(await customer.page.$("script[src*=alert]"), null);
      assert.ok(await customer.page.$("#ctv-code"), "a field to try another code");
    } finally {
      await customer.close();
    }
  }
});

test("an expired link says so, and what to do", async () => {
  const short = await startSandbox({ VIDEO_CODE_TTL: "1" });
  try {
    const chat = await setUpChat(short, "frank");
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const customer = await openCustomer(ctx.browser, short, chat.code);
    try {
      await customer.page.waitForSelector('[data-role="over-reason"]');
      assert.equal(
        await text(customer.page, '[data-role="over-reason"]'),
        "This link has expired. Please ask the agent for a new link.",
      );
    } finally {
      await customer.close();
    }
  } finally {
    await short.stop();
  }
});

test("the rating form refuses a missing rating and accepts one without a comment", async () => {
  const chat = await setUpChat(ctx.host, "gina");
  await agentJoins(chat);
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code);
  try {
    await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
    await customer.page.click('[data-role="join"]');
    await customer.page.waitForSelector('[data-role="leave"]', { timeout: 15_000 });
    await customer.page.click('[data-role="leave"]');
    await customer.page.waitForSelector('[data-role="post-call"]');
    assert.equal(await customer.page.$('[data-role="end-reason"]'), null, "leaving by choice needs no reason");
    assert.equal(await liveCapturedTracks(customer.page), 0, "camera and microphone are off after leaving");
    await customer.page.click('[data-role="submit-rating"]');
    assert.equal(await text(customer.page, '[data-role="rating-status"]'), "Please choose a rating from 1 to 5.");
    await customer.page.click("#ctv-rating-5");
    await customer.page.click('[data-role="submit-rating"]');
    await customer.page.waitForFunction(
      () => document.querySelector('[data-role="rating-status"]')?.textContent === "Thank you for your feedback.",
    );
    const rating = (await taskAttributes(ctx.host, chat.identity, chat.taskSid)).videoRating;
    assert.equal(rating.rating, 5);
    assert.equal(rating.comment ?? null, null);
  } finally {
    await customer.close();
  }
});

test("a browser without WebRTC gets an explanation", async () => {
  const context = await ctx.browser.newContext();
  await context.addInitScript(() => {
    delete window.RTCPeerConnection;
  });
  const page = await context.newPage();
  try {
    await page.goto(`${ctx.host.url}/features/chat-to-video/index.html?code=abcdefg`);
    await page.waitForSelector('[data-role="unsupported"]');
    assert.match(await text(page, '[data-role="unsupported"] .ctv-error'), /does not support video calls/);
  } finally {
    await context.close();
  }
});

test("a page opened over plain http on a non-local name explains that https is needed", async () => {
  const port = new URL(ctx.host.url).port;
  const insecure = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP video.example.test 127.0.0.1"],
  });
  try {
    const page = await insecure.newPage();
    await page.goto(`http://video.example.test:${port}/features/chat-to-video/index.html?code=abcdefg`);
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    await page.waitForSelector('[data-role="unsupported"]');
    assert.match(await text(page, '[data-role="unsupported"] .ctv-error'), /secure connection/);
  } finally {
    await insecure.close();
  }
});

test("twilio mode: the real twilio-video SDK loads, captures the fake devices, and a failed connect is shown", async () => {
  const chat = await setUpChat(ctx.host, "hank");
  await agentJoins(chat);
  // With a token Twilio would refuse.
  const { context, page, sdkRequests } = await twilioModePage("client-get-video-token", (body) => {
    delete body.signaling_url;
    body.token = "not-a-twilio-token";
  });
  try {
    await page.goto(`${ctx.host.url}/features/chat-to-video/index.html?code=${chat.code}`);
    await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
    assert.deepEqual(sdkRequests, [], "sandbox-mode waiting loads no SDK");
    await page.click('[data-role="join"]');
    await page.waitForFunction(
      () => {
        const s = document.querySelector('[data-role="wait-status"]')?.textContent ?? "";
        return s !== "Connecting..." && !s.endsWith(" is here. Join when you are ready.");
      },
      null,
      { timeout: 60_000 },
    );
    assert.deepEqual(sdkRequests, ["/vendor/twilio-video.min.js"]);
    const status = await text(page, '[data-role="wait-status"]');
    assert.ok(
      [
        "Your access to this call is not valid.",
        "Could not connect to the video call. Please check your internet connection and try again.",
      ].includes(status),
      status,
    );
    // The person can try again, once the pre-join preview has its tracks again.
    await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
    assert.ok(await page.$('video[data-role="preview"]'), "the preview is back");
    const sdk = await page.evaluate(async () => {
      const tracks = await window.Twilio.Video.createLocalTracks({ audio: true, video: true });
      const kinds = tracks.map((t) => `${t.kind}:${t.mediaStreamTrack.readyState}`).sort();
      tracks.forEach((t) => t.stop());
      return { isSupported: window.Twilio.Video.isSupported, kinds };
    });
    assert.deepEqual(sdk, { isSupported: true, kinds: ["audio:live", "video:live"] });
  } finally {
    await context.close();
  }
});

test("twilio mode: the wait uses twilio-sync, and an unreachable Twilio ends in a message, not an endless wait", async () => {
  const chat = await setUpChat(ctx.host, "ivy");
  const { context, page, sdkRequests } = await twilioModePage("client-get-sync-token", (body) => {
    delete body.sync_url;
  });
  try {
    await page.goto(`${ctx.host.url}/features/chat-to-video/index.html?code=${chat.code}`);
    await page.waitForSelector('[data-role="wait-status"]');
    assert.equal(await text(page, '[data-role="wait-status"]'), "Waiting for agent to join...");
    await page.waitForFunction(
      () => document.querySelector('[data-role="wait-status"]')?.textContent !== "Waiting for agent to join...",
      null,
      { timeout: 30_000 },
    );
    assert.equal(
      await text(page, '[data-role="wait-status"]'),
      "The service could not be reached. Please reload the page to try again.",
    );
    assert.deepEqual(sdkRequests, ["/vendor/twilio-sync.min.js"]);
    assert.equal(await page.$eval('[data-role="join"]', (b) => b.disabled), true);
  } finally {
    await context.close();
  }
});
