// The Flex plugin: starts the WebAssembly module and wires what it decides into Flex.
// Every decision (whether to show, what to say, whether to abort) is made in Rust.
import type * as Flex from "@twilio/flex-ui";
import { Plugin } from "chat-to-video-wasm";
import { name as packageName, version, devDependencies } from "../package.json";
import { FlexPlugin, type FlexGlobal } from "./flex-plugin";
import { mountComponent } from "./mount";
import { loadWasm } from "./wasm";

const LOG = `[${packageName}]`;
/** Flex actions the module may veto; their `before…` listeners ask `guard(action, payload)`. */
const GUARDED_ACTIONS = ["CompleteTask", "WrapupTask"] as const;

export class ChatToVideoPlugin extends FlexPlugin {
  constructor() {
    super("ChatToVideoPlugin", packageName, version, {
      "flex-ui": devDependencies["@twilio/flex-ui"],
      react: "17",
      "react-dom": "17",
    });
  }

  async init(flex: FlexGlobal, manager: Flex.Manager): Promise<void> {
    const plugin = start(flex, manager);
    if (plugin === undefined) return;

    manager.strings = { ...plugin.stringDefaults(), ...manager.strings };
    for (const { id, type, content } of plugin.notifications()) {
      flex.Notifications.registerNotification({ id, type: type as Flex.NotificationType, content });
    }

    const React = window.React;
    const Button = flex.withTaskContext(
      mountComponent(React, "chat-to-video-button", (el, task, conversation) => plugin.mountButton(el, task, conversation)),
    );
    const Room = flex.withTaskContext(mountComponent(React, "chat-to-video-room", (el, task) => plugin.mountTab(el, task)));

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

    for (const action of GUARDED_ACTIONS) {
      flex.Actions.addListener(`before${action}`, (payload: Flex.ActionPayload, abort: () => void) => {
        const notification = plugin.guard(action, payload);
        if (notification !== undefined) {
          abort();
          flex.Notifications.showNotification(notification);
        }
      });
    }
    flex.Actions.addListener("afterWrapupTask", (payload: Flex.ActionPayload) =>
      plugin.afterWrapup(payload).catch((err: unknown) => console.error(`${LOG} completing the video room failed: ${describe(err)}`)),
    );
  }
}

/** The module's plugin object, or undefined (logged) when it must not run. */
function start(flex: FlexGlobal, manager: Flex.Manager): Plugin | undefined {
  let plugin: Plugin;
  try {
    loadWasm();
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
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return code === undefined ? err.message : `${String(code)}: ${err.message}`;
  }
  return String(err);
}
