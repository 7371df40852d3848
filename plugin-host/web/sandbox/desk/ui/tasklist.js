// The agent's tasks, open ones first; clicking one invokes SelectTask.
import { h } from "../../common/h.js";
import { Actions, Notifications } from "../flex/runtime.js";
import { TaskHelper } from "../flex/task.js";

export function taskTitle(task) {
  const a = task.attributes;
  if (typeof a.name === "string" && a.name !== "") return a.name;
  if (typeof a.customerName === "string" && a.customerName !== "") return a.customerName;
  if (typeof a.title === "string" && a.title !== "") return a.title;
  return task.taskSid;
}

export function TaskList({ tasks, selectedTaskSid }) {
  const select = (task) =>
    Actions.invokeAction("SelectTask", { task }).catch((err) =>
      Notifications.showNotification("DeskActionFailed", { action: "SelectTask", message: err.message }),
    );
  return h(
    "nav",
    { className: "task-list", "aria-label": "Tasks" },
    h("h2", null, "Tasks"),
    tasks.length === 0 ? h("p", { className: "muted empty" }, "No tasks yet. Start a chat from the web chat page.") : null,
    h(
      "ul",
      null,
      tasks.map((task) =>
        h(
          "li",
          { key: task.taskSid },
          h(
            "button",
            {
              type: "button",
              className: `task-item status-${task.taskStatus}${task.taskSid === selectedTaskSid ? " selected" : ""}`,
              "aria-current": task.taskSid === selectedTaskSid ? "true" : undefined,
              "data-task-sid": task.taskSid,
              "data-task-status": task.taskStatus,
              onClick: () => select(task),
            },
            h("span", { className: "task-item-title" }, taskTitle(task)),
            h(
              "span",
              { className: "task-item-meta" },
              TaskHelper.isChatBasedTask(task) ? "Chat" : task.taskChannelUniqueName,
              " · ",
              h("span", { className: "task-status" }, task.taskStatus),
            ),
          ),
        ),
      ),
    ),
  );
}
