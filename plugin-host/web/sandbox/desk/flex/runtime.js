// `window.Twilio.Flex`: the subset of the Flex plugin runtime the plugin shell uses, backed
// by the desk's store. One instance per page.
import { ActionsManager } from "./actions.js";
import { registerBuiltins } from "./builtins.js";
import { ContentStore } from "./content.js";
import { Tab, TaskContext, withTaskContext } from "./context.js";
import { Manager } from "./manager.js";
import { NotificationType, NotificationsManager } from "./notifications.js";
import { TaskHelper } from "./task.js";
import { fillTemplate } from "./templates.js";

export const Actions = new ActionsManager();
export const Notifications = new NotificationsManager();
export const headerContent = new ContentStore("TaskCanvasHeader");
export const tabsContent = new ContentStore("TaskCanvasTabs");

/** Plugin classes handed to `Plugins.init`, constructed and initialised in order. */
class PluginsManager {
  constructor(store) {
    this.store = store;
    this.loaded = [];
    this.sources = new Set();
  }

  async init(PluginClass) {
    // A bundle calls this while it runs, so the running <script> tells where it came from.
    const script = document.currentScript;
    if (script) this.sources.add(script.getAttribute("src"));
    const name = PluginClass?.name || "plugin";
    let plugin;
    try {
      plugin = typeof PluginClass === "function" ? new PluginClass() : PluginClass;
      if (!plugin || typeof plugin.init !== "function") throw new Error("the plugin has no init(flex, manager)");
    } catch (err) {
      this.failed(name, err);
      return;
    }
    const label = plugin.uniqueName || plugin.name || name;
    this.store.pluginStatus(label, "initialising", plugin.version);
    try {
      await plugin.init(window.Twilio.Flex, Manager.getInstance());
      this.loaded.push(plugin);
      this.store.pluginStatus(label, "ready", plugin.version);
    } catch (err) {
      this.failed(label, err);
    }
  }

  failed(name, err) {
    const message = err?.message ?? String(err);
    console.error(`Plugin ${name} failed:`, err);
    this.store.pluginStatus(name, "failed", message);
    Notifications.showNotification("DeskPluginFailed", { name, message });
  }
}

/** Installs `window.Twilio.Flex` wired to `store`; `components` are the desk's containers. */
export function installFlex(store, components) {
  registerBuiltins(Actions, store);
  Notifications.registerNotification({ id: "DeskActionFailed", type: NotificationType.error, content: "DeskActionFailed" });
  Notifications.registerNotification({ id: "DeskPluginFailed", type: NotificationType.error, content: "DeskPluginFailed" });
  const taskHelper = Object.freeze({ ...TaskHelper, getTaskByTaskSid: (sid) => store.taskBySid(sid) });
  const flex = {
    VERSION: "2.17.1-sandbox",
    Plugins: new PluginsManager(store),
    Actions,
    Notifications,
    NotificationType,
    Manager,
    TaskHelper: taskHelper,
    Tab,
    TaskContext,
    withTaskContext,
    templates: new Proxy(
      {},
      { get: (_, key) => (context) => fillTemplate(Manager.getInstance().strings[key] ?? "", context) },
    ),
    ...components,
  };
  window.Twilio = window.Twilio ?? {};
  window.Twilio.Flex = flex;
  return flex;
}
