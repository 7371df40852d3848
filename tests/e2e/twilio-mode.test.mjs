// The customer page in twilio mode against fakes of the two SDKs (`fixtures/twilio-fakes.js`),
// since Twilio's cloud cannot be reached here: the real host answers, rewritten to twilio mode
// as a host with Twilio credentials would answer, and the fakes play the room and the session
// document. The first test pins the fakes to the SDKs' published `.d.ts`: every name a fake
// answers to must exist in twilio-video 2.36.0 and twilio-sync 4.0.1, and every test checks
// that the page used no other name.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import vm from "node:vm";
import { paths, repoRoot } from "./harness.mjs";
import { callFunction, chooseInCall, sandboxPerFile, setUpChat, storedDevice, text, waitFor } from "./video-fixture.mjs";

const FAKES = path.join(repoRoot, "tests/e2e/fixtures/twilio-fakes.js");
// Three fake cameras, to choose another one (fake_device_1 is a depth camera: 0 and 2 are used).
const ctx = sandboxPerFile({}, { deviceCount: 3 });

async function surface() {
  const sandbox = {};
  vm.runInNewContext(await readFile(FAKES, "utf8"), sandbox);
  return sandbox.SURFACE;
}

const sdkFile = (...p) => readFile(path.join(paths.nodeModules, ...p), "utf8");

/** The body of `declare class NAME … {…}` / `type NAME = {…}` / `interface NAME … {…}` in `src`. */
function block(src, opener) {
  const start = src.indexOf(opener);
  assert.ok(start >= 0, `the .d.ts declares ${opener}`);
  let depth = 0;
  for (let i = src.indexOf("{", start); i < src.length; i++) {
    if (src[i] === "{") depth++;
    if (src[i] === "}" && --depth === 0) return src.slice(start, i + 1);
  }
  throw new Error(`unbalanced ${opener}`);
}

/** A member (`name:`, `name?:`, `name(`, `get name(`) declared in `src`. */
function declares(src, name) {
  return new RegExp(`^\\s*(readonly\\s+|static\\s+)*(get\\s+)?${name}\\??\\s*[(:<]`, "m").test(src);
}

test("the fakes answer only to names the pinned twilio-video and twilio-sync .d.ts declare", async () => {
  const s = await surface();
  const v = s.video;
  assert.equal(JSON.parse(await sdkFile("twilio-video", "package.json")).version, v.version);
  const tsdef = async (file) => sdkFile("twilio-video", "tsdef", file);
  const index = await tsdef("index.d.ts");
  for (const name of v.module) assert.match(index, new RegExp(`\\b${name}\\b`), `twilio-video exports ${name}`);
  const room = await tsdef("Room.d.ts");
  for (const name of v.room.members) assert.ok(declares(room, name) || name === "on" || name === "removeListener", `Room.${name}`);
  for (const e of v.room.events) assert.ok(room.includes(`on(event: '${e}'`), `Room emits '${e}'`);
  const localParticipant = await tsdef("LocalParticipant.d.ts");
  const participantBase = await tsdef("Participant.d.ts");
  for (const name of v.localParticipant) {
    assert.ok(declares(localParticipant, name) || declares(participantBase, name) || name === "on" || name === "removeListener", `LocalParticipant.${name}`);
  }
  for (const e of v.participantEvents) assert.ok(participantBase.includes(`on(event: '${e}'`), `Participant emits '${e}'`);
  const localTrack = (await tsdef("LocalVideoTrack.d.ts")) + (await tsdef("LocalAudioTrack.d.ts"));
  const videoTrack = await tsdef("VideoTrack.d.ts");
  for (const name of v.localTrack) assert.ok(declares(localTrack, name) || declares(videoTrack, name), `LocalTrack.${name}`);
  const participant = (await tsdef("Participant.d.ts")) + (await tsdef("RemoteParticipant.d.ts"));
  for (const name of v.participant) {
    assert.ok(declares(participant, name) || name === "on" || name === "removeListener", `RemoteParticipant.${name}`);
  }
  const publication = (await tsdef("TrackPublication.d.ts")) + (await tsdef("RemoteTrackPublication.d.ts"));
  for (const name of v.publication) assert.ok(declares(publication, name), `RemoteTrackPublication.${name}`);
  const track = (await tsdef("Track.d.ts")) + (await tsdef("MediaTrack.d.ts")) + (await tsdef("RemoteVideoTrack.d.ts"));
  for (const name of v.track) assert.ok(declares(track, name), `RemoteTrack.${name}`);
  const types = await tsdef("types.d.ts");
  const connectOptions = block(types, "export interface ConnectOptions");
  for (const name of v.connectOptions) assert.ok(declares(connectOptions, name), `ConnectOptions.${name}`);
  const quality = block(types, "export interface NetworkQualityConfiguration");
  for (const name of v.networkQuality) assert.ok(declares(quality, name), `networkQuality option ${name}`);
  const profile = block(types, "export interface BandwidthProfileOptions") + block(types, "export interface VideoBandwidthProfileOptions");
  for (const name of v.bandwidthProfile) assert.ok(declares(profile, name), `bandwidth profile option ${name}`);
  for (const value of v.values) assert.ok(types.includes(`'${value}'`), `bandwidth profile value '${value}'`);
  const addProcessor = block(types, "export interface AddProcessorOptions");
  for (const name of v.addProcessorOptions) assert.ok(declares(addProcessor, name), `AddProcessorOptions.${name}`);
  for (const value of ["videoframe", "canvas"]) assert.ok(addProcessor.includes(`'${value}'`), `inputFrameBufferType '${value}'`);

  const y = s.sync;
  assert.equal(JSON.parse(await sdkFile("twilio-sync", "package.json")).version, y.version);
  const lib = await sdkFile("twilio-sync", "builds", "lib.d.ts");
  const emitter = await sdkFile("@twilio", "replay-event-emitter", "builds", "lib.d.ts");
  const client = block(lib, "declare class Client extends ReplayEventEmitter");
  for (const name of y.client) assert.ok(declares(client, name) || declares(emitter, name), `SyncClient.${name}`);
  const events = block(lib, "type ClientEvents");
  for (const e of y.clientEvents) assert.ok(declares(events, e), `SyncClient emits '${e}'`);
  const open = block(lib, "interface OpenOptions");
  for (const name of y.openOptions) assert.ok(declares(open, name), `OpenOptions.${name}`);
  for (const mode of y.modes) assert.match(lib, new RegExp(`type OpenMode = [^;]*"${mode}"`), `OpenMode '${mode}'`);
  const twilsock = await sdkFile("twilsock", "builds", "lib.d.ts");
  const states = /type ConnectionState = ([^;]*);/.exec(twilsock)?.[1] ?? "";
  for (const state of y.connectionStates) assert.ok(states.includes(`"${state}"`), `ConnectionState '${state}'`);
  const doc = block(lib, "declare class SyncDocument extends Closeable");
  for (const name of y.document) assert.ok(declares(doc, name) || declares(emitter, name), `SyncDocument.${name}`);
  for (const e of y.documentEvents) assert.ok(doc.includes(`static readonly ${e} = "${e}"`), `SyncDocument emits '${e}'`);
});

/** The session document's data with the agent in the room (as the host writes it). */
function sessionData(chat, extra = {}) {
  return {
    task: chat.taskSid,
    codeValidUntil: Date.now() + 3_600_000,
    agent: { name: chat.identity, identity: chat.identity, worker: "WK00000000000000000000000000000001", present: true },
    ...extra,
  };
}

/**
 * The customer page for `chat` in twilio mode, on the fakes: the sync and video token answers
 * are the host's, turned into twilio mode; `syncTokens` collects the sync tokens the host gave.
 */
async function twilioPage(chat, { data = sessionData(chat), participants = [] } = {}) {
  const context = await ctx.browser.newContext();
  await context.addInitScript({ path: FAKES });
  await context.addInitScript(
    (init) => {
      window.__twilioFake.sync.data = init.data;
      window.__twilioFake.video.next = { participants: init.participants };
    },
    { data, participants },
  );
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  if (process.env.TWILIO_FAKE_DEBUG) page.on("console", (m) => console.log("page:", m.type(), m.text()));
  const syncTokens = [];
  const vendor = [];
  const blurLibrary = [];
  page.on("request", (r) => {
    const { pathname } = new URL(r.url());
    if (pathname.startsWith("/vendor/video-processors/")) blurLibrary.push(pathname);
    else if (pathname.startsWith("/vendor/")) vendor.push(pathname);
  });
  // The module a twilio-mode host serves in place of the sandbox's (plugin-host/src/customer_module.rs):
  // the build without the sandbox's mesh, what real customers run.
  const modules = [];
  await page.route(/\/features\/chat-to-video\/chat_to_video(\.js|_bg\.wasm)$/, (route) => {
    const url = new URL(route.request().url());
    url.pathname = url.pathname.replace("/features/chat-to-video/", "/features/chat-to-video/twilio/");
    modules.push(url.pathname);
    return route.continue({ url: url.toString() });
  });
  for (const endpoint of ["client-get-sync-token", "client-get-video-token"]) {
    await page.route(`**/${endpoint}`, async (route) => {
      const response = await route.fetch();
      if (response.status() !== 200) return route.fulfill({ response });
      const body = await response.json();
      body.provider = "twilio";
      delete body.sync_url;
      delete body.signaling_url;
      if (endpoint === "client-get-sync-token") syncTokens.push(body.token);
      await route.fulfill({ response, json: body });
    });
  }
  await page.goto(`${ctx.host.url}/features/chat-to-video/index.html?code=${chat.code}`);
  const fake = (expr, arg) => page.evaluate(expr, arg);
  return {
    page,
    syncTokens,
    blurLibrary,
    fake,
    async close() {
      assert.deepEqual(await fake(() => window.__twilioFake.violations), [], "the page used only what the SDKs declare");
      assert.deepEqual(vendor, [], "with the SDKs present no script is loaded");
      assert.deepEqual(
        modules.sort(),
        ["/features/chat-to-video/twilio/chat_to_video.js", "/features/chat-to-video/twilio/chat_to_video_bg.wasm"],
        "the page ran the module a twilio-mode host serves",
      );
      assert.deepEqual(errors, []);
      await context.close();
    },
  };
}

async function agentJoins(chat) {
  const doc = chat.attributes.syncDocument;
  assert.equal((await callFunction(ctx.host, "agent-get-token", { Token: chat.token, DocumentSid: doc })).status, 200);
  const connected = await callFunction(ctx.host, "update-video-state", { Token: chat.token, taskSid: chat.taskSid, state: "connected" });
  assert.equal(connected.status, 200);
}

const status = (page) => text(page, '[data-role="wait-status"]');
const waitForStatus = (page, words, timeout = 10_000) =>
  page.waitForFunction((w) => document.querySelector('[data-role="wait-status"]')?.textContent === w, words, { timeout });

/** Joins from the wait and waits for the call screen. */
async function join(page) {
  await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
  await page.click('[data-role="join"]');
  await page.waitForSelector('[data-role="leave"]', { timeout: 15_000 });
}

test("the module a twilio-mode host serves the customer page has no sandbox mesh; the sandbox's has", async () => {
  const glue = async (dir) => (await fetch(`${ctx.host.url}/features/chat-to-video/${dir}chat_to_video.js`)).text();
  const meshCalls = (js) => ["setRemoteDescription", "addIceCandidate"].filter((m) => js.includes(`.${m}(`));
  assert.deepEqual(meshCalls(await glue("twilio/")), []);
  assert.deepEqual(meshCalls(await glue("")), ["setRemoteDescription", "addIceCandidate"]);
});

test("twilio mode: the wait opens the session document with open_existing", async () => {
  const chat = await setUpChat(ctx.host, "tw-open");
  const t = await twilioPage(chat);
  try {
    await waitForStatus(t.page, `${chat.identity} is here. Join when you are ready.`);
    const opens = await t.fake(() => window.__twilioFake.sync.opens);
    assert.deepEqual(opens, [{ id: chat.attributes.syncDocument, mode: "open_existing" }]);
  } finally {
    await t.close();
  }
});

test("twilio mode: tokenAboutToExpire fetches a new token from client-get-sync-token and hands it to updateToken", async () => {
  const chat = await setUpChat(ctx.host, "tw-refresh");
  const t = await twilioPage(chat);
  try {
    await waitForStatus(t.page, `${chat.identity} is here. Join when you are ready.`);
    assert.equal(t.syncTokens.length, 1);
    await t.fake(() => window.__twilioFake.sync.emit("tokenAboutToExpire"));
    await t.page.waitForFunction(() => window.__twilioFake.sync.updates.length === 1);
    assert.equal(t.syncTokens.length, 2, "a second client-get-sync-token");
    assert.deepEqual(await t.fake(() => window.__twilioFake.sync.updates), [t.syncTokens[1]]);
    assert.equal(await t.fake(() => window.__twilioFake.sync.clients.length), 1, "the same client goes on");
    assert.equal(await status(t.page), `${chat.identity} is here. Join when you are ready.`);
  } finally {
    await t.close();
  }
});

test("twilio mode: an expired token, a denied or a failed connection ends the wait with what to do", async () => {
  const cases = [
    ["tokenExpired", () => window.__twilioFake.sync.emit("tokenExpired"), "Your wait has timed out. Please reload the page to keep waiting."],
    [
      "denied",
      () => window.__twilioFake.sync.state("denied"),
      "The video service stopped accepting this page. Please reload the page to keep waiting.",
    ],
    ["error", () => window.__twilioFake.sync.state("error"), "The connection to the video service failed. Please reload the page to try again."],
  ];
  for (const [what, cause, words] of cases) {
    const chat = await setUpChat(ctx.host, `tw-${what.toLowerCase()}`);
    const t = await twilioPage(chat);
    try {
      await waitForStatus(t.page, `${chat.identity} is here. Join when you are ready.`);
      await t.fake(cause);
      await waitForStatus(t.page, words);
      assert.equal(await t.page.$eval('[data-role="join"]', (b) => b.disabled), true, what);
      assert.equal(await t.fake(() => window.__twilioFake.sync.clients[0].shutDown), true, `${what}: the client is shut down`);
    } finally {
      await t.close();
    }
  }
});

test("twilio mode: a dropped Sync connection says it is reconnecting, and the wait recovers when it is back", async () => {
  const chat = await setUpChat(ctx.host, "tw-drop");
  const t = await twilioPage(chat);
  const here = `${chat.identity} is here. Join when you are ready.`;
  try {
    await waitForStatus(t.page, here);
    await t.fake(() => window.__twilioFake.sync.state("disconnected"));
    await waitForStatus(t.page, "Connection lost. Reconnecting...");
    assert.equal(await t.page.$eval('[data-role="join"]', (b) => b.disabled), true);
    await t.fake(() => window.__twilioFake.sync.state("connecting"));
    await t.fake(() => window.__twilioFake.sync.state("connected"));
    await waitForStatus(t.page, here);
    assert.equal(await t.page.$eval('[data-role="join"]', (b) => b.disabled), false);
  } finally {
    await t.close();
  }
});

test("twilio mode: a session document that says the room timed out shows the ended message", async () => {
  const chat = await setUpChat(ctx.host, "tw-ended");
  const t = await twilioPage(chat);
  try {
    await waitForStatus(t.page, `${chat.identity} is here. Join when you are ready.`);
    await t.fake((d) => window.__twilioFake.sync.update(d), sessionData(chat, { ended: "timed_out", endedAt: Date.now() }));
    await t.page.waitForSelector('[data-role="over-reason"]');
    assert.equal(await text(t.page, '[data-role="over-reason"]'), "This video call has ended because nobody was in it.");
  } finally {
    await t.close();
  }
});

test("twilio mode: a participant already in the room shows their video at once, and a muted microphone as muted", async () => {
  const chat = await setUpChat(ctx.host, "tw-present");
  await agentJoins(chat);
  const participants = [
    {
      sid: "PA00000000000000000000000000000001",
      identity: chat.identity,
      tracks: [
        { trackName: "camera", kind: "video", subscribed: true, enabled: true },
        { trackName: "microphone", kind: "audio", subscribed: true, enabled: false },
      ],
    },
  ];
  const t = await twilioPage(chat, { participants });
  try {
    await join(t.page);
    await t.page.waitForFunction(() => {
      const v = document.querySelector('[data-role="remote-video"]');
      const room = window.__twilioFake.video.room();
      const camera = [...room.participants.values()][0].tracks.values().next().value.track.mediaStreamTrack;
      return v?.srcObject?.getVideoTracks()[0]?.id === camera.id;
    });
    await t.page.waitForFunction(() => document.querySelector('[data-role="remote"]')?.dataset.microphone === "off");
    assert.equal(await text(t.page, '[data-role="remote-status"]'), "Muted");
  } finally {
    await t.close();
  }
});

test("twilio mode: the connect options carry the bandwidth profile for a two-party room", async () => {
  const chat = await setUpChat(ctx.host, "tw-profile");
  await agentJoins(chat);
  const t = await twilioPage(chat);
  try {
    await join(t.page);
    const [connect] = await t.fake(() => window.__twilioFake.video.connects);
    assert.deepEqual(connect.options.bandwidthProfile, {
      video: { mode: "collaboration", clientTrackSwitchOffControl: "manual", contentPreferencesMode: "manual" },
    });
  } finally {
    await t.close();
  }
});

test("twilio mode: a track that cannot be subscribed says so, and a muted track subscribed later shows as muted", async () => {
  const chat = await setUpChat(ctx.host, "tw-failed");
  await agentJoins(chat);
  const participants = [{ sid: "PA00000000000000000000000000000002", identity: chat.identity, tracks: [] }];
  const t = await twilioPage(chat, { participants });
  try {
    await join(t.page);
    await t.fake(() => {
      const fake = window.__twilioFake.video;
      const room = fake.room();
      const p = [...room.participants.values()][0];
      const pub = fake.publication({ trackName: "camera", kind: "video", subscribed: false, enabled: true });
      room.__emit("trackSubscriptionFailed", Object.assign(new Error("Media connection failed"), { code: 53405 }), pub, p);
    });
    await t.page.waitForFunction(() => document.querySelector('[data-role="call-error"]')?.textContent !== "");
    assert.equal(
      await text(t.page, '[data-role="call-error"]'),
      `${chat.identity}'s video could not be received. Leave and join the call again to retry.`,
    );
    await t.fake(() => {
      const fake = window.__twilioFake.video;
      const room = fake.room();
      const p = [...room.participants.values()][0];
      const pub = fake.publication({ trackName: "microphone", kind: "audio", subscribed: true, enabled: false });
      room.__emit("trackSubscribed", pub.track, pub, p);
    });
    await t.page.waitForFunction(() => document.querySelector('[data-role="remote"]')?.dataset.microphone === "off");
    await t.page.click('[data-role="leave"]');
    await t.page.waitForSelector('[data-role="post-call"]');
    assert.equal(await t.fake(() => window.__twilioFake.video.room().__count()), 0, "leaving removes every room listener");
  } finally {
    await t.close();
  }
});

test("twilio mode: connect asks for network quality, and each participant's level shows on their tile in words", async () => {
  const chat = await setUpChat(ctx.host, "tw-quality");
  await agentJoins(chat);
  const participants = [
    {
      sid: "PA00000000000000000000000000000003",
      identity: chat.identity,
      networkQualityLevel: 4,
      tracks: [{ trackName: "camera", kind: "video", subscribed: true, enabled: true }],
    },
  ];
  const t = await twilioPage(chat, { participants });
  const quality = (role) =>
    t.page.$eval(`[data-role="${role}"]`, (e) => [e.dataset.level, e.getAttribute("aria-label"), e.querySelectorAll("[data-on]").length]);
  const level = (role, want) =>
    t.page.waitForFunction(([role, want]) => document.querySelector(`[data-role="${role}"]`)?.dataset.level === want, [role, want]);
  try {
    await join(t.page);
    const [connect] = await t.fake(() => window.__twilioFake.video.connects);
    assert.deepEqual(connect.options.networkQuality, { local: 1, remote: 1 });
    // The level the participant already had shows at once; the SDK's null is "not measured yet".
    await level("remote-quality", "4");
    assert.deepEqual(await quality("remote-quality"), ["4", "Network quality: 4 of 5 (good)", 4]);
    assert.deepEqual(await quality("local-quality"), ["unknown", "Network quality: not measured yet", 0]);
    await t.fake(() => {
      const room = window.__twilioFake.video.room();
      [...room.participants.values()][0].__emit("networkQualityLevelChanged", 1, null);
      room.__local.__emit("networkQualityLevelChanged", 3, null);
    });
    await level("remote-quality", "1");
    await level("local-quality", "3");
    assert.deepEqual(await quality("remote-quality"), ["1", "Network quality: 1 of 5 (bad)", 1]);
    assert.deepEqual(await quality("local-quality"), ["3", "Network quality: 3 of 5 (average)", 3]);
    await t.fake(() => window.__twilioFake.video.room().__local.__emit("networkQualityLevelChanged", 0, null));
    await level("local-quality", "0");
    assert.deepEqual(await quality("local-quality"), ["0", "Network quality: 0 of 5 (connection broken, reconnecting)", 0]);
    await t.page.click('[data-role="leave"]');
    await t.page.waitForSelector('[data-role="post-call"]');
    const left = await t.fake(() => {
      const room = window.__twilioFake.video.room();
      return [room.__local.__count(), [...room.participants.values()][0].__count()];
    });
    assert.deepEqual(left, [0, 0], "leaving removes the network quality listeners");
  } finally {
    await t.close();
  }
});

test("twilio mode: Join publishes the pre-join tracks, and switching the microphone in the call republishes it under its name", async () => {
  const chat = await setUpChat(ctx.host, "tw-devices");
  await agentJoins(chat);
  const t = await twilioPage(chat);
  try {
    await t.page.waitForFunction(() => document.querySelector('video[data-role="preview"]')?.videoWidth > 0);
    const previewed = await t.page.$eval('video[data-role="preview"]', (v) => v.srcObject.getVideoTracks()[0].id);
    await join(t.page);
    const published = () =>
      t.fake(() =>
        window.__twilioFake.video
          .room()
          .published.map((p) => [p.track.name, p.track.mediaStreamTrack.label, p.track.mediaStreamTrack.readyState]),
      );
    // The connect's own tracks are the preview's (connect options carry them, not publishTrack).
    const cameraId = await t.page.$eval('video[data-role="local-video"]', (v) => v.srcObject.getVideoTracks()[0].id);
    assert.equal(cameraId, previewed, "the call sends the preview's camera track");
    assert.deepEqual(await published(), []);

    await chooseInCall(t.page, "microphone", "Fake Audio Input 1");
    await waitFor(async () => (await published()).length === 1, "the new microphone is published");
    assert.deepEqual(await published(), [["microphone", "Fake Audio Input 1", "live"]]);
    const local = await t.page.$eval('video[data-role="local-video"]', (v) => v.srcObject.getAudioTracks().map((a) => [a.label, a.readyState]));
    assert.deepEqual(local, [["Fake Audio Input 1", "live"]], "the old microphone is stopped and gone");
  } finally {
    await t.close();
  }
});

test("twilio mode: blur adds the real blur processor to the camera's LocalVideoTrack, the self view shows its output, off removes it", async () => {
  const chat = await setUpChat(ctx.host, "tw-blur");
  await agentJoins(chat);
  const t = await twilioPage(chat);
  try {
    await join(t.page);
    const toggle = '[data-role="blur"]';
    assert.equal(await t.page.$eval(toggle, (b) => b.getAttribute("aria-pressed")), "false");
    assert.deepEqual(t.blurLibrary, [], "nothing of the library before the toggle");
    await t.page.click(toggle);
    await t.page.waitForFunction((sel) => {
      const b = document.querySelector(sel);
      return b?.getAttribute("aria-pressed") === "true" && !b.disabled;
    }, toggle, { timeout: 20_000 });
    assert.equal(await text(t.page, '[data-role="call-error"]'), "");
    assert.ok(t.blurLibrary.includes("/vendor/video-processors/twilio-video-processors.min.js"), t.blurLibrary.join());
    const added = await t.fake(() =>
      window.__twilioFake.video.processors.map((p) => ({
        options: p.options,
        blur: p.processor instanceof window.Twilio.VideoProcessors.GaussianBlurBackgroundProcessor,
      })),
    );
    assert.deepEqual(added, [{ options: { inputFrameBufferType: "videoframe", outputFrameBufferContextType: "bitmaprenderer" }, blur: true }]);
    await t.page.waitForFunction(() => window.__twilioFake.video.processors[0].frames >= 3, null, { timeout: 20_000 });
    assert.equal(await t.fake(() => window.__twilioFake.video.processors[0].errors), 0, "processFrame ran without errors");
    const processedId = await t.fake(() => {
      const v = document.querySelector('video[data-role="local-video"]').srcObject.getVideoTracks()[0];
      return v instanceof CanvasCaptureMediaStreamTrack ? v.id : null;
    });
    assert.ok(processedId, "the self view shows the processor's output");

    await t.page.click(toggle);
    await t.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute("aria-pressed") === "false", toggle);
    assert.equal(await t.fake(() => window.__twilioFake.video.processors[0].removed), true, "removeProcessor with the same processor");
    assert.equal(
      await t.fake(() => document.querySelector('video[data-role="local-video"]').srcObject.getVideoTracks()[0] instanceof CanvasCaptureMediaStreamTrack),
      false,
      "the self view shows the camera again",
    );
  } finally {
    await t.close();
  }
});

test("twilio mode: the camera back on publishes the chosen camera, also one chosen while it was off", async () => {
  const chat = await setUpChat(ctx.host, "tw-camera");
  await agentJoins(chat);
  const t = await twilioPage(chat);
  try {
    await join(t.page);
    const cameras = () =>
      t.fake(() =>
        window.__twilioFake.video
          .room()
          .published.filter((p) => p.track.name === "camera")
          .map((p) => [p.track.mediaStreamTrack.label, p.track.mediaStreamTrack.readyState]),
      );
    const selfView = () => t.page.$eval('video[data-role="local-video"]', (v) => v.srcObject.getVideoTracks().map((c) => c.label));
    assert.deepEqual(await selfView(), ["fake_device_0"], "the default camera at first");
    const offAndOn = async (whileOff = async () => {}) => {
      await t.page.getByRole("button", { name: "Stop Camera", exact: true }).click();
      await t.page.getByRole("button", { name: "Start Camera", exact: true }).waitFor();
      assert.deepEqual(await cameras(), [], "no camera published while it is off");
      await whileOff();
      await t.page.getByRole("button", { name: "Start Camera", exact: true }).click();
      await waitFor(async () => (await cameras()).length === 1, "the camera is published again");
    };
    await offAndOn(async () => {
      await chooseInCall(t.page, "camera", "fake_device_2");
      await waitFor(
        async () => (await storedDevice(t.page, "videoinput")) === "fake_device_2",
        "the choice made while the camera is off is stored",
      );
    });
    assert.deepEqual(await cameras(), [["fake_device_2", "live"]], "the camera chosen while off is published");
    assert.deepEqual(await selfView(), ["fake_device_2"]);
    await offAndOn();
    assert.deepEqual(await cameras(), [["fake_device_2", "live"]], "and again after another off and on");
  } finally {
    await t.close();
  }
});

test("twilio mode: a blur processor that fails mid-call is removed, the toggle goes off and the person is told", async () => {
  const chat = await setUpChat(ctx.host, "tw-blur-stops");
  await agentJoins(chat);
  const t = await twilioPage(chat);
  try {
    await join(t.page);
    const toggle = '[data-role="blur"]';
    await t.page.click(toggle);
    await t.page.waitForFunction((sel) => {
      const b = document.querySelector(sel);
      return b?.getAttribute("aria-pressed") === "true" && !b.disabled;
    }, toggle, { timeout: 20_000 });
    await t.page.waitForFunction(() => window.__twilioFake.video.processors[0]?.frames >= 3, null, { timeout: 20_000 });
    await t.fake(() => {
      window.Twilio.VideoProcessors.GaussianBlurBackgroundProcessor.prototype.processFrame = () => {
        throw new Error("the processor broke");
      };
    });
    await t.page.waitForSelector(
      '[data-role="call-error"]:text-is("Background blur stopped working; your camera is shown as is. You can turn blur on again.")',
      { timeout: 10_000 },
    );
    assert.equal(await t.page.$eval(toggle, (b) => b.getAttribute("aria-pressed")), "false");
    assert.equal(await t.fake(() => window.__twilioFake.video.processors[0].removed), true, "the processor is taken off the camera");
    assert.equal(
      await t.fake(() => document.querySelector('video[data-role="local-video"]').srcObject.getVideoTracks()[0] instanceof CanvasCaptureMediaStreamTrack),
      false,
      "the self view shows the camera, which is what is sent",
    );
    assert.equal(await t.page.evaluate(() => localStorage.getItem("ctv.blur")), null, "not remembered as on");
  } finally {
    await t.close();
  }
});
