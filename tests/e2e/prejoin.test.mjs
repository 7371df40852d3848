// The pre-join screen and device choice, in headless Chromium with three fake cameras
// (`device-count=3`; Chromium always gives two fake microphones and speakers besides the
// "default" ones). Chromium's fake_device_1 is a Y16 (depth) camera: it plays in a <video> but
// WebRTC sends none of its frames, so the calls here switch between fake_device_0 (I420) and
// fake_device_2 (MJPEG). Shown: the preview
// plays, the lists name the fake devices, the meter moves (the fake microphone beeps), the
// choice survives a reload and is what Join publishes (no second getUserMedia), devices switch
// during the call while the other side keeps receiving, and an unplugged device falls back to
// another with a notice. Sandbox mode; the SDK path is in twilio-mode.test.mjs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { openAgent, openCustomer, sandboxPerFile, setUpChat, text, waitFor, waitForRemoteVideo } from "./video-fixture.mjs";

const ctx = sandboxPerFile({}, { deviceCount: 3 });

/** Counts getUserMedia calls, and lets a test unplug devices by label (`window.__unplug`). */
async function instrument(page) {
  await page.addInitScript(() => {
    const media = MediaDevices.prototype;
    const gum = media.getUserMedia;
    window.__gumCalls = 0;
    media.getUserMedia = function (...args) {
      window.__gumCalls += 1;
      return gum.apply(this, args);
    };
    const list = media.enumerateDevices;
    window.__unplugged = [];
    media.enumerateDevices = async function () {
      return (await list.call(this)).filter((d) => !window.__unplugged.includes(d.label));
    };
    window.__unplug = (...labels) => {
      window.__unplugged.push(...labels);
      navigator.mediaDevices.dispatchEvent(new Event("devicechange"));
    };
  });
}

/** The labels a list offers. */
const offered = (page, role) => page.$$eval(`[data-role="${role}"] option`, (os) => os.map((o) => o.textContent));
/** The label of the selected entry of a list. */
const chosen = (page, role) => page.$eval(`[data-role="${role}"]`, (s) => s.selectedOptions[0]?.textContent ?? null);
/** The label of the preview's camera track. */
const previewCamera = (page) =>
  page.$eval('video[data-role="preview"]', (v) => v.srcObject?.getVideoTracks()[0]?.label ?? null);
/** The labels of what the page's peer connections send, of a kind. */
const sending = (page, kind) =>
  page.evaluate(
    (kind) =>
      (window.__peerConnections ?? [])
        .filter((pc) => pc.connectionState !== "closed")
        .flatMap((pc) => pc.getSenders())
        .filter((s) => s.track?.kind === kind && s.track.readyState === "live")
        .map((s) => s.track.label),
    kind,
  );
/** Decoded frames of the remote video so far. */
const framesDecoded = (page) =>
  page.$eval('video[data-role="remote-video"]', (v) => v.getVideoPlaybackQuality().totalVideoFrames);

/** The remote video on `page` decodes new frames from now on, with a live track. */
async function keepsReceiving(page, what) {
  const before = await framesDecoded(page);
  await waitFor(async () => (await framesDecoded(page)) > before + 5, `${what}: remote frames advance past ${before}`);
  const live = await page.$eval('video[data-role="remote-video"]', (v) => v.srcObject.getVideoTracks().every((t) => t.readyState === "live"));
  assert.equal(live, true, `${what}: the remote track is live`);
}

async function previewPlays(page) {
  await page.waitForFunction(() => {
    const v = document.querySelector('video[data-role="preview"]');
    return Boolean(v && !v.hidden && v.videoWidth > 0);
  });
}

test("the customer's pre-join screen: preview, the fake devices by name, a moving meter, a choice kept across a reload and used on Join", async () => {
  const chat = await setUpChat(ctx.host, "pia");
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code, instrument);
  const agent = await openAgent(ctx.browser, ctx.host, chat);
  try {
    const page = customer.page;
    await previewPlays(page);
    assert.deepEqual(await offered(page, "camera-choice"), ["fake_device_0", "fake_device_1", "fake_device_2"]);
    assert.deepEqual(await offered(page, "microphone-choice"), ["Fake Default Audio Input", "Fake Audio Input 1", "Fake Audio Input 2"]);
    assert.deepEqual(await offered(page, "speaker-choice"), ["Fake Default Audio Output", "Fake Audio Output 1", "Fake Audio Output 2"]);
    assert.equal(await chosen(page, "camera-choice"), "fake_device_0");
    assert.equal(await chosen(page, "microphone-choice"), "Fake Default Audio Input");
    // Each list is named by its visible label.
    for (const name of ["Camera", "Microphone", "Speaker"]) {
      assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, `${name} list`);
    }
    // The fake microphone beeps: the meter rises above 0, and says so.
    const meter = page.getByRole("meter", { name: "Microphone level" });
    await waitFor(async () => Number(await meter.getAttribute("aria-valuenow")) > 0, "the meter moves");
    assert.equal(await page.getByRole("button", { name: "Join Video Room" }).isDisabled(), true, "Join waits for the agent");
    await assertAccessible(page, "the pre-join screen");

    // Another camera and microphone: the preview switches, only that track restarts.
    await page.selectOption('[data-role="camera-choice"]', { label: "fake_device_2" });
    await waitFor(async () => (await previewCamera(page)) === "fake_device_2", "the preview shows fake_device_2");
    await previewPlays(page);
    await page.selectOption('[data-role="microphone-choice"]', { label: "Fake Audio Input 2" });
    await waitFor(async () => (await chosen(page, "microphone-choice")) === "Fake Audio Input 2", "the microphone list follows");
    await page.selectOption('[data-role="speaker-choice"]', { label: "Fake Audio Output 1" });
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("chat-to-video-device:videoinput")));
    assert.equal(stored.label, "fake_device_2");

    // A reload: the same choice.
    await page.reload();
    await previewPlays(page);
    assert.equal(await previewCamera(page), "fake_device_2");
    assert.equal(await chosen(page, "camera-choice"), "fake_device_2");
    await waitFor(async () => (await chosen(page, "microphone-choice")) === "Fake Audio Input 2", "the microphone is remembered");
    await waitFor(async () => (await chosen(page, "speaker-choice")) === "Fake Audio Output 1", "the speaker is remembered");

    // Join uses the running tracks: no getUserMedia after the preview's.
    await agent.page.click("button.c2v-join");
    await page.getByRole("button", { name: "Join Video Room" }).click();
    const calls = await page.evaluate(() => window.__gumCalls);
    await waitForRemoteVideo(page);
    await waitForRemoteVideo(agent.page);
    assert.equal(await page.evaluate(() => window.__gumCalls), calls, "no second getUserMedia on Join");
    assert.deepEqual(await sending(page, "video"), ["fake_device_2"]);
    assert.deepEqual(await sending(page, "audio"), ["Fake Audio Input 2"]);
    const sinks = await page.$$eval('video[data-role="remote-video"]', (vs) => vs.map((v) => v.sinkId));
    await waitFor(async () => {
      const ids = await page.$$eval('video[data-role="remote-video"]', (vs) => vs.map((v) => v.sinkId));
      return ids.length > 0 && ids.every((id) => id !== "");
    }, `the remote media plays on the chosen speaker (${JSON.stringify(sinks)})`);
    assert.deepEqual(customer.errors, []);
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("switching camera and microphone during the call, and an unplugged camera falling back, while the agent keeps receiving", async () => {
  const chat = await setUpChat(ctx.host, "quin");
  const agent = await openAgent(ctx.browser, ctx.host, chat);
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code, instrument);
  try {
    const page = customer.page;
    await previewPlays(page);
    await agent.page.click("button.c2v-join");
    await page.getByRole("button", { name: "Join Video Room" }).click();
    await waitForRemoteVideo(agent.page);
    await waitForRemoteVideo(page);
    assert.deepEqual(await sending(page, "video"), ["fake_device_0"]);

    // The Devices control opens the same lists.
    const devices = page.getByRole("button", { name: "Devices" });
    assert.equal(await devices.getAttribute("aria-expanded"), "false");
    await devices.click();
    assert.equal(await devices.getAttribute("aria-expanded"), "true");
    const panel = page.locator('[data-role="device-settings"]');
    await panel.waitFor();
    await waitFor(async () => (await offered(page, "camera-choice")).length === 3, "the in-call camera list");
    assert.equal(await chosen(page, "camera-choice"), "fake_device_0");

    await panel.locator('[data-role="camera-choice"]').selectOption({ label: "fake_device_2" });
    await waitFor(async () => (await sending(page, "video"))[0] === "fake_device_2", "the call sends fake_device_2");
    await keepsReceiving(agent.page, "after the camera switch");
    await panel.locator('[data-role="microphone-choice"]').selectOption({ label: "Fake Audio Input 1" });
    await waitFor(async () => (await sending(page, "audio"))[0] === "Fake Audio Input 1", "the call sends Fake Audio Input 1");
    const audioLive = await agent.page.$eval('video[data-role="remote-video"]', (v) =>
      v.srcObject.getAudioTracks().map((t) => t.readyState),
    );
    assert.deepEqual(audioLive, ["live"], "the agent still receives the customer's audio");
    assert.equal(await chosen(page, "camera-choice"), "fake_device_2");
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("chat-to-video-device:videoinput")).label), "fake_device_2");

    // fake_device_2 is unplugged: the call falls back to the other camera and says so.
    await page.evaluate(() => window.__unplug("fake_device_2"));
    await page.waitForSelector('[data-role="announcement"]:text-is("Your camera was disconnected; switched to fake_device_0.")');
    await waitFor(async () => (await sending(page, "video"))[0] === "fake_device_0", "the call sends fake_device_0");
    await keepsReceiving(agent.page, "after the unplug");
    assert.deepEqual(await offered(page, "camera-choice"), ["fake_device_0", "fake_device_1"]);
    // An automatic switch is not a choice: the unplugged camera stays remembered.
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("chat-to-video-device:videoinput")).label), "fake_device_2");

    // The other cameras go too: the camera is off, with a notice, and the call goes on.
    await page.evaluate(() => window.__unplug("fake_device_0", "fake_device_1"));
    await page.waitForSelector(
      '[data-role="announcement"]:text-is("Your camera was disconnected and no other camera was found, so your camera is off.")',
    );
    await agent.page.waitForFunction(() => document.querySelector('[data-role="remote"]')?.getAttribute("data-camera") === "off");
    assert.equal(await page.locator('[data-role="in-call"]').count(), 1, "still in the call");
    assert.deepEqual(customer.errors, []);
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the agent's tab: the preview and lists before Join, Join publishes them, and the camera switches in the call", async () => {
  const chat = await setUpChat(ctx.host, "rhea");
  const agent = await openAgent(ctx.browser, ctx.host, chat, instrument);
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code);
  try {
    const page = agent.page;
    await previewPlays(page);
    assert.deepEqual(await offered(page, "camera-choice"), ["fake_device_0", "fake_device_1", "fake_device_2"]);
    await page.selectOption('[data-role="camera-choice"]', { label: "fake_device_2" });
    await waitFor(async () => (await previewCamera(page)) === "fake_device_2", "the tab's preview shows fake_device_2");
    assert.equal(await text(page, "button.c2v-join"), "Join Video Room");
    const calls = await page.evaluate(() => window.__gumCalls);
    await page.click("button.c2v-join");
    await page.waitForSelector('[data-role="local-video"]', { timeout: 15_000 });
    assert.equal(await page.locator('[data-role="prejoin"]').count(), 0, "the preview gave way to the call");
    await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
    await customer.page.click('[data-role="join"]');
    await waitForRemoteVideo(customer.page);
    assert.equal(await page.evaluate(() => window.__gumCalls), calls, "no second getUserMedia on Join");
    assert.deepEqual(await sending(page, "video"), ["fake_device_2"]);

    await page.getByRole("button", { name: "Devices" }).click();
    await page.locator('[data-role="device-settings"] [data-role="camera-choice"]').selectOption({ label: "fake_device_0" });
    await waitFor(async () => (await sending(page, "video"))[0] === "fake_device_0", "the agent sends fake_device_0");
    await keepsReceiving(customer.page, "the customer, after the agent's switch");
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the camera back on in the call is the chosen one: chosen before Join, and chosen while it was off", async () => {
  const chat = await setUpChat(ctx.host, "sol");
  const agent = await openAgent(ctx.browser, ctx.host, chat);
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code, instrument);
  try {
    const page = customer.page;
    await previewPlays(page);
    await page.selectOption('[data-role="camera-choice"]', { label: "fake_device_2" });
    await waitFor(async () => (await previewCamera(page)) === "fake_device_2", "the preview shows fake_device_2");
    await agent.page.click("button.c2v-join");
    await page.getByRole("button", { name: "Join Video Room" }).click();
    await waitForRemoteVideo(agent.page);
    await waitForRemoteVideo(page);
    assert.deepEqual(await sending(page, "video"), ["fake_device_2"]);

    const agentSeesCamera = (state) =>
      agent.page.waitForFunction((s) => document.querySelector('[data-role="remote"]')?.getAttribute("data-camera") === s, state);
    /** Camera off (the agent sees it off, nothing is sent), then on again. */
    const offAndOn = async (whileOff = async () => {}) => {
      await page.getByRole("button", { name: "Stop Camera", exact: true }).click();
      await agentSeesCamera("off");
      await page.getByRole("button", { name: "Start Camera", exact: true }).waitFor();
      assert.deepEqual(await sending(page, "video"), [], "nothing is sent while the camera is off");
      await whileOff();
      await page.getByRole("button", { name: "Start Camera", exact: true }).click();
      await page.getByRole("button", { name: "Stop Camera", exact: true }).waitFor();
      await agentSeesCamera("on");
    };

    // Chosen on the pre-join screen: off and on again brings fake_device_2 back, not the default.
    await offAndOn();
    await waitFor(async () => (await sending(page, "video"))[0] === "fake_device_2", "the call sends fake_device_2 again");
    await waitForRemoteVideo(agent.page);
    await keepsReceiving(agent.page, "after the camera came back on");
    const devices = page.getByRole("button", { name: "Devices" });
    await devices.click();
    const panel = page.locator('[data-role="device-settings"]');
    await panel.waitFor();
    await waitFor(async () => (await chosen(page, "camera-choice")) === "fake_device_2", "the Devices list shows fake_device_2 in use");

    // Switched to fake_device_0 in the call, then fake_device_2 chosen while the camera is off:
    // turning it on uses fake_device_2.
    await panel.locator('[data-role="camera-choice"]').selectOption({ label: "fake_device_0" });
    await waitFor(async () => (await sending(page, "video"))[0] === "fake_device_0", "the call sends fake_device_0");
    await offAndOn(async () => {
      await panel.locator('[data-role="camera-choice"]').selectOption({ label: "fake_device_2" });
      await waitFor(
        async () => (await page.evaluate(() => JSON.parse(localStorage.getItem("chat-to-video-device:videoinput")).label)) === "fake_device_2",
        "the choice made while the camera is off is stored",
      );
      assert.deepEqual(await sending(page, "video"), [], "choosing a camera while it is off does not turn it on");
    });
    await waitFor(async () => (await sending(page, "video"))[0] === "fake_device_2", "the camera comes back on as fake_device_2");
    await waitForRemoteVideo(agent.page);
    await keepsReceiving(agent.page, "after the camera chosen while off came on");
    assert.equal(await chosen(page, "camera-choice"), "fake_device_2");
    assert.deepEqual(customer.errors, []);
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});
