// Background blur in the sandbox, in headless Chromium with the fake camera (a moving pattern):
// the toggle is in both call bars, off by default; turning it on fetches the library from the
// host (and nothing of it before), the camera's sender carries the canvas's blurred track and
// the other side decodes a softer picture; off sends the camera again; the choice survives a
// reload; a library or model that does not load leaves the camera as it is and says so; the bar passes axe
// in light and dark with the toggle on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { chooseInCall, meet, requestsSeen, sandboxPerFile, setUpChat, storedDevice, text, waitFor, waitForRemoteVideo } from "./video-fixture.mjs";

// Three fake cameras: fake_device_0 and fake_device_2 send frames (fake_device_1 is a depth camera).
const ctx = sandboxPerFile({}, { deviceCount: 3 });
const TOGGLE = '[data-role="blur"]';
const LIBRARY = "/vendor/video-processors/";
const FAILED = "Background blur could not start; your camera is shown as is. Try again later.";
const STOPPED = "Background blur stopped working; your camera is shown as is. You can turn blur on again.";

/** Every request `page` makes to the blur library's folder, from before it loads. */
function recordLibraryRequests(page) {
  const seen = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith(LIBRARY)) seen.push(url.pathname.slice(LIBRARY.length));
  });
  return seen;
}

/** What the page's peer connections send as video: "canvas" (blurred) or "camera". */
function sentVideo(page) {
  return page.evaluate(() => {
    const kinds = [];
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === "closed") continue;
      for (const s of pc.getSenders()) {
        if (s.track?.kind !== "video" || s.track.readyState !== "live") continue;
        kinds.push(s.track instanceof CanvasCaptureMediaStreamTrack ? "canvas" : "camera");
      }
    }
    return kinds.join(",");
  });
}

/**
 * Sharpness of the other side's decoded picture: the mean absolute difference between
 * horizontally neighbouring pixels (green channel) over the frame. Blurring lowers it.
 */
function remoteSharpness(page) {
  return page.evaluate(() => {
    const v = document.querySelector('video[data-role="remote-video"]');
    if (!v || v.videoWidth === 0) return 0;
    const c = document.createElement("canvas");
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext("2d", { willReadFrequently: true });
    g.drawImage(v, 0, 0);
    const { data, width, height } = g.getImageData(0, 0, c.width, c.height);
    let sum = 0;
    let n = 0;
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x + 1 < width; x += 1) {
        const i = (y * width + x) * 4 + 1;
        sum += Math.abs(data[i] - data[i + 4]);
        n += 1;
      }
    }
    return sum / n;
  });
}

/** The median of `count` sharpness samples a frame or so apart (the pattern moves). */
async function sharpness(page, count = 5) {
  const samples = [];
  for (let i = 0; i < count; i += 1) {
    samples.push(await remoteSharpness(page));
    await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
  }
  return samples.sort((a, b) => a - b)[Math.floor(count / 2)];
}

/** The live video tracks the page's peer connections send: their ids, and whether each is a canvas's. */
function sentVideoTracks(page) {
  return page.evaluate(() =>
    (window.__peerConnections ?? [])
      .filter((pc) => pc.connectionState !== "closed")
      .flatMap((pc) => pc.getSenders())
      .filter((s) => s.track?.kind === "video" && s.track.readyState === "live")
      .map((s) => ({ id: s.track.id, canvas: s.track instanceof CanvasCaptureMediaStreamTrack })),
  );
}

/** A coarse picture of the other side's decoded frame: the mean green of each cell of an 8 × 6 grid. */
function remoteCells(page) {
  return page.evaluate(() => {
    const v = document.querySelector('video[data-role="remote-video"]');
    if (!v || v.videoWidth === 0) return [];
    const c = document.createElement("canvas");
    c.width = 8;
    c.height = 6;
    const g = c.getContext("2d", { willReadFrequently: true });
    g.drawImage(v, 0, 0, 8, 6);
    const { data } = g.getImageData(0, 0, 8, 6);
    return Array.from({ length: 48 }, (_, i) => data[i * 4 + 1]);
  });
}

/** The labels of the cameras capturing now (every track the page captured that is still live). */
const liveCameras = (page) =>
  page.evaluate(() => (window.__capturedTracks ?? []).filter((t) => t.kind === "video" && t.readyState === "live").map((t) => t.label));

const pressed = (page) => page.$eval(TOGGLE, (b) => b.getAttribute("aria-pressed"));
const settled = (page) => page.waitForFunction((sel) => document.querySelector(sel)?.disabled === false, TOGGLE);

test("blur on sends the blurred canvas, the other side sees it softer, off sends the camera again", async () => {
  const chat = await setUpChat(ctx.host, "alice");
  let agentRequests;
  let customerRequests;
  const { agent, customer } = await meet(
    ctx.browser,
    ctx.host,
    chat,
    async (page) => {
      customerRequests = recordLibraryRequests(page);
    },
    async (page) => {
      agentRequests = recordLibraryRequests(page);
    },
  );
  try {
    for (const page of [agent.page, customer.page]) {
      assert.equal(await page.$eval(TOGGLE, (b) => b.hidden), false, "the toggle is offered");
      assert.equal(await pressed(page), "false", "off by default");
      assert.equal(await text(page, TOGGLE), "Blur background");
      assert.match(await page.$eval(TOGGLE, (b) => b.title), /^Blur what is behind you/);
      assert.equal(await sentVideo(page), "camera");
      await requestsSeen(page);
    }
    assert.deepEqual(agentRequests, [], "nothing of the library before the toggle");
    assert.deepEqual(customerRequests, [], "nothing of the library before the toggle");

    const sharp = await sharpness(customer.page);
    assert.ok(sharp > 0, `the customer decodes the agent's camera (sharpness ${sharp})`);

    await agent.page.click(TOGGLE);
    await settled(agent.page);
    assert.equal(await text(agent.page, '[data-role="call-error"]'), "", "no error");
    assert.equal(await pressed(agent.page), "true");
    assert.equal(await text(agent.page, TOGGLE), "Stop blur");
    await waitFor(async () => (await sentVideo(agent.page)) === "canvas", "the agent sends the blurred canvas");
    for (const file of ["twilio-video-processors.min.js", "selfie_segmentation_landscape.tflite"]) {
      assert.ok(agentRequests.includes(file), `${file} fetched after the toggle: ${agentRequests}`);
    }
    assert.ok(agentRequests.some((f) => /^tflite(-simd)?-1-0-0\.wasm$/.test(f)), `TensorFlow Lite fetched: ${agentRequests}`);
    assert.deepEqual(customerRequests, [], "the customer fetched nothing of it");
    // The self view shows what is sent.
    assert.equal(
      await agent.page.$eval('video[data-role="local-video"]', (v) => v.srcObject.getVideoTracks()[0] instanceof CanvasCaptureMediaStreamTrack),
      true,
    );
    let blurred;
    await waitFor(async () => {
      blurred = await sharpness(customer.page);
      return blurred < sharp * 0.6;
    }, `the customer's picture of the agent softens (sharp ${sharp})`, 20_000);

    await assertAccessible(agent.page, "the agent's call bar with blur on", { scope: ".ctv-in-call" });

    await agent.page.click(TOGGLE);
    await waitFor(async () => (await sentVideo(agent.page)) === "camera", "the agent sends the camera again");
    assert.equal(await pressed(agent.page), "false");
    await waitFor(async () => (await sharpness(customer.page)) > sharp * 0.8, `sharp again (blurred ${blurred}, sharp ${sharp})`, 20_000);
    assert.equal(await agent.page.evaluate(() => localStorage.getItem("ctv.blur")), null, "off is remembered as no key");
    assert.deepEqual(agent.errors, []);
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the customer's choice survives a reload: the next join starts blurred", async () => {
  const chat = await setUpChat(ctx.host, "bob");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    await customer.page.click(TOGGLE);
    await settled(customer.page);
    assert.equal(await pressed(customer.page), "true");
    await waitFor(async () => (await sentVideo(customer.page)) === "canvas", "the customer sends the blurred canvas");
    assert.equal(await customer.page.evaluate(() => localStorage.getItem("ctv.blur")), "on");
    await assertAccessible(customer.page, "the customer's call bar with blur on", { scope: ".ctv-in-call" });

    await customer.page.reload();
    await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
    await customer.page.click('[data-role="join"]');
    await waitForRemoteVideo(customer.page);
    assert.equal(await pressed(customer.page), "true", "remembered");
    await waitFor(async () => (await sentVideo(customer.page)) === "canvas", "blurred from the start after the reload");

    await customer.page.click(TOGGLE);
    await waitFor(async () => (await sentVideo(customer.page)) === "camera", "the camera again");
    assert.equal(await customer.page.evaluate(() => localStorage.getItem("ctv.blur")), null);
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

for (const [what, file] of [
  ["library", "twilio-video-processors.min.js"],
  ["model", "selfie_segmentation_landscape.tflite"],
]) test(`a ${what} that does not load leaves the camera as it is and says so`, async () => {
  const chat = await setUpChat(ctx.host, `carol-${what}`);
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat, async (page) => {
    await page.route(`**${LIBRARY}${file}`, (route) => route.fulfill({ status: 404, body: "" }));
  });
  try {
    await customer.page.click(TOGGLE);
    await customer.page.waitForSelector(`[data-role="call-error"]:text-is("${FAILED}")`, { timeout: 20_000 });
    await settled(customer.page);
    assert.equal(await pressed(customer.page), "false", "the toggle is off again");
    assert.equal(await customer.page.$eval(TOGGLE, (b) => b.hidden), false, "and still there, to try later");
    assert.equal(await sentVideo(customer.page), "camera");
    assert.equal(await customer.page.evaluate(() => localStorage.getItem("ctv.blur")), null, "not remembered as on");
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("a camera switched while blurred stays blurred: the new camera goes through the blur and the picture keeps moving", async () => {
  const chat = await setUpChat(ctx.host, "dave");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    const page = customer.page;
    await page.click(TOGGLE);
    await settled(page);
    await waitFor(async () => (await sentVideo(page)) === "canvas", "the customer sends the blurred canvas");

    const [before] = await sentVideoTracks(page);
    assert.equal(before.canvas, true);
    await chooseInCall(page, "camera", "fake_device_2");
    await waitFor(
      async () => (await storedDevice(page, "videoinput")) === "fake_device_2",
      "the switch to fake_device_2 is stored",
    );
    // Still blurred, on both counts: what the toggle says and what the peer connection sends,
    // which is a new canvas track (the blur restarted on the new camera), never the raw camera.
    await waitFor(async () => {
      const [now] = await sentVideoTracks(page);
      return now?.canvas && now.id !== before.id && !(await page.$eval(TOGGLE, (b) => b.disabled));
    }, "a new blurred canvas is sent after the switch");
    assert.equal(await pressed(page), "true");
    assert.equal(await text(page, '[data-role="call-error"]'), "", "no error");
    // The blur runs on a live camera: the agent's picture of the customer keeps changing (a
    // pipeline left on the stopped camera would freeze on its last frame).
    const first = await remoteCells(agent.page);
    assert.equal(first.length, 48, "the agent decodes the customer's video");
    await waitFor(async () => {
      const now = await remoteCells(agent.page);
      return now.some((g, i) => Math.abs(g - first[i]) > 2);
    }, "the agent's picture of the customer moves after the switch");
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the camera off and on while blurred comes back as the chosen camera, still blurred", async () => {
  const chat = await setUpChat(ctx.host, "erin");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    const page = customer.page;
    const sharp = await sharpness(agent.page);
    assert.ok(sharp > 0, `the agent decodes the customer's camera (sharpness ${sharp})`);
    await chooseInCall(page, "camera", "fake_device_2");
    await waitFor(
      async () => (await sentVideoTracks(page))[0]?.id !== undefined && (await page.$eval('[data-role="camera-choice"]', (s) => s.selectedOptions[0]?.textContent)) === "fake_device_2",
      "the call uses fake_device_2",
    );
    await page.click(TOGGLE);
    await settled(page);
    await waitFor(async () => (await sentVideo(page)) === "canvas", "the customer sends the blurred canvas");

    await page.getByRole("button", { name: "Stop Camera", exact: true }).click();
    await agent.page.waitForFunction(() => document.querySelector('[data-role="remote"]')?.getAttribute("data-camera") === "off");
    assert.equal(await sentVideo(page), "", "nothing is sent while the camera is off");
    assert.equal(await pressed(page), "true", "the choice waits for the camera");
    await page.getByRole("button", { name: "Start Camera", exact: true }).click();
    await agent.page.waitForFunction(() => document.querySelector('[data-role="remote"]')?.getAttribute("data-camera") === "on");
    await waitFor(async () => (await sentVideo(page)) === "canvas", "blurred again once the camera is back");
    await settled(page);
    assert.equal(await pressed(page), "true");
    assert.equal(await text(page, '[data-role="call-error"]'), "", "no error");
    // The camera that came back (the one capturing, whose light is on) is the chosen one, and
    // the Devices list says so.
    assert.deepEqual(await liveCameras(page), ["fake_device_2"]);
    await waitFor(
      async () => (await page.$eval('[data-role="camera-choice"]', (s) => s.selectedOptions[0]?.textContent)) === "fake_device_2",
      "the Devices list shows fake_device_2 in use",
    );
    await waitForRemoteVideo(agent.page);
    await waitFor(async () => (await sharpness(agent.page)) < sharp * 0.6, `the agent's picture of the customer is soft again (sharp ${sharp})`, 20_000);
    const first = await remoteCells(agent.page);
    await waitFor(async () => {
      const now = await remoteCells(agent.page);
      return now.some((g, i) => Math.abs(g - first[i]) > 2);
    }, "the agent's picture of the customer moves");
    assert.deepEqual(customer.errors, []);
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

/** Makes the loaded library's blur processor fail from now on: `processFrame` throws or rejects. */
const breakProcessor = (page, how) =>
  page.evaluate((how) => {
    const proto = window.Twilio.VideoProcessors.GaussianBlurBackgroundProcessor.prototype;
    proto.processFrame = function () {
      if (how === "throws") throw new Error("the processor broke");
      return Promise.reject(new Error("the processor broke"));
    };
  }, how);

for (const how of ["throws", "rejects"]) test(`a processor that ${how} mid-call: the camera is sent as is, the toggle goes off, and the person is told`, async () => {
  const chat = await setUpChat(ctx.host, `fay-${how}`);
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    const page = customer.page;
    const sharp = await sharpness(agent.page);
    await page.click(TOGGLE);
    await settled(page);
    await waitFor(async () => (await sentVideo(page)) === "canvas", "the customer sends the blurred canvas");
    await waitFor(async () => (await sharpness(agent.page)) < sharp * 0.6, `the agent's picture softens (sharp ${sharp})`, 20_000);

    await breakProcessor(page, how);
    await page.waitForSelector(`[data-role="call-error"]:text-is("${STOPPED}")`, { timeout: 10_000 });
    assert.equal(await pressed(page), "false", "the toggle is off again");
    assert.equal(await text(page, TOGGLE), "Blur background");
    assert.equal(await page.$eval(TOGGLE, (b) => b.hidden), false, "and still there, to try again");
    assert.equal(await sentVideo(page), "camera", "the raw camera is sent");
    assert.equal(await page.evaluate(() => localStorage.getItem("ctv.blur")), null, "not remembered as on");
    assert.equal(
      await page.$eval('video[data-role="local-video"]', (v) => v.srcObject.getVideoTracks()[0] instanceof CanvasCaptureMediaStreamTrack),
      false,
      "the self view shows the camera",
    );
    // The agent sees the customer sharp and moving: no frozen or black picture.
    await waitFor(async () => (await sharpness(agent.page)) > sharp * 0.8, `the agent's picture is sharp again (sharp ${sharp})`, 20_000);
    const first = await remoteCells(agent.page);
    assert.ok(Math.max(...first) > 10, `the picture is not black: ${first}`);
    await waitFor(async () => {
      const now = await remoteCells(agent.page);
      return now.some((g, i) => Math.abs(g - first[i]) > 2);
    }, "the agent's picture of the customer moves");
    assert.deepEqual(customer.errors, []);
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});
