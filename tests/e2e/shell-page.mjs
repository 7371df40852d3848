// The page the shell's tests and the load benchmark open: React 17 and ReactDOM 17
// (as Flex 2 provides them) and the recording Flex stand-in, bundled with the desk's
// ActionsManager it uses, all inline, so the only other request the page makes is for the
// plugin bundle.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { paths, serveDirectory } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const BUNDLE_URL_PATH = "/plugins/plugin-chat-to-video.js";

/** `ui_attributes` as a Flex account's configuration carries them; `functionsDomain: null` leaves the domain out. */
export function serviceConfiguration({ enabled = true, functionsDomain = "127.0.0.1:9", branding } = {}) {
  const customData = {
    serverless_functions_protocol: "http",
    features: { chat_to_video_escalation: { enabled } },
  };
  if (branding) customData.branding = branding;
  if (functionsDomain !== null) customData.serverless_functions_domain = functionsDomain;
  return { ui_attributes: { custom_data: customData } };
}

const inline = (code) => `<script>${code.replace(/<\/script/gi, "<\\/script")}</script>`;

/** fixtures/flex-double.js and what it imports, as one classic script. */
async function flexDoubleScript() {
  const result = await build({
    entryPoints: [path.join(here, "fixtures/flex-double.js")],
    bundle: true,
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

export async function shellPage(config) {
  const [react, reactDom, double] = await Promise.all([
    readFile(path.join(paths.nodeModules, "react/umd/react.production.min.js"), "utf8"),
    readFile(path.join(paths.nodeModules, "react-dom/umd/react-dom.production.min.js"), "utf8"),
    flexDoubleScript(),
  ]);
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Flex plugin page</title>
${inline(react)}
${inline(reactDom)}
${inline(`window.FLEX_DOUBLE_CONFIG = ${JSON.stringify(config)};`)}
${inline(double)}
</head><body></body></html>`;
}

/** Serves the built bundle at BUNDLE_URL_PATH and the page at "/". */
export async function serveShellPage(config) {
  const server = await serveDirectory(path.dirname(paths.bundle), {
    prefix: path.posix.dirname(BUNDLE_URL_PATH),
    pages: { "/": await shellPage(config) },
  });
  return { ...server, pageUrl: `${server.url}/` };
}
