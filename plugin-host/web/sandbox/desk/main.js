// Desk entry: installs `window.Twilio.Flex`, renders the desk, and after sign-in reads what
// Flex UI reads when it starts (the Flex Configuration's `ui_attributes` and the active
// release's plugins, `GET /sandbox/flex/ui`), creates the Manager and loads each released
// plugin version's `PluginUrl`, in phase order, with a plain <script> tag, as Flex does.
import { api } from "../common/api.js";
import { ReactDOM, h } from "../common/h.js";
import { Manager } from "./flex/manager.js";
import { installFlex } from "./flex/runtime.js";
import { DeskStore } from "./store.js";
import { App } from "./ui/app.js";
import { TaskCanvasHeader, TaskCanvasTabs } from "./ui/canvas.js";

/** The desk's text while the account has no release. */
export const NOTHING_RELEASED = "No plugins are released in this account: run cargo xtask deploy";

/**
 * Plugins the page asks for instead of the release (for tests): `?plugins=none` loads none,
 * `?plugins=/a.js,/b.js` loads those (same origin only); `null` without the parameter.
 */
export function pluginUrls(search) {
  const param = new URLSearchParams(search).get("plugins");
  if (param === null) return null;
  if (param === "none" || param === "") return [];
  return param
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.startsWith("/") && !p.startsWith("//"));
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

const store = new DeskStore();
const flex = installFlex(store, { TaskCanvasHeader, TaskCanvasTabs });

async function onSignedIn(session) {
  let flexUi = null;
  try {
    flexUi = await api.flexUi(session.token);
  } catch (err) {
    store.pluginStatus("Flex configuration", "failed", err.message);
  }
  Manager.create({ identity: session.identity, token: session.token, uiAttributes: flexUi?.uiAttributes });
  store.start(session);
  let urls = pluginUrls(location.search);
  if (urls === null) {
    urls = (flexUi?.plugins ?? []).map((p) => p.url);
    if (flexUi && urls.length === 0) store.pluginStatus("release", "none", NOTHING_RELEASED);
  }
  for (const src of urls) {
    store.pluginStatus(src, "loading");
    loadScript(src).then(
      () => {
        if (flex.Plugins.sources.has(src)) dropStatus(src);
        else store.pluginStatus(src, "failed", "the script did not call Twilio.Flex.Plugins.init");
      },
      (err) => {
        store.pluginStatus(src, "failed", err.message);
        flex.Notifications.showNotification("DeskPluginFailed", { name: src, message: err.message });
      },
    );
  }
}

// Once the script handed its plugin to Plugins.init, the plugin reports under its own name.
function dropStatus(src) {
  store.plugins = store.plugins.filter((p) => p.name !== src);
  store.changed();
}

const initialIdentity = new URLSearchParams(location.search).get("identity") ?? "";
ReactDOM.render(h(App, { store, onSignedIn, initialIdentity }), document.getElementById("root"));
window.sandboxDesk = { store, flex };

// The sandbox has no authentication: when it listens beyond loopback (--allow-public-sandbox),
// say so above everything else.
export function exposureBanner(doc, info) {
  if (!info?.exposed) return null;
  const banner = doc.createElement("div");
  banner.className = "exposure-warning";
  banner.setAttribute("role", "alert");
  banner.textContent =
    `Warning: this sandbox listens on ${info.listen}, beyond this machine, and has no authentication: ` +
    "anyone who can reach it can act as any agent.";
  doc.body.prepend(banner);
  return banner;
}

fetch("/sandbox/exposure")
  .then((r) => (r.ok ? r.json() : null))
  .then((info) => exposureBanner(document, info))
  .catch(() => {});
