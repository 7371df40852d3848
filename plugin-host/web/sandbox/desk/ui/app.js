// The desk's layout: sign-in, then the notification bar, the task list and the canvases.
import { h, useSubscription } from "../../common/h.js";
import { allowedOrigins } from "../../common/messages.js";
import { Notifications } from "../flex/runtime.js";
import { NotificationBar } from "./notifications.js";
import { SignIn } from "./signin.js";
import { TaskList } from "./tasklist.js";
import { TaskCanvas } from "./canvas.js";

const CONNECTION_TEXT = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  refused: "Signed out",
  offline: "Offline",
};

function isOpen(task) {
  return task.taskStatus !== "completed" && task.taskStatus !== "canceled";
}

function PluginStatus({ plugins }) {
  return h(
    "ul",
    { className: "plugin-status", "aria-label": "Plugins" },
    plugins.map((p) =>
      h(
        "li",
        { key: p.name, "data-plugin": p.name, "data-plugin-status": p.status, title: p.detail ?? "" },
        p.status === "none" ? p.detail : `${p.name} · ${p.status}`,
      ),
    ),
  );
}

function Desk({ store }) {
  const snapshot = useSubscription(store, () => ({
    tasks: store.sortedTasks(),
    selected: store.selectedTaskSid,
    connection: store.connection,
  }));
  const origins = allowedOrigins(store.linkOrigins);
  const canvases = snapshot.tasks.filter((t) => t.taskSid === snapshot.selected || isOpen(t));
  return h(
    "div",
    { className: "desk" },
    h(
      "header",
      { className: "topbar" },
      h("span", { className: "brand" }, "Sandbox Flex"),
      h("span", { className: "agent", "data-identity": store.session.identity }, store.session.identity),
      h(
        "span",
        { className: `connection connection-${snapshot.connection}`, "data-connection": snapshot.connection, title: store.connectionError ?? "" },
        CONNECTION_TEXT[snapshot.connection] ?? snapshot.connection,
      ),
      h(PluginStatus, { plugins: store.plugins }),
    ),
    h(NotificationBar, { notifications: Notifications }),
    store.connection === "refused"
      ? h("p", { className: "form-error", role: "alert" }, `${store.connectionError ?? "The sandbox refused this session."} Reload to sign in again.`)
      : null,
    h(
      "div",
      { className: "workspace" },
      h(TaskList, { tasks: snapshot.tasks, selectedTaskSid: snapshot.selected }),
      h(
        "div",
        { className: "canvases" },
        canvases.length === 0 ? h("section", { className: "task-canvas empty" }, h("p", { className: "muted" }, "No task selected.")) : null,
        canvases.map((task) =>
          h(TaskCanvas, {
            key: task.taskSid,
            task,
            conversation: store.conversationFor(task),
            origins,
            hidden: task.taskSid !== snapshot.selected,
          }),
        ),
      ),
    ),
  );
}

export function App({ store, onSignedIn, initialIdentity }) {
  const session = useSubscription(store, () => store.session);
  if (!session) return h(SignIn, { onSignedIn, initialIdentity });
  return h(Desk, { store });
}
