// The notification bar: every shown notification, newest last, as text, with a close button.
import { React, h, useSubscription } from "../../common/h.js";
import { Manager } from "../flex/manager.js";
import { resolveText } from "../flex/templates.js";

function strings() {
  try {
    return Manager.getInstance().strings;
  } catch {
    return {};
  }
}

function content(notification) {
  const c = notification.content;
  if (React.isValidElement(c)) {
    return React.cloneElement(c, { notificationContext: notification.context, notification });
  }
  return resolveText(strings(), c ?? notification.id, notification.context ?? {});
}

export function NotificationBar({ notifications }) {
  const active = useSubscription(notifications, () => notifications.active);
  return h(
    "section",
    { className: "notifications", "aria-label": "Notifications", "aria-live": "polite" },
    active.map((n) =>
      h(
        "div",
        {
          key: n.instanceId,
          className: `notification notification-${n.type}`,
          role: n.type === "error" ? "alert" : "status",
          "data-notification-id": n.id,
        },
        h("span", { className: "notification-text" }, content(n)),
        n.closeButton === false
          ? null
          : h(
              "button",
              {
                type: "button",
                className: "notification-close",
                "aria-label": "Dismiss",
                onClick: () => notifications.dismissNotification(n),
              },
              "×",
            ),
      ),
    ),
  );
}
