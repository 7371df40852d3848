// An agent (the real plugin bundle's Video Room tab) and a customer (the customer page)
// meet in a sandbox room in headless Chromium with fake camera and microphone: media flows
// both ways, mute and screen share reach the other side, completing the room over REST
// disconnects both with the reason shown, the customer's rating lands on the task and shows in
// the agent's tab, unmounting the tab leaves the room, an agent already in a room cannot
// join a second one, and a Join the host cannot answer turns off the camera it started.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  callFunction,
  flexTask,
  inboundVideoBytes,
  liveCapturedTracks,
  liveLocalTracks,
  meet,
  openAgent,
  openCustomer,
  remoteVideoWidth,
  setUpChat,
  taskAttributes,
  text,
  waitFor,
  waitForRemoteVideo,
  sandboxPerFile,
} from "./video-fixture.mjs";

const ctx = sandboxPerFile();

test("agent and customer decode each other's video, and bytes keep arriving", async () => {
  const chat = await setUpChat(ctx.host, "alice");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    assert.ok((await remoteVideoWidth(agent.page)) > 0);
    assert.ok((await remoteVideoWidth(customer.page)) > 0);
    for (const page of [agent.page, customer.page]) {
      const first = await inboundVideoBytes(page);
      assert.ok(first > 0, `received video bytes: ${first}`);
      await waitFor(async () => (await inboundVideoBytes(page)) > first, `received video bytes grow past ${first}`);
    }
    const attrs = await waitFor(
      async () => (await taskAttributes(ctx.host, chat.identity, chat.taskSid))?.videoRoom === "connected" && true,
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
  const chat = await setUpChat(ctx.host, "bob");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
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
  const chat = await setUpChat(ctx.host, "carol");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
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
  const chat = await setUpChat(ctx.host, "dave");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    const room = (await taskAttributes(ctx.host, chat.identity, chat.taskSid)).videoRoomSid;
    assert.match(room, /^RM/);
    const done = await callFunction(ctx.host, "complete-room", { Token: chat.token, roomSid: room, reason: "ended_by_agent" });
    assert.equal(done.status, 200);
    // The room's end and the session's end arrive in either order; both say the same.
    await customer.page.waitForSelector('[data-role="end-reason"]:text-is("The video call was ended by the agent.")');
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
    const rating = (await taskAttributes(ctx.host, chat.identity, chat.taskSid)).videoRating;
    assert.equal(rating.rating, 4);
    assert.equal(rating.comment, "Helpful <b>agent</b>");

    // Flex hands the shell the task with its new attributes: the tab shows the rating, the
    // comment as text.
    const attributes = await taskAttributes(ctx.host, chat.identity, chat.taskSid);
    await agent.page.evaluate((task) => window.__tab.rerender({ task, conversation: {} }), flexTask({ ...chat, attributes }));
    await agent.page.waitForFunction(() => document.querySelector(".c2v-rating")?.hidden === false);
    assert.equal(await text(agent.page, ".c2v-rating-score"), "Customer rating: 4/5");
    assert.equal(await text(agent.page, ".c2v-rating-comment"), "Helpful <b>agent</b>");
    assert.equal(await agent.page.$(".c2v-rating b"), null, "the comment is not parsed as markup");
    assert.equal(await text(agent.page, ".c2v-tab .c2v-status"), "The video room has ended.", "the ending stays shown");

    // The spent link now says why instead of waiting forever.
    const again = await openCustomer(ctx.browser, ctx.host, chat.code);
    try {
      await again.page.waitForSelector('[data-role="over-reason"]');
      assert.equal(await text(again.page, '[data-role="over-reason"]'), "The video call was ended by the agent.");
    } finally {
      await again.close();
    }
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("unmounting the tab leaves the room, stops the camera and records the state", async () => {
  const chat = await setUpChat(ctx.host, "erin");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
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
      async () => (await taskAttributes(ctx.host, chat.identity, chat.taskSid))?.videoRoom === "disconnected",
      "videoRoom = disconnected",
    );
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("an agent already in a room is told to leave it before joining another", async () => {
  const first = await setUpChat(ctx.host, "fred");
  const { agent, customer } = await meet(ctx.browser, ctx.host, first);
  try {
    // A second chat of the same agent, its tab in the same desk.
    const second = await setUpChat(ctx.host, "fred");
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
    assert.equal((await taskAttributes(ctx.host, second.identity, second.taskSid)).videoRoom ?? null, null);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the tab's call controls and the call's name follow manager.strings", async () => {
  const chat = await setUpChat(ctx.host, "gina");
  const strings = { PSChatToVideoMute: "Micro aus", PSChatToVideoStopCamera: "Kamera aus", PSChatToVideoCall: "Videoanruf" };
  const agent = await openAgent(ctx.browser, ctx.host, chat, undefined, { strings });
  try {
    await agent.page.click("button.c2v-join");
    await agent.page.waitForSelector('[data-role="local-video"]', { timeout: 15_000 });
    assert.equal(await agent.page.getByRole("button", { name: "Micro aus" }).count(), 1);
    assert.equal(await agent.page.getByRole("button", { name: "Kamera aus" }).count(), 1);
    assert.equal(await agent.page.getByRole("region", { name: "Videoanruf" }).count(), 1);
    assert.equal(await agent.page.getByRole("button", { name: "Mute", exact: true }).count(), 0);
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
  }
});

test("a Join the host cannot answer says so and turns off the camera it started meanwhile", async () => {
  const chat = await setUpChat(ctx.host, "erin");
  const agent = await openAgent(ctx.browser, ctx.host, chat);
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code, (page) =>
    page.route("**/client-get-video-token", (route) => route.fulfill({ status: 503, contentType: "application/json", body: "{}" })),
  );
  try {
    await agent.page.click("button.c2v-join");
    await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false, null, {
      timeout: 20_000,
    });
    await customer.page.click('[data-role="join"]');
    // The camera and microphone start with the click, while the token is asked for…
    await customer.page.waitForFunction(() => window.__capturedTracks.length >= 2, null, { timeout: 10_000 });
    // …the person reads that the service could not be reached…
    await customer.page.waitForSelector(':text("The service could not be reached. Please try again.")');
    // …and both are off again once the answer is a refusal.
    await customer.page.waitForFunction(() => window.__capturedTracks.every((t) => t.readyState === "ended"), null, {
      timeout: 10_000,
    });
    assert.equal(await liveCapturedTracks(customer.page), 0);
    assert.equal(await customer.page.locator('[data-role="remote-video"]').count(), 0, "not in a call");
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});
