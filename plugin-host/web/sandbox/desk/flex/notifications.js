// Notifications as Flex's NotificationManager offers them to plugins: register by id,
// show (optionally with a context for the template), dismiss. Content is a string-template
// key of `manager.strings` (or literal text) or a React element.
import { Observable } from "../../common/observable.js";

export const NotificationType = Object.freeze({
  information: "information",
  success: "success",
  warning: "warning",
  error: "error",
});

const TYPES = new Set(Object.values(NotificationType));

export class NotificationsManager extends Observable {
  constructor() {
    super();
    this.registeredNotifications = new Map();
    this.active = [];
    this.seq = 0;
    this.timers = new Map();
  }

  registerNotification(notification) {
    if (!notification || typeof notification.id !== "string" || notification.id === "") {
      throw new TypeError("registerNotification needs an object with a string id");
    }
    const type = notification.type ?? NotificationType.information;
    if (!TYPES.has(type)) throw new TypeError(`Unknown notification type "${type}" for ${notification.id}`);
    this.registeredNotifications.set(notification.id, { closeButton: true, ...notification, type });
  }

  /** Shows a registered notification; returns the shown instance, or null if the id is unknown. */
  showNotification(id, context) {
    const registered = this.registeredNotifications.get(id);
    if (!registered) {
      console.error(`Notification ${id} is not registered`);
      return null;
    }
    if (typeof registered.isApplicable === "function" && !registered.isApplicable(context)) return null;
    const instance = {
      ...registered,
      instanceId: `notification-${++this.seq}`,
      context: context ?? registered.context,
      shownAt: Date.now(),
    };
    this.active = [...this.active, instance];
    if (typeof instance.timeout === "number" && instance.timeout > 0) {
      this.timers.set(
        instance.instanceId,
        setTimeout(() => this.dismissNotification(instance), instance.timeout),
      );
    }
    this.changed();
    return instance;
  }

  showNotificationSingle(id, context) {
    if (this.isNotificationActive(id)) return null;
    return this.showNotification(id, context);
  }

  dismissNotification(notification) {
    this.remove((n) => n.instanceId === notification?.instanceId);
  }

  dismissNotificationById(id) {
    this.remove((n) => n.id === id);
  }

  dismissAll() {
    this.remove(() => true);
  }

  isNotificationActive(id) {
    return this.active.some((n) => n.id === id);
  }

  remove(predicate) {
    const gone = this.active.filter(predicate);
    if (gone.length === 0) return;
    for (const n of gone) {
      clearTimeout(this.timers.get(n.instanceId));
      this.timers.delete(n.instanceId);
    }
    this.active = this.active.filter((n) => !predicate(n));
    this.changed();
  }
}
