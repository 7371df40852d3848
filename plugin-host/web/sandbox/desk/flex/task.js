// ITask objects as Flex hands them to plugins, built from the sandbox's task JSON, and
// the TaskHelper predicates plugins call. A task object is immutable: every change makes
// a new one, so React sees the update.

// TaskRouter assignment status → the agent's reservation status (Flex's `task.status`).
const RESERVATION_STATUS = {
  pending: "pending",
  reserved: "pending",
  assigned: "accepted",
  wrapping: "wrapping",
  completed: "completed",
  canceled: "canceled",
};

function parseAttributes(value) {
  if (value && typeof value === "object" && !Array.isArray(value)) return value;
  if (typeof value === "string" && value !== "") {
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
    } catch {
      // Attributes that are not a JSON object read as empty, as in Flex.
    }
  }
  return {};
}

function pick(raw, ...names) {
  for (const n of names) if (raw[n] !== undefined && raw[n] !== null) return raw[n];
  return undefined;
}

function date(value) {
  if (value === undefined) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Builds an ITask from the sandbox's task JSON (camelCase or TaskRouter's snake_case). */
export function toITask(raw) {
  const attributes = Object.freeze({ ...parseAttributes(raw.attributes) });
  const taskSid = pick(raw, "taskSid", "sid");
  const taskStatus = pick(raw, "assignmentStatus", "assignment_status", "taskStatus") ?? "pending";
  const channel = pick(raw, "taskChannelUniqueName", "task_channel_unique_name") ?? "default";
  const conversationSid = attributes.conversationSid ?? pick(raw, "conversationSid");
  const dateCreated = date(pick(raw, "dateCreated", "date_created"));
  return Object.freeze({
    taskSid,
    sid: pick(raw, "reservationSid") ?? taskSid,
    taskStatus,
    status: RESERVATION_STATUS[taskStatus] ?? taskStatus,
    taskChannelUniqueName: channel,
    taskChannelSid: pick(raw, "taskChannelSid", "task_channel_sid"),
    channelType: attributes.channelType ?? (conversationSid ? "web" : channel),
    attributes,
    conversationSid,
    queueName: pick(raw, "taskQueueFriendlyName", "task_queue_friendly_name"),
    queueSid: pick(raw, "taskQueueSid", "task_queue_sid"),
    workflowSid: pick(raw, "workflowSid", "workflow_sid"),
    workerSid: pick(raw, "workerSid", "worker_sid"),
    priority: pick(raw, "priority"),
    reason: pick(raw, "reason"),
    age: pick(raw, "age"),
    dateCreated,
    dateUpdated: date(pick(raw, "dateUpdated", "date_updated")),
    defaultFrom: attributes.name ?? attributes.from ?? attributes.customerName,
    source: raw,
  });
}

export const TaskHelper = Object.freeze({
  isChatBasedTask: (task) => Boolean(task?.attributes?.channelSid || task?.attributes?.conversationSid),
  isCBMTask: (task) => Boolean(task?.attributes?.flexInteractionChannelSid),
  isVoiceTask: (task) => task?.taskChannelUniqueName === "voice",
  isInWrapupMode: (task) => task?.status === "wrapping",
  isCompleted: (task) => task?.status === "completed",
  isTaskAccepted: (task) => task?.status === "accepted",
  isLiveChat: (task) => TaskHelper.isChatBasedTask(task) && task?.status === "accepted",
  canComplete: (task) => task?.status === "accepted" || task?.status === "wrapping",
  getTaskConversationSid: (task) =>
    (typeof task?.attributes?.conversationSid === "string" && task.attributes.conversationSid) ||
    (typeof task?.attributes?.channelSid === "string" && task.attributes.channelSid) ||
    undefined,
});
