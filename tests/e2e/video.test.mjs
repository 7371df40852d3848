// An agent (the real plugin bundle's Video Room tab) and a customer (the customer page)
// meet in a sandbox room in headless Chromium with fake camera and microphone: media flows
// both ways, mute and screen share reach the other side, completing the room over REST
// disconnects both with the reason shown, the customer's rating lands on the task and shows in
// the agent's tab, the same agent joining from a second window disconnects the first with the
// reason, and a dropped signaling connection shows "Reconnecting..." and comes back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  callFunction,
  flexTask,
  inboundVideoBytes,
  launchVideoChromium,
  liveCapturedTracks,
  liveLocalTracks,
  openAgent,
  openCustomer,
  recordStateWrites,
  remoteVideoWidth,
  setUpChat,
  startSandbox,
  taskAttributes,
  text,
  waitForRemoteVideo,
} from "./video-fixture.mjs";

let browser;
let host;
before(async () => {
  browser = await launchVideoChromium();
  host = await startSandbox();
});
after(async () => {
  await browser?.close();
  await host?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check, what, timeout = 10_000) {
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
async function meet(chat, prepareCustomer, prepareAgent) {
  const agent = await openAgent(browser, host, chat, prepareAgent);
  const customer = await openCustomer(browser, host, chat.code, prepareCustomer);
  await customer.page.waitForSelector('[data-role="wait-status"]');
  assert.equal(await text(customer.page, '[data-role="wait-status"]'), "Waiting for agent to join...");
  assert.equal(await customer.page.$eval('[data-role="join"]', (b) => b.disabled), true);
  assert.equal(await text(customer.page, '[data-role="code"]'), chat.code);

  await agent.page.click("button.c2v-join");
  await agent.page.waitForSelector('[data-role="local-video"]', { timeout: 15_000 });
  // The live document tells the waiting customer.
  await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
  assert.equal(await text(customer.page, '[data-role="wait-status"]'), "Agent connected.");
  await customer.page.click('[data-role="join"]');
  await waitForRemoteVideo(customer.page);
  await waitForRemoteVideo(agent.page);
  return { agent, customer };
}

test("agent and customer decode each other's video, and bytes keep arriving", async () => {
  const chat = await setUpChat(host, "alice");
  const { agent, customer } = await meet(chat);
  try {
    assert.ok((await remoteVideoWidth(agent.page)) > 0);
    assert.ok((await remoteVideoWidth(customer.page)) > 0);
    for (const page of [agent.page, customer.page]) {
      const first = await inboundVideoBytes(page);
      await sleep(1000);
      const second = await inboundVideoBytes(page);
      assert.ok(first > 0 && second > first, `received video bytes grow: ${first} → ${second}`);
    }
    const attrs = await waitFor(
      async () => (await taskAttributes(host, chat.identity, chat.taskSid))?.videoRoom === "connected" && true,
      "videoRoom = connected",
    );
    assert.ok(attrs);
    assert.deepEqual(agent.errors, []);
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("muting and the camera on one side show on the other", async () => {
  const chat = await setUpChat(host, "bob");
  const { agent, customer } = await meet(chat);
  try {
    const remote = '[data-role="remote"]';
    assert.equal(await agent.page.$eval(remote, (e) => e.getAttribute("data-microphone")), "on");
    await customer.page.click('[data-role="mute"]');
    assert.equal(await text(customer.page, '[data-role="mute"]'), "Unmute");
    await agent.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("data-microphone") === "off", remote);
    assert.equal(await text(agent.page, '[data-role="remote-status"]'), "Muted");
    await customer.page.click('[data-role="mute"]');
    await agent.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("data-microphone") === "on", remote);

    // The agent stops the camera: the customer sees it, and the agent's camera is released.
    assert.equal(await liveCapturedTracks(agent.page, "video"), 1);
    await agent.page.click('[data-role="camera"]');
    await customer.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("data-camera") === "off", remote);
    assert.equal(await text(customer.page, '[data-role="remote-status"]'), "Camera off");
    assert.equal(await liveCapturedTracks(agent.page, "video"), 0, "the camera is off, self view included");
    assert.equal(await liveCapturedTracks(agent.page, "audio"), 1, "the microphone stays on");
    await agent.page.click('[data-role="camera"]');
    await customer.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("data-camera") === "on", remote);
    await waitForRemoteVideo(customer.page);
    assert.equal(await liveCapturedTracks(agent.page, "video"), 1, "one camera capture again");
    // Off and on once more: the capture taken by "on" is the one "off" stops.
    await agent.page.click('[data-role="camera"]');
    await customer.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("data-camera") === "off", remote);
    await agent.page.waitForFunction(() => document.querySelector('[data-role="camera"]')?.disabled === false);
    assert.equal(await liveCapturedTracks(agent.page, "video"), 0);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("a shared screen arrives as a second video on the other side and goes when stopped", async () => {
  const chat = await setUpChat(host, "carol");
  const { agent, customer } = await meet(chat);
  try {
    assert.equal(await remoteVideoWidth(agent.page, "remote-screen"), 0);
    await customer.page.click('[data-role="screen"]');
    await waitForRemoteVideo(agent.page, "remote-screen");
    assert.equal(await text(customer.page, '[data-role="screen"]'), "Stop sharing");
    const videos = await agent.page.$$eval("video[data-role^=remote]", (vs) => vs.filter((v) => !v.hidden && v.videoWidth > 0).length);
    assert.equal(videos, 2, "camera and screen both decode");
    const layout = () =>
      agent.page.$eval('[data-role="remote"]', (tile) => {
        const box = (role) => tile.querySelector(`video[data-role="${role}"]`).getBoundingClientRect();
        return { screen: tile.dataset.screen ?? null, screenWidth: box("remote-screen").width, cameraWidth: box("remote-video").width };
      });
    const sharing = await layout();
    assert.equal(sharing.screen, "on");
    assert.ok(sharing.screenWidth > 2 * sharing.cameraWidth, `the screen is the large picture: ${JSON.stringify(sharing)}`);
    assert.equal(await liveCapturedTracks(customer.page, "video"), 2, "camera and screen");
    await customer.page.click('[data-role="screen"]');
    await agent.page.waitForFunction(() => document.querySelector('video[data-role="remote-screen"]')?.hidden === true);
    assert.ok((await remoteVideoWidth(agent.page)) > 0, "the camera keeps playing");
    assert.equal((await layout()).screen, null, "the camera is the large picture again");
    assert.equal(await liveCapturedTracks(customer.page, "video"), 1, "the screen capture stopped");
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("completing the room over REST disconnects both with the reason, and the rating reaches the task", async () => {
  const chat = await setUpChat(host, "dave");
  const { agent, customer } = await meet(chat);
  try {
    const room = (await taskAttributes(host, chat.identity, chat.taskSid)).videoRoomSid;
    assert.match(room, /^RM/);
    const done = await callFunction(host, "complete-room", { Token: chat.token, roomSid: room });
    assert.equal(done.status, 200);
    await customer.page.waitForSelector('[data-role="end-reason"]');
    assert.equal(await text(customer.page, '[data-role="end-reason"]'), "The video call was ended by the agent.");
    await agent.page.waitForFunction(() => document.querySelector(".c2v-tab")?.getAttribute("data-phase") === "disconnected");
    assert.equal(await text(agent.page, ".c2v-tab .c2v-status"), "The video room has ended.");
    assert.equal(await liveLocalTracks(agent.page), 0);
    assert.equal(await liveCapturedTracks(agent.page), 0, "the agent's camera and microphone are off");
    assert.equal(await liveCapturedTracks(customer.page), 0, "the customer's camera and microphone are off");

    // The customer rates the call; it lands on the task.
    await customer.page.click("#ctv-rating-4");
    await customer.page.fill("#ctv-comment", "Helpful <b>agent</b>");
    await customer.page.click('[data-role="submit-rating"]');
    await customer.page.waitForFunction(() => document.querySelector('[data-role="rating-status"]')?.textContent === "Thank you for your feedback.");
    const rating = (await taskAttributes(host, chat.identity, chat.taskSid)).videoRating;
    assert.equal(rating.rating, 4);
    assert.equal(rating.comment, "Helpful <b>agent</b>");

    // Flex hands the shell the task with its new attributes: the tab shows the rating, the
    // comment as text.
    const attributes = await taskAttributes(host, chat.identity, chat.taskSid);
    await agent.page.evaluate((task) => window.__tab.rerender({ task, conversation: {} }), flexTask({ ...chat, attributes }));
    await agent.page.waitForFunction(() => document.querySelector(".c2v-rating")?.hidden === false);
    assert.equal(await text(agent.page, ".c2v-rating-score"), "Customer rating: 4/5");
    assert.equal(await text(agent.page, ".c2v-rating-comment"), "Helpful <b>agent</b>");
    assert.equal(await agent.page.$(".c2v-rating b"), null, "the comment is not parsed as markup");
    assert.equal(await text(agent.page, ".c2v-tab .c2v-status"), "The video room has ended.", "the ending stays shown");

    // The spent link now says so instead of waiting forever.
    const again = await openCustomer(browser, host, chat.code);
    try {
      await again.page.waitForSelector('[data-role="code-error"]');
      assert.equal(
        await text(again.page, '[data-role="code-error"]'),
        "This link is not valid or has expired. Please ask the agent for a new link.",
      );
    } finally {
      await again.close();
    }
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("unmounting the tab leaves the room, stops the camera and records the state", async () => {
  const chat = await setUpChat(host, "erin");
  const { agent, customer } = await meet(chat);
  try {
    assert.ok((await liveLocalTracks(agent.page)) > 0);
    const camerasBefore = await agent.page.evaluate(() => window.__peerConnections.length);
    assert.ok(camerasBefore > 0);
    await agent.unmount();
    // The customer sees the agent go.
    await customer.page.waitForFunction(() => document.querySelector('[data-role="waiting-for-others"]')?.hidden === false);
    const ended = await agent.page.evaluate(() =>
      window.__peerConnections.every((pc) => pc.connectionState === "closed" && pc.getSenders().every((s) => !s.track || s.track.readyState === "ended")),
    );
    assert.equal(ended, true, "every peer connection closed and every local track stopped");
    assert.equal(await liveCapturedTracks(agent.page), 0, "nothing captured is left running");
    await waitFor(
      async () => (await taskAttributes(host, chat.identity, chat.taskSid))?.videoRoom === "disconnected",
      "videoRoom = disconnected",
    );
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("an agent already in a room is told to leave it before joining another", async () => {
  const first = await setUpChat(host, "fred");
  const { agent, customer } = await meet(first);
  try {
    // A second chat of the same agent, its tab in the same desk.
    const second = await setUpChat(host, "fred");
    await agent.page.evaluate((task) => {
      const tab = window.flexRecord.tabs[0];
      const el = document.createElement("div");
      el.id = "second";
      document.body.append(el);
      window.__second = window.flexDouble.render(tab.element, { task, conversation: {} });
    }, { taskSid: second.taskSid, sid: "WR2", taskStatus: "assigned", status: "accepted", taskChannelUniqueName: "chat", attributes: second.attributes });
    await agent.page.waitForFunction(() => document.querySelectorAll("button.c2v-join").length === 2);
    const buttons = await agent.page.$$("button.c2v-join");
    await buttons[1].click();
    await agent.page.waitForFunction(() => document.querySelectorAll(".c2v-tab")[1]?.getAttribute("data-phase") === "error");
    const message = await agent.page.$$eval(".c2v-tab .c2v-error", (els) => els.map((e) => e.textContent).find((t) => t));
    assert.equal(message, "You are already in a video room on another task. Leave it first.");
    assert.ok((await remoteVideoWidth(agent.page)) > 0, "the first call goes on");
    assert.equal((await taskAttributes(host, second.identity, second.taskSid)).videoRoom ?? null, null);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("a dropped signaling connection reconnects and the call comes back", async () => {
  const chat = await setUpChat(host, "gail");
  const routes = [];
  // The customer's signaling socket goes through the test, which can cut it like a network would.
  const { agent, customer } = await meet(chat, (page) =>
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
    await sleep(800);
    assert.ok((await inboundVideoBytes(agent.page)) > first, "media flows again");
    assert.equal(await customer.page.$('[data-role="post-call"]'), null, "the customer is still in the call");
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the same agent joining from a second window disconnects the first, which says why", async () => {
  const chat = await setUpChat(host, "hank");
  const first = await openAgent(browser, host, chat);
  const second = await openAgent(browser, host, chat);
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
    await sleep(500);
    assert.deepEqual(firstWrites, ["connected"]);
    assert.deepEqual(secondWrites, ["connected"]);
    assert.equal((await taskAttributes(host, chat.identity, chat.taskSid)).videoRoom, "connected");
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
  const chat = await setUpChat(host, "ivy");
  const routes = [];
  let writes;
  const { agent, customer } = await meet(chat, undefined, (page) => {
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
    assert.equal((await taskAttributes(host, chat.identity, chat.taskSid)).videoRoom, "connected");
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
  const chat = await setUpChat(host, "jack");
  const agentLink = cuttableSignaling();
  const customerLink = cuttableSignaling();
  let writes;
  const { agent, customer } = await meet(chat, customerLink.prepare, (page) => {
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
      async () => (await taskAttributes(host, chat.identity, chat.taskSid))?.videoRoom === "error",
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
