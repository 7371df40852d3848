// Time from adding the plugin bundle's <script> to its init finishing, in fresh
// headless Chromium pages that provide window.React and the Flex stand-in.
// Prints `load-to-init-ms <median> <worst> <run1> <run2> …`. Usage: node bench-load.mjs [--runs N]
import { launchChromium } from "./harness.mjs";
import { BUNDLE_URL_PATH, serveShellPage, serviceConfiguration } from "./shell-page.mjs";

const at = process.argv.indexOf("--runs");
const runs = at > 0 ? Number(process.argv[at + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("--runs needs a positive whole number");
  process.exit(2);
}

const server = await serveShellPage({ serviceConfiguration: serviceConfiguration() });
const browser = await launchChromium();
const times = [];
try {
  // One untimed load first, so that starting the browser's processes is not counted.
  for (let i = -1; i < runs; i++) {
    // A new context each time: no cache, no compiled-code reuse between runs.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.pageUrl);
    const ms = await page.evaluate((src) => window.flexDouble.loadPlugin(src), BUNDLE_URL_PATH);
    const error = await page.evaluate(() => window.flexRecord.initError);
    await context.close();
    if (typeof ms !== "number" || error !== undefined) throw new Error(`init did not finish: ${error ?? "no time"}`);
    if (i >= 0) times.push(ms);
  }
} finally {
  await browser.close();
  await server.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor((sorted.length - 1) / 2)];
const fmt = (n) => n.toFixed(1);
console.log(`load-to-init-ms ${fmt(median)} ${fmt(sorted[sorted.length - 1])} ${times.map(fmt).join(" ")}`);
