// The video call's connections in headless Chromium, an agent (the real plugin bundle's Video
// Room tab) and a customer (the customer page) in a sandbox room: a dropped signaling
// connection shows "Reconnecting..." and comes back on either side, the same agent joining
// from a second window disconnects the first with the reason, and a connection that cannot be
// restored ends the call with the network reason on both sides.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  inboundVideoBytes,
  liveCapturedTracks,
  meet,
  openAgent,
  recordStateWrites,
  requestsSeen,
  setUpChat,
  taskAttributes,
  text,
  waitFor,
  waitForRemoteVideo,
  sandboxPerFile,
} from "./video-fixture.mjs";

const ctx = sandboxPerFile();

test("a dropped signaling connection reconnects and the call comes back", async () => {
  const chat = await setUpChat(ctx.host, "gail");
  const routes = [];
  // The customer's signaling socket goes through the test, which can cut it like a network would.
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat, (page) =>
    page.routeWebSocket(/\/signal$/, (ws) => {
      ws.connectToServer();
      routes.push(ws);
    }),
  );
  try {
    assert.equal(routes.length, 1);
    await routes[0].close({ code: 4999, reason: "cut by the test" });
    await customer.page.waitForFunction(() => document.querySelector('[data-role="reconnecting"]')?.hidden === false);
    // The agent sees the customer go while the link is down.
    await agent.page.waitForFunction(() => document.querySelector('[data-role="waiting-for-others"]')?.hidden === false);
    await customer.page.waitForFunction(() => document.querySelector('[data-role="reconnecting"]')?.hidden === true, null, {
      timeout: 15_000,
    });
    assert.equal(routes.length, 2, "one new signaling connection");
    await waitForRemoteVideo(agent.page);
    await waitForRemoteVideo(customer.page);
    const first = await inboundVideoBytes(agent.page);
    await waitFor(async () => (await inboundVideoBytes(agent.page)) > first, "media flows again");
    assert.equal(await customer.page.$('[data-role="post-call"]'), null, "the customer is still in the call");
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the same agent joining from a second window disconnects the first, which says why", async () => {
  const chat = await setUpChat(ctx.host, "hank");
  const first = await openAgent(ctx.browser, ctx.host, chat);
  const second = await openAgent(ctx.browser, ctx.host, chat);
  const firstWrites = recordStateWrites(first.page);
  const secondWrites = recordStateWrites(second.page);
  const phase = (page) => page.$eval(".c2v-tab", (e) => e.getAttribute("data-phase"));
  try {
    await first.page.click("button.c2v-join");
    await first.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "connected", null, {
      timeout: 15_000,
    });
    await waitFor(async () => firstWrites.length === 1, "the first window writes connected");
    assert.ok((await liveCapturedTracks(first.page)) > 0);

    await second.page.click("button.c2v-join");
    await second.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "connected", null, {
      timeout: 15_000,
    });
    // The service disconnects the older connection of the identity (Twilio's 53205).
    await first.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "disconnected");
    assert.equal(
      await text(first.page, ".c2v-tab .c2v-status"),
      "You joined this video room in another window or on another device, so you were disconnected here.",
    );
    assert.equal(await first.page.$eval(".c2v-tab .c2v-error", (e) => e.hidden), true, "information, not an alarm");
    assert.equal(await first.page.$('[data-role="local-video"]'), null, "the call view is gone");
    assert.equal(await liveCapturedTracks(first.page), 0, "the first window released camera and microphone");
    assert.equal(await first.page.$eval("button.c2v-join", (b) => !b.hidden && !b.disabled), true, "it can take the call back");

    // The first window records nothing: the agent is still in the room, in the second one.
    await waitFor(async () => secondWrites.length === 1, "the second window writes connected");
    // A request the first window sends now is seen after any write it sent on being disconnected.
    await requestsSeen(first.page);
    assert.deepEqual(firstWrites, ["connected"]);
    assert.deepEqual(secondWrites, ["connected"]);
    assert.equal((await taskAttributes(ctx.host, chat.identity, chat.taskSid)).videoRoom, "connected");
    assert.equal(await phase(second.page), "connected");
    assert.ok((await liveCapturedTracks(second.page)) > 0);
    assert.deepEqual(first.errors, []);
    assert.deepEqual(second.errors, []);
  } finally {
    await first.close();
    await second.close();
  }
});

test("the agent's tab says Reconnecting... while its signaling is down and returns to the call", async () => {
  const chat = await setUpChat(ctx.host, "ivy");
  const routes = [];
  let writes;
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat, undefined, (page) => {
    writes = recordStateWrites(page);
    return page.routeWebSocket(/\/signal$/, (ws) => {
      ws.connectToServer();
      routes.push(ws);
    });
  });
  try {
    await waitFor(async () => writes.length === 1, "connected written");
    assert.equal(routes.length, 1);
    await routes[0].close({ code: 4999, reason: "cut by the test" });
    await agent.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "reconnecting");
    assert.equal(await text(agent.page, ".c2v-tab .c2v-status"), "Reconnecting...");
    assert.equal(await agent.page.$eval(".c2v-tab", (e) => e.getAttribute("aria-busy")), "true");
    assert.equal(await agent.page.$eval("button.c2v-leave", (b) => b.hidden), false, "Disconnect stays offered");
    await agent.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "connected", null, {
      timeout: 15_000,
    });
    assert.equal(await text(agent.page, ".c2v-tab .c2v-status"), "Connected to the video room.");
    assert.equal(routes.length, 2, "one new signaling connection");
    await waitForRemoteVideo(agent.page);
    await waitForRemoteVideo(customer.page);
    assert.deepEqual(writes, ["connected"], "a reconnect writes nothing");
    assert.equal((await taskAttributes(ctx.host, chat.identity, chat.taskSid)).videoRoom, "connected");
  } finally {
    await agent.close();
    await customer.close();
  }
});

/** Routes a page's signaling socket through the test, which can cut it and refuse new ones. */
function cuttableSignaling() {
  const state = { routes: [], refuse: false };
  state.prepare = (page) =>
    page.routeWebSocket(/\/signal$/, (ws) => {
      if (state.refuse) {
        ws.close({ code: 4998, reason: "refused by the test" });
        return;
      }
      ws.connectToServer();
      state.routes.push(ws);
    });
  state.cut = async () => {
    state.refuse = true;
    for (const ws of state.routes) await ws.close({ code: 4999, reason: "cut by the test" });
  };
  return state;
}

test("a connection that cannot be restored ends with the network reason on both sides", async () => {
  const chat = await setUpChat(ctx.host, "jack");
  const agentLink = cuttableSignaling();
  const customerLink = cuttableSignaling();
  let writes;
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat, customerLink.prepare, (page) => {
    writes = recordStateWrites(page);
    return agentLink.prepare(page);
  });
  try {
    await waitFor(async () => writes.length === 1, "connected written");
    await agentLink.cut();
    await customerLink.cut();
    await agent.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "reconnecting");
    // Five attempts, one to five seconds apart, then the client gives up.
    const giveUp = { timeout: 30_000 };
    await agent.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "disconnected", null, giveUp);
    assert.equal(
      await text(agent.page, ".c2v-tab .c2v-error"),
      "The connection to the video room was lost. Check your network and join again.",
    );
    assert.equal(await agent.page.$eval(".c2v-tab .c2v-status", (e) => e.hidden), true);
    await waitFor(async () => writes.length === 2, "the failure is recorded");
    assert.deepEqual(writes, ["connected", "error"]);
    await waitFor(
      async () => (await taskAttributes(ctx.host, chat.identity, chat.taskSid))?.videoRoom === "error",
      "videoRoom = error",
    );
    assert.equal(await liveCapturedTracks(agent.page), 0);

    await customer.page.waitForSelector('[data-role="end-reason"]', giveUp);
    assert.equal(
      await text(customer.page, '[data-role="end-reason"]'),
      "The connection to the call was lost. Check your internet connection, then reload the page to join again.",
    );
    assert.ok(await customer.page.$('[data-role="submit-rating"]'), "the rating is still offered");
    assert.equal(await liveCapturedTracks(customer.page), 0);
  } finally {
    await agent.close();
    await customer.close();
  }
});
