// Shared pieces of the browser tests (run them with `cargo xtask test`, or `npm test` here
// after `cargo xtask build`): headless Chromium, the plugin host, a static
// file server, and where the built artefacts are.
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Built artefacts; `cargo xtask build` produces them, and `cargo xtask test` passes their paths. */
export const paths = {
  bundle: process.env.CHAT_TO_VIDEO_BUNDLE ?? path.join(repoRoot, "pkg-shim/dist/plugin-chat-to-video.js"),
  /** The bundle released to Flex (twilio mode only: no sandbox mesh). */
  releaseBundle:
    process.env.CHAT_TO_VIDEO_RELEASE_BUNDLE ?? path.join(repoRoot, "pkg-shim/dist/release/plugin-chat-to-video.js"),
  site: process.env.CHAT_TO_VIDEO_SITE ?? path.join(repoRoot, "target/site"),
  host:
    process.env.PLUGIN_HOST_BIN ??
    path.join(repoRoot, "target/host/plugin-host"),
  nodeModules: path.join(repoRoot, "node_modules"),
  /** `cargo xtask`'s binary (`cargo xtask test` passes its own); otherwise `cargo xtask` runs. */
  xtask: process.env.XTASK_BIN,
  /** `plugin-host/examples/openapi_proxy.rs`, built by `cargo test`; otherwise `cargo run`s it. */
  openapiProxy: process.env.OPENAPI_PROXY_BIN,
};

/** The command line for `cargo xtask ARGS`. */
function xtaskCommand(args) {
  return paths.xtask ? [paths.xtask, args] : ["cargo", ["run", "--quiet", "--package", "xtask", "--", ...args]];
}

/**
 * Runs `cargo xtask ARGS` in the repository and resolves with its exit code and output (stdout
 * and stderr together), never rejecting on a non-zero exit.
 */
export function xtask(args, { env = {}, timeoutMs = 120_000 } = {}) {
  const [program, argv] = xtaskCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** `cargo xtask deploy --sandbox URL ARGS`, which must succeed; resolves with its output. */
export async function deployInto(hostUrl, args = [], options = {}) {
  const run = await xtask(["deploy", "--sandbox", hostUrl, ...args], options);
  if (run.code !== 0) throw new Error(`cargo xtask deploy failed (${run.code}):\n${run.output}`);
  return run.output;
}

/**
 * Starts the recording proxy that checks every exchange against Twilio's OpenAPI specs, in front
 * of `target`. `check()` resolves with its report (`{exchanges, log, operations, errors, specs}`);
 * without the specs the proxy fails to start, saying how to provide them.
 */
export async function startOpenapiProxy(target) {
  const argv = ["--target", target];
  const [program, args] = paths.openapiProxy
    ? [paths.openapiProxy, argv]
    : ["cargo", ["run", "--quiet", "--package", "plugin-host", "--example", "openapi_proxy", "--", ...argv]];
  const child = spawn(program, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const first = await Promise.race([
    next(),
    new Promise((_, reject) => child.once("exit", (code) => reject(new Error(`openapi_proxy exited (${code})`)))),
  ]);
  const m = /openapi-proxy listening on (\S+)/.exec(first);
  if (!m) throw new Error(`openapi_proxy said ${first}`);
  return {
    url: m[1],
    async check() {
      const answer = next();
      child.stdin.write("check\n");
      return JSON.parse(await answer);
    },
    stop() {
      child.stdin.end();
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve)));
    },
  };
}

/** Flags for headless Chromium here: root, fake camera and microphone, closed network, loopback WebRTC. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * Serves `dir` under `prefix` on 127.0.0.1 (a free port), plus in-memory `pages`
 * ({"/": "<html>…"}). Every requested path is recorded in `requests`.
 */
export async function serveDirectory(dir, { prefix = "", pages = {} } = {}) {
  const requests = [];
  const root = path.resolve(dir);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(url.pathname);
    if (Object.hasOwn(pages, url.pathname)) {
      res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
      res.end(pages[url.pathname]);
      return;
    }
    if (!url.pathname.startsWith(prefix + "/")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const file = path.resolve(root, "." + decodeURIComponent(url.pathname.slice(prefix.length)));
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error("not a file");
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-length": info.size,
        "cache-control": "no-store",
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const READY = /plugin-host listening on (http:\/\/\S+)/;

/**
 * Starts the plugin host (sandbox mode) on a free loopback port and waits for its
 * ready line. `args` are extra command-line arguments; `env` extra variables.
 */
export async function startHost({ dataDir, assets = paths.site, args = [], env = {}, timeoutMs = 30_000 } = {}) {
  const argv = ["--listen", "127.0.0.1:0", "--assets", assets, ...(dataDir ? ["--data-dir", dataDir] : []), ...args];
  const child = spawn(paths.host, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const output = [];
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plugin-host printed no ready line in ${timeoutMs} ms:\n${output.join("\n")}`)), timeoutMs);
    const watch = (stream) =>
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        const m = READY.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/$/, ""));
        }
      });
    watch(child.stdout);
    watch(child.stderr);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`plugin-host exited (${code ?? signal}) before it was ready:\n${output.join("\n")}`));
    });
  });
  let url;
  try {
    url = await ready;
  } catch (err) {
    // Never leave a half-started host behind.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    throw err;
  }
  return {
    url,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
