// Our plugin's cost to Flex's start-up, in fresh headless Chromium pages that provide
// window.React and the Flex stand-in:
// - the time from adding the plugin bundle's <script> to its init finishing;
// - the longest time the page's main thread was blocked meanwhile (a probe on the performance
//   timeline: a MessageChannel loop stamping `performance.now()`, whose longest gap is the
//   longest task; the Long Tasks API only reports tasks over 50 ms; the task that adds the
//   <script> element is the loader's and is left out, for both scripts), against loading the
//   twilio-video SDK script (which the original plugin ships inside its bundle) into the same
//   kind of page in the same run.
// Prints `load-to-init-ms <median> <worst> <run…>`, `plugin-longest-task-ms <median> <worst>
// <run…>` and `sdk-longest-task-ms <median> <worst> <run…>`.
// Usage: node bench-load.mjs [--runs N]
import { readFile } from "node:fs/promises";
import path from "node:path";
import { launchChromium, paths } from "./harness.mjs";
import { BUNDLE_URL_PATH, serveShellPage, serviceConfiguration } from "./shell-page.mjs";

const at = process.argv.indexOf("--runs");
const runs = at > 0 ? Number(process.argv[at + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("--runs needs a positive whole number");
  process.exit(2);
}

/** Starts the probe in the page; `window.__probe.stop()` answers the longest gap in ms. */
const startProbe = () => {
  const channel = new MessageChannel();
  let last = performance.now();
  let longest = 0;
  let running = true;
  channel.port1.onmessage = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  // The task that adds the <script> (the harness's own code and the browser starting the
  // request, the same for any script) is not the script's: the gap restarts once it is added.
  const restart = () => {
    last = performance.now();
  };
  window.addEventListener("flexdouble:scriptinserted", restart);
  window.__probe = {
    restart,
    stop() {
      running = false;
      return longest;
    },
  };
};

/** Loads `code` as a classic script from a blob URL, resolving when it has run. */
const loadScript = (code) =>
  new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("the script did not load"));
    document.head.appendChild(script);
    window.__probe.restart();
  });

const sdk = await readFile(path.join(paths.nodeModules, "twilio-video/dist/twilio-video.min.js"), "utf8");
const server = await serveShellPage({ serviceConfiguration: serviceConfiguration() });
const browser = await launchChromium();
const times = [];
const ours = [];
const theirs = [];
try {
  // One untimed round first, so that starting the browser's processes is not counted.
  for (let i = -1; i < runs; i++) {
    // A new context each time: no cache, no compiled-code reuse between runs.
    let context = await browser.newContext();
    let page = await context.newPage();
    await page.goto(server.pageUrl);
    await page.evaluate(startProbe);
    const ms = await page.evaluate((src) => window.flexDouble.loadPlugin(src), BUNDLE_URL_PATH);
    const blocked = await page.evaluate(() => window.__probe.stop());
    const error = await page.evaluate(() => window.flexRecord.initError);
    await context.close();
    if (typeof ms !== "number" || error !== undefined) throw new Error(`init did not finish: ${error ?? "no time"}`);

    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(server.pageUrl);
    await page.evaluate(startProbe);
    await page.evaluate(loadScript, sdk);
    const sdkBlocked = await page.evaluate(() => window.__probe.stop());
    const loaded = await page.evaluate(() => typeof window.Twilio?.Video?.connect);
    await context.close();
    if (loaded !== "function") throw new Error("the twilio-video SDK did not load");
    if (i >= 0) {
      times.push(ms);
      ours.push(blocked);
      theirs.push(sdkBlocked);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const fmt = (n) => n.toFixed(1);
const line = (name, values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  console.log(`${name} ${fmt(median)} ${fmt(sorted[sorted.length - 1])} ${values.map(fmt).join(" ")}`);
};
line("load-to-init-ms", times);
line("plugin-longest-task-ms", ours);
line("sdk-longest-task-ms", theirs);
