// The Flex plugin: starts the WebAssembly module and wires what it decides into Flex.
// Every decision (whether to show, what to say, whether to abort) is made in Rust.
import type * as Flex from "@twilio/flex-ui";
import { Plugin, PluginError } from "chat-to-video-wasm";
import { name as packageName, version, devDependencies } from "../package.json";
import { FlexPlugin, type FlexGlobal } from "./flex-plugin";
import { mountComponent } from "./mount";
import { loadWasm } from "./wasm";
import { yieldToPage } from "./yield";

const LOG = `[${packageName}]`;

export class ChatToVideoPlugin extends FlexPlugin {
  constructor() {
    super("ChatToVideoPlugin", packageName, version, {
      "flex-ui": devDependencies["@twilio/flex-ui"],
      react: "17",
      "react-dom": "17",
    });
  }

  async init(flex: FlexGlobal, manager: Flex.Manager): Promise<void> {
    const plugin = await start(flex, manager);
    if (plugin === undefined) return;

    // Each step in a task of its own, so Flex's start-up is never held for long.
    await yieldToPage();
    manager.strings = { ...plugin.stringDefaults(), ...manager.strings };
    for (const { id, type, content } of plugin.notifications()) {
      flex.Notifications.registerNotification({ id, type: type as Flex.NotificationType, content });
    }

    await yieldToPage();
    const React = window.React;
    const Button = flex.withTaskContext(
      mountComponent(React, "chat-to-video-button", (el, task, conversation) => plugin.mountButton(el, task, conversation)),
    );
    const Room = flex.withTaskContext(
      mountComponent(React, "chat-to-video-room", (el, task, conversation) => plugin.mountTab(el, task, conversation)),
    );

    flex.TaskCanvasHeader.Content.add(React.createElement(Button, { key: "chat-to-video-button" }), {
      sortOrder: 1,
      if: (props: Flex.TaskContextProps) => props.task !== undefined && plugin.showButton(props.task),
    });
    flex.TaskCanvasTabs.Content.add(
      React.createElement(
        flex.Tab,
        { key: "VideoRoom", uniqueName: "VideoRoom", label: plugin.tabLabel() },
        React.createElement(Room),
      ),
      { if: (props: Flex.TaskContextProps) => props.task !== undefined && plugin.showTab(props.task) },
    );

    // The module says which actions to hear: a veto asks `guard` and aborts with its
    // notification, anything else awaits `afterAction`.
    for (const { action, event, veto } of plugin.actionHooks()) {
      if (veto) {
        flex.Actions.addListener(event, (payload: Flex.ActionPayload, abort: () => void) => {
          const notification = plugin.guard(action, payload);
          if (notification !== undefined) {
            abort();
            flex.Notifications.showNotification(notification);
          }
        });
      } else {
        flex.Actions.addListener(event, (payload: Flex.ActionPayload) =>
          plugin.afterAction(action, payload).catch((err: unknown) => console.error(`${LOG} ${event} failed: ${describe(err)}`)),
        );
      }
    }
  }
}

/** The module's plugin object, or undefined (logged) when it must not run. */
async function start(flex: FlexGlobal, manager: Flex.Manager): Promise<Plugin | undefined> {
  let plugin: Plugin;
  try {
    await loadWasm();
    plugin = Plugin.create(flex, manager);
  } catch (err) {
    console.error(`${LOG} not started, nothing registered: ${describe(err)}`);
    return undefined;
  }
  if (!plugin.enabled) {
    console.info(`${LOG} disabled in ui_attributes.custom_data.features.chat_to_video_escalation; nothing registered`);
    plugin.free();
    return undefined;
  }
  return plugin;
}

function describe(err: unknown): string {
  if (err instanceof PluginError) {
    const text = `${err.code}: ${err.message}`;
    err.free();
    return text;
  }
  return err instanceof Error ? err.message : String(err);
}
