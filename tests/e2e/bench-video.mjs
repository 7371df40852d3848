// Benchmark: in headless Chromium on loopback, the time from the customer (the second
// participant) clicking Join to the first decoded frame of the agent's video on the customer
// page, over N runs, with where the time goes (each phase's time after the click), against a
// baseline measured in the same run: two bare RTCPeerConnections in one page of their own
// connecting and decoding the same fake camera. And the customer page's transfer, gzip, as the
// host serves it: every file the page loaded before Join (HTML, CSS, scripts, the module, JSON).
// And what background blur costs per frame: the library as the host serves it, `processFrame` on
// the fake camera's frames, timed with performance.now() (segmentation in its worker and the blur).
//
//   node bench-video.mjs [--runs 5] [--blur-frames 100]
//
// Prints, besides a readable summary, three machine lines:
//   join-to-first-frame-ms <median> <worst> <run1> <run2> …
//   bare-peer-connections-ms <median> <worst> <run1> <run2> …
//   customer-page-gzip-bytes <total> <file>=<bytes> …          (as a twilio-mode host serves it)
//   customer-page-sandbox-gzip-bytes <total> <file>=<bytes> …  (as the sandbox serves it)
//   blur-ms-per-frame <mean> <median> <worst> <frames> <width>x<height> <context>
import http from "node:http";
import { launchVideoChromium, openAgent, openCustomer, setUpChat, startSandbox } from "./video-fixture.mjs";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs needs a positive integer");

/** What the customer page loaded from the host before Join (GETs only: the functions are POSTs). */
const loaded = new Set();
let pageFiles = [];

/** Bytes of `url` as the host sends it to a browser that accepts gzip, and their encoding. */
function gzipBytes(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
        let n = 0;
        res.on("data", (c) => (n += c.length));
        res.on("end", () =>
          res.statusCode === 200 ? resolve({ bytes: n, encoding: res.headers["content-encoding"] }) : reject(new Error(`${url}: ${res.statusCode}`)),
        );
      })
      .on("error", reject);
  });
}

/**
 * Stamps, in epoch ms, each phase of the customer's Join: the click, getUserMedia resolved,
 * `client-get-video-token` answered, the signaling socket open, `joined`, the first offer and
 * answer on the socket (either way), ICE connected, and the first frame the remote video
 * presents (requestVideoFrameCallback). Installed before the page's own scripts run.
 */
const TIMING = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const marks = (window.__marks = {});
  const mark = (name) => { marks[name] ??= now(); };
  document.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.matches('[data-role="join"]')) mark("click");
  }, true);
  const media = navigator.mediaDevices;
  const gum = media.getUserMedia.bind(media);
  media.getUserMedia = (c) => { mark("getUserMediaCalled"); return gum(c).then((s) => { mark("getUserMedia"); return s; }); };
  const fetch0 = window.fetch;
  window.fetch = (url, init) => {
    const p = fetch0(url, init);
    if (String(url).includes("client-get-video-token")) { mark("tokenAsked"); p.then(() => mark("token"), () => {}); }
    return p;
  };
  const tagOf = (data) => { try { const v = JSON.parse(data); return typeof v === "string" ? v : Object.keys(v)[0]; } catch { return ""; } };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(url, p) {
      super(url, p);
      if (!String(url).includes("/signal")) return;
      mark("socketCreated");
      this.addEventListener("open", () => mark("socketOpen"));
      this.addEventListener("message", (e) => {
        const tag = tagOf(e.data);
        if (tag === "joined" || tag === "offer" || tag === "answer") mark(tag + "Received");
      });
      const send = this.send.bind(this);
      this.send = (data) => { const tag = tagOf(data); if (tag === "offer" || tag === "answer") mark(tag + "Sent"); return send(data); };
    }
  };
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(c) {
      super(c);
      mark("peerCreated");
      this.addEventListener("iceconnectionstatechange", () => {
        if (this.iceConnectionState === "connected" || this.iceConnectionState === "completed") mark("iceConnected");
      });
    }
  };
  const watch = (v) => {
    if (v.__watched) return;
    v.__watched = true;
    v.requestVideoFrameCallback(() => mark("firstFrame"));
  };
  new MutationObserver(() => document.querySelectorAll('video[data-role="remote-video"]').forEach(watch))
    .observe(document, { childList: true, subtree: true });
})();`;

/** The phases, in the order they happen, as printed (the customer, joining last, offers). */
const PHASES = [
  ["tokenAsked", "token asked"],
  ["getUserMediaCalled", "getUserMedia called"],
  ["token", "client-get-video-token answered"],
  ["getUserMedia", "getUserMedia resolved"],
  ["socketCreated", "signaling socket created"],
  ["socketOpen", "signaling socket open"],
  ["joinedReceived", "joined"],
  ["peerCreated", "RTCPeerConnection created"],
  ["offerSent", "offer sent"],
  ["answerReceived", "answer received"],
  ["iceConnected", "ICE connected"],
  ["firstFrame", "first remote frame"],
];

/**
 * The baseline, in a page of its own on the same host: two bare RTCPeerConnections in the page
 * connecting (offer, answer and candidates handed over directly) and decoding the fake camera,
 * from getUserMedia to the first frame the receiving video presents. What any call costs here.
 */
const BARE = async () => {
  const t0 = performance.now();
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  const gum = performance.now();
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  let ice;
  b.oniceconnectionstatechange = () => {
    if (b.iceConnectionState === "connected" || b.iceConnectionState === "completed") ice ??= performance.now();
  };
  const video = document.createElement("video");
  video.muted = true;
  video.autoplay = true;
  document.body.append(video);
  const frame = new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));
  b.ontrack = (e) => { video.srcObject ??= e.streams[0]; };
  for (const t of stream.getTracks()) a.addTrack(t, stream);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const first = await frame;
  for (const t of stream.getTracks()) t.stop();
  a.close();
  b.close();
  return { total: first - t0, getUserMedia: gum - t0, ice: (ice ?? first) - t0 };
};

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const framesArg = process.argv.indexOf("--blur-frames");
const BLUR_FRAMES = framesArg > 0 ? Number(process.argv[framesArg + 1]) : 100;
if (!Number.isInteger(BLUR_FRAMES) || BLUR_FRAMES < 1) throw new Error("--blur-frames needs a positive integer");

/**
 * In a page of the host: the fake camera in a <video>, a blur processor from the host's copy of
 * the library, 10 frames to warm up, then `frames` frames timed one by one.
 */
async function blurCost(browser, host, frames) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${host.url}/features/chat-to-video/index.html`);
    await page.addScriptTag({ url: `${host.url}/vendor/video-processors/twilio-video-processors.min.js` });
    return await page.evaluate(async ({ assetsPath, frames }) => {
      const { GaussianBlurBackgroundProcessor, isSupported } = window.Twilio.VideoProcessors;
      if (!isSupported) throw new Error("the blur library says this browser is not supported");
      const video = document.createElement("video");
      video.muted = true;
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
      await video.play();
      const processor = new GaussianBlurBackgroundProcessor({ assetsPath });
      await processor.loadModel();
      const out = document.createElement("canvas");
      out.width = video.videoWidth;
      out.height = video.videoHeight;
      const next = () => new Promise((r) => video.requestVideoFrameCallback(() => r()));
      for (let i = 0; i < 10; i++) {
        await next();
        await processor.processFrame(video, out);
      }
      const times = [];
      for (let i = 0; i < frames; i++) {
        await next();
        const t0 = performance.now();
        await processor.processFrame(video, out);
        times.push(performance.now() - t0);
      }
      const probe = document.createElement("canvas");
      return {
        times,
        width: video.videoWidth,
        height: video.videoHeight,
        context: probe.getContext("webgl2") ? "webgl2" : "2d",
      };
    }, { assetsPath: `${host.url}/vendor/video-processors/`, frames });
  } finally {
    await context.close();
  }
}

const browser = await launchVideoChromium();
const host = await startSandbox();
const times = [];
const phases = [];
const bares = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const chat = await setUpChat(host, `bench-agent-${i}`);
    const agent = await openAgent(browser, host, chat);
    const customer = await openCustomer(browser, host, chat.code, async (page) => {
      await page.addInitScript(TIMING);
      if (i === 0) {
        page.on("request", (r) => {
          if (r.method() === "GET" && r.url().startsWith(host.url) && !r.url().includes("/signal")) loaded.add(r.url());
        });
      }
    });
    try {
      await agent.page.click("button.c2v-join");
      await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false, null, {
        timeout: 20_000,
      });
      if (i === 0) pageFiles = [...loaded];
      await customer.page.click('[data-role="join"]');
      await customer.page.waitForFunction(() => window.__marks.firstFrame !== undefined, null, { timeout: 20_000 });
      const marks = await customer.page.evaluate(() => window.__marks);
      const ms = marks.firstFrame - marks.click;
      times.push(Math.round(ms));
      phases.push(Object.fromEntries(PHASES.map(([key]) => [key, marks[key] === undefined ? undefined : marks[key] - marks.click])));
      const bareContext = await browser.newContext();
      try {
        const page = await bareContext.newPage();
        await page.goto(`${host.url}/`);
        bares.push(await page.evaluate(BARE));
      } finally {
        await bareContext.close();
      }
      const bare = bares[bares.length - 1];
      console.log(
        `run ${i + 1}: ${Math.round(ms)} ms from Join to the first decoded remote frame; ` +
          `two bare RTCPeerConnections in the same page ${Math.round(bare.total)} ms`,
      );
    } finally {
      await agent.close();
      await customer.close();
    }
  }

  const med = Math.round(median(times));
  const worst = Math.max(...times);
  const bareMedian = Math.round(median(bares.map((b) => b.total)));
  console.log("\nJoin → first remote frame, by phase (ms after the click; median of the runs that reached it):");
  for (const [key, label] of PHASES) {
    const at = phases.map((p) => p[key]).filter((v) => v !== undefined);
    const value = at.length ? `${Math.round(median(at))} ms` : "—";
    console.log(`  ${label.padEnd(34)} ${value.padStart(8)}${at.length < phases.length ? ` (${at.length} of ${phases.length} runs)` : ""}`);
  }
  console.log(
    `bare baseline (getUserMedia → 2 RTCPeerConnections → first frame): median ${bareMedian} ms ` +
      `(getUserMedia ${Math.round(median(bares.map((b) => b.getUserMedia)))} ms, ICE connected ${Math.round(median(bares.map((b) => b.ice)))} ms)`,
  );

  const sizes = [];
  if (pageFiles.length === 0) throw new Error("the customer page loaded nothing from the host");
  for (const url of pageFiles) {
    const file = url.slice(host.url.length).replace(/^\/features\/chat-to-video\//, "").replace(/\?.*$/, "");
    const { bytes, encoding } = await gzipBytes(url);
    // Everything but a small answer of the host's own must come precompressed.
    if (encoding !== "gzip" && bytes > 1024) throw new Error(`${file} (${bytes} B) was not served gzip-compressed`);
    sizes.push([file, bytes]);
  }
  const total = sizes.reduce((sum, [, b]) => sum + b, 0);
  // What real customers load: a twilio-mode host serves the module's two files from `twilio/`
  // (the build without the sandbox's mesh, plugin-host/src/customer_module.rs); the rest is the same.
  const moduleFiles = ["chat_to_video.js", "chat_to_video_bg.wasm"];
  const twilioSizes = [];
  for (const [file, b] of sizes) {
    if (!moduleFiles.includes(file)) {
      twilioSizes.push([file, b]);
      continue;
    }
    const { bytes, encoding } = await gzipBytes(`${host.url}/features/chat-to-video/twilio/${file}`);
    if (encoding !== "gzip") throw new Error(`twilio/${file} (${bytes} B) was not served gzip-compressed`);
    twilioSizes.push([`twilio/${file}`, bytes]);
  }
  if (twilioSizes.filter(([f]) => f.startsWith("twilio/")).length !== moduleFiles.length) {
    throw new Error(`the page loaded ${sizes.map(([f]) => f).join(", ")}: not the module's two files`);
  }
  const twilioTotal = twilioSizes.reduce((sum, [, b]) => sum + b, 0);

  console.log(`\nJoin → first decoded remote frame over ${RUNS} runs: median ${med} ms, worst ${worst} ms (budget: median ≤ 200 ms); ${(med / bareMedian).toFixed(2)}× the bare baseline`);
  console.log(`customer page transfer, gzip, as a twilio-mode host serves it: ${twilioTotal} B (${(twilioTotal / 1024).toFixed(1)} KiB; budget 100,000 B)`);
  for (const [file, b] of twilioSizes) console.log(`  ${file}: ${b} B`);
  console.log(`customer page transfer, gzip, as the sandbox serves it (with the mesh): ${total} B`);
  for (const [file, b] of sizes) console.log(`  ${file}: ${b} B`);
  const blur = await blurCost(browser, host, BLUR_FRAMES);
  const frameTimes = [...blur.times].sort((a, b) => a - b);
  const ms = (x) => x.toFixed(1);
  const mean = frameTimes.reduce((a, b) => a + b, 0) / frameTimes.length;
  const frameMedian = frameTimes[Math.floor(frameTimes.length / 2)];
  const frameWorst = frameTimes[frameTimes.length - 1];
  console.log(
    `background blur, processFrame per ${blur.width}x${blur.height} frame over ${frameTimes.length} frames (${blur.context}): ` +
      `mean ${ms(mean)} ms, median ${ms(frameMedian)} ms, worst ${ms(frameWorst)} ms`,
  );
  console.log(`join-to-first-frame-ms ${med} ${worst} ${times.join(" ")}`);
  console.log(`bare-peer-connections-ms ${bareMedian} ${Math.round(Math.max(...bares.map((b) => b.total)))} ${bares.map((b) => Math.round(b.total)).join(" ")}`);
  console.log(`customer-page-gzip-bytes ${twilioTotal} ${twilioSizes.map(([f, b]) => `${f}=${b}`).join(" ")}`);
  console.log(`customer-page-sandbox-gzip-bytes ${total} ${sizes.map(([f, b]) => `${f}=${b}`).join(" ")}`);
  console.log(
    `blur-ms-per-frame ${ms(mean)} ${ms(frameMedian)} ${ms(frameWorst)} ${frameTimes.length} ${blur.width}x${blur.height} ${blur.context}`,
  );
} finally {
  await browser.close();
  await host.stop();
}
