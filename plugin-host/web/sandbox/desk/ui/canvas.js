// The task canvas: a header and tabs that plugins extend through `Content.add`, the chat
// transcript, the Wrap up / Complete buttons, and a Task info panel.
import { React, h, useSubscription } from "../../common/h.js";
import { Actions, Notifications, headerContent, tabsContent } from "../flex/runtime.js";
import { Tab, TaskContextProvider } from "../flex/context.js";
import { Manager } from "../flex/manager.js";
import { TaskHelper } from "../flex/task.js";
import { taskTitle } from "./tasklist.js";
import { MessageInput, Transcript } from "./transcript.js";

function invoke(action, task) {
  Actions.invokeAction(action, { task }).catch((err) => {
    // A before-listener that aborts shows its own notification; anything else is ours to report.
    if (/cancelled by before event/.test(err.message)) return;
    Notifications.showNotification("DeskActionFailed", { action, message: err.message });
  });
}

function TaskActions({ task }) {
  const strings = Manager.getInstance().strings;
  return h(
    "div",
    { className: "task-actions" },
    h(
      "button",
      { type: "button", className: "secondary", "data-action": "WrapupTask", disabled: task.taskStatus !== "assigned", onClick: () => invoke("WrapupTask", task) },
      strings.DeskWrapUp,
    ),
    h(
      "button",
      { type: "button", className: "primary", "data-action": "CompleteTask", disabled: !TaskHelper.canComplete(task), onClick: () => invoke("CompleteTask", task) },
      strings.DeskComplete,
    ),
  );
}

function TaskTitle({ task }) {
  return h(
    "div",
    { className: "task-title" },
    h("h2", null, taskTitle(task)),
    h("span", { className: `status-badge status-${task.taskStatus}`, "data-task-status": task.taskStatus }, task.taskStatus),
  );
}

export function TaskCanvasHeader(props) {
  useSubscription(headerContent, () => headerContent.fragments);
  const defaults = [
    { key: "task-title", element: h(TaskTitle, { key: "task-title" }), options: { sortOrder: 0 } },
    { key: "task-actions", element: h(TaskActions, { key: "task-actions" }), options: { sortOrder: 1000, align: "end" } },
  ];
  const items = headerContent.resolve(props, defaults);
  return h(
    "header",
    { className: "task-canvas-header" },
    h("div", { className: "header-start" }, items.filter((i) => i.align !== "end").map((i) => i.element)),
    h("div", { className: "header-end" }, items.filter((i) => i.align === "end").map((i) => i.element)),
  );
}
TaskCanvasHeader.Content = headerContent;

function ChatPanel({ task, conversation, origins }) {
  const messages = conversation ? conversation.messages.map((m) => m.source) : [];
  return h(
    "div",
    { className: "chat-panel" },
    h(Transcript, { messages, origins }),
    h(MessageInput, { task, conversation }),
  );
}

export function TaskCanvasTabs(props) {
  useSubscription(tabsContent, () => tabsContent.fragments);
  const { task, origins } = props;
  const strings = Manager.getInstance().strings;
  const [chosen, setChosen] = React.useState({});
  const chat = TaskHelper.isChatBasedTask(task);
  const defaults = [
    chat
      ? { key: "chat", element: h(Tab, { key: "chat", uniqueName: "Chat", label: strings.DeskChatTab }, h(ChatPanel, { task, conversation: props.conversation, origins })), options: { sortOrder: 0 } }
      : { key: "details", element: h(Tab, { key: "details", uniqueName: "Details", label: strings.DeskDetailsTab }, h("p", { className: "muted empty" }, strings.DeskNoTranscript)), options: { sortOrder: 0 } },
  ];
  const tabs = tabsContent.resolve(props, defaults).map((item) => ({
    ...item,
    name: item.element.props.uniqueName ?? String(item.key),
    label: item.element.props.label ?? item.element.props.uniqueName ?? String(item.key),
  }));
  const wanted = chosen[task.taskSid];
  const selected = tabs.find((t) => t.name === wanted) ?? tabs[0];
  return h(
    "div",
    { className: "task-canvas-tabs" },
    h(
      "div",
      { className: "tab-bar", role: "tablist" },
      tabs.map((t) =>
        h(
          "button",
          {
            key: t.key,
            type: "button",
            role: "tab",
            "aria-selected": t === selected ? "true" : "false",
            "data-tab": t.name,
            onClick: () => setChosen({ ...chosen, [task.taskSid]: t.name }),
          },
          t.label,
        ),
      ),
    ),
    // Every tab stays mounted so a plugin's tab (a live video room) survives switching.
    tabs.map((t) => h("div", { key: t.key, className: "tab-content", hidden: t !== selected }, t.element)),
  );
}
TaskCanvasTabs.Content = tabsContent;

function attributeText(value) {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export function TaskInfo({ task }) {
  const entries = Object.entries(task.attributes);
  const rows = [
    ["Task", task.taskSid],
    ["Status", task.taskStatus],
    ["Channel", task.taskChannelUniqueName],
    ["Created", task.dateCreated ? task.dateCreated.toLocaleString() : ""],
  ];
  return h(
    "aside",
    { className: "task-info", "aria-label": "Task info" },
    h("h3", null, "Task info"),
    h("dl", null, rows.map(([k, v]) => [h("dt", { key: `${k}-k` }, k), h("dd", { key: `${k}-v` }, v)])),
    h("h4", null, "Attributes"),
    h(
      "dl",
      { className: "attributes" },
      entries.map(([k, v]) => [
        h("dt", { key: `${k}-k` }, k),
        h("dd", { key: `${k}-v`, "data-attribute": k }, attributeText(v)),
      ]),
    ),
  );
}

/** One task's canvas. The desk keeps every open task's canvas mounted and shows the selected one. */
export function TaskCanvas({ task, conversation, origins, hidden }) {
  return h(
    TaskContextProvider,
    { task, conversation },
    h(
      "section",
      { className: "task-canvas", "data-task-sid": task.taskSid, "aria-label": "Task canvas", hidden },
      h(TaskCanvasHeader, { task, conversation }),
      h(
        "div",
        { className: "task-canvas-body" },
        h(TaskCanvasTabs, { task, conversation, origins }),
        h(TaskInfo, { task }),
      ),
    ),
  );
}
