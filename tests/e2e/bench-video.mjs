// Benchmark: in headless Chromium on loopback, the time from the customer (the second
// participant) clicking Join to the first decoded frame of the agent's video on the customer
// page, over N runs; the customer page's transfer size, gzip, as the host serves it; and what
// background blur costs per frame: the library as the host serves it, `processFrame` on the
// fake camera's frames, timed with performance.now() (segmentation in its worker and the blur).
//
//   node bench-video.mjs [--runs 5] [--blur-frames 100]
//
// Prints, besides a readable summary, three machine lines:
//   join-to-first-frame-ms <median> <worst> <run1> <run2> …
//   customer-page-gzip-bytes <total> <file>=<bytes> …
//   blur-ms-per-frame <mean> <median> <worst> <frames> <width>x<height> <context>
import http from "node:http";
import { launchVideoChromium, openAgent, openCustomer, setUpChat, startSandbox } from "./video-fixture.mjs";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs needs a positive integer");

/** Files the customer page loads, in the order the browser asks for them. */
const PAGE_FILES = ["index.html", "customer.css", "customer.js", "chat_to_video.js", "chat_to_video_bg.wasm"];

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

/** Marks the click on Join and the first frame the remote video presents, in epoch ms. */
const TIMING = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.matches('[data-role="join"]')) window.__joinClickedAt = now();
  }, true);
  const watch = (v) => {
    if (v.__watched) return;
    v.__watched = true;
    v.requestVideoFrameCallback(() => { window.__firstFrameAt ??= now(); });
  };
  new MutationObserver(() => document.querySelectorAll('video[data-role="remote-video"]').forEach(watch))
    .observe(document, { childList: true, subtree: true });
})();`;

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
try {
  for (let i = 0; i < RUNS; i++) {
    const chat = await setUpChat(host, `bench-agent-${i}`);
    const agent = await openAgent(browser, host, chat);
    const customer = await openCustomer(browser, host, chat.code);
    try {
      await customer.page.evaluate(TIMING);
      await agent.page.click("button.c2v-join");
      await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false, null, {
        timeout: 20_000,
      });
      await customer.page.click('[data-role="join"]');
      await customer.page.waitForFunction(() => window.__firstFrameAt !== undefined, null, { timeout: 20_000 });
      const ms = await customer.page.evaluate(() => window.__firstFrameAt - window.__joinClickedAt);
      times.push(Math.round(ms));
      console.log(`run ${i + 1}: ${Math.round(ms)} ms from Join to the first decoded remote frame`);
    } finally {
      await agent.close();
      await customer.close();
    }
  }

  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
  const worst = sorted[sorted.length - 1];

  const sizes = [];
  for (const file of PAGE_FILES) {
    const { bytes, encoding } = await gzipBytes(`${host.url}/features/chat-to-video/${file}`);
    if (encoding !== "gzip") throw new Error(`${file} was not served gzip-compressed`);
    sizes.push([file, bytes]);
  }
  const total = sizes.reduce((sum, [, b]) => sum + b, 0);

  console.log(`\nJoin → first decoded remote frame over ${RUNS} runs: median ${median} ms, worst ${worst} ms (bar: median ≤ 1500 ms)`);
  console.log(`customer page transfer, gzip: ${total} B (${(total / 1024).toFixed(1)} KiB; budget 200 KiB)`);
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
  console.log(`join-to-first-frame-ms ${median} ${worst} ${times.join(" ")}`);
  console.log(`customer-page-gzip-bytes ${total} ${sizes.map(([f, b]) => `${f}=${b}`).join(" ")}`);
  console.log(
    `blur-ms-per-frame ${ms(mean)} ${ms(frameMedian)} ${ms(frameWorst)} ${frameTimes.length} ${blur.width}x${blur.height} ${blur.context}`,
  );
} finally {
  await browser.close();
  await host.stop();
}
