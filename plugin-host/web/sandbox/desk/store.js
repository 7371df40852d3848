// The desk's state: the signed-in agent, their tasks (ITask objects, replaced on every
// change), the selected task, each chat task's messages, and the live connections that
// feed them. Components subscribe and re-render on change.
import { LiveSocket } from "../common/live.js";
import { api } from "../common/api.js";
import { Observable } from "../common/observable.js";
import { toConversationState } from "./flex/conversation.js";
import { toITask } from "./flex/task.js";

export class DeskStore extends Observable {
  constructor() {
    super();
    this.session = null;
    this.tasks = new Map();
    this.selectedTaskSid = null;
    this.conversations = new Map();
    this.connection = "offline";
    this.connectionError = null;
    this.linkOrigins = [];
    this.plugins = [];
    this.agentSocket = null;
    this.conversationSockets = new Map();
  }

  // --- session -----------------------------------------------------------------------

  start(session) {
    this.session = Object.freeze({ ...session });
    this.agentSocket = new LiveSocket(
      `/sandbox/agents/${encodeURIComponent(session.identity)}/live`,
      session.token,
      {
        onEvent: (event) => this.onAgentEvent(event),
        onStatus: (status, reason) => {
          this.connection = status;
          this.connectionError = reason ?? null;
          this.changed();
        },
      },
    );
    this.agentSocket.start();
    this.changed();
  }

  onAgentEvent(event) {
    if (event.type === "ready") {
      if (Array.isArray(event.linkOrigins)) this.linkOrigins = event.linkOrigins;
      const fresh = new Map();
      for (const raw of event.tasks ?? []) {
        const task = toITask(raw);
        if (task.taskSid) fresh.set(task.taskSid, task);
      }
      this.tasks = fresh;
      for (const task of fresh.values()) this.watchConversation(task);
      if (this.selectedTaskSid === null || !fresh.has(this.selectedTaskSid)) {
        this.selectedTaskSid = this.sortedTasks()[0]?.taskSid ?? null;
      }
      this.changed();
    } else if (event.type === "task" && event.task) {
      const task = toITask(event.task);
      if (!task.taskSid) return;
      const tasks = new Map(this.tasks);
      tasks.set(task.taskSid, task);
      this.tasks = tasks;
      this.watchConversation(task);
      if (this.selectedTaskSid === null) this.selectedTaskSid = task.taskSid;
      this.changed();
    } else if (event.type === "error") {
      console.error("desk live:", event.message);
    }
  }

  // --- tasks -------------------------------------------------------------------------

  /** Open tasks first (newest first), then finished ones. */
  sortedTasks() {
    const done = (t) => t.taskStatus === "completed" || t.taskStatus === "canceled";
    const time = (t) => t.dateCreated?.getTime() ?? 0;
    return [...this.tasks.values()].sort((a, b) => done(a) - done(b) || time(b) - time(a));
  }

  taskBySid(taskSid) {
    return this.tasks.get(taskSid);
  }

  selectedTask() {
    return this.selectedTaskSid === null ? undefined : this.tasks.get(this.selectedTaskSid);
  }

  select(taskSid) {
    if (!this.tasks.has(taskSid)) throw new Error(`No task ${taskSid} for this agent`);
    this.selectedTaskSid = taskSid;
    this.changed();
  }

  /** Applies a task the server returned (e.g. after a status change) before the live event. */
  applyTask(raw) {
    if (!raw) return;
    this.onAgentEvent({ type: "task", task: raw });
  }

  // --- conversations -----------------------------------------------------------------

  conversationFor(task) {
    const sid = task?.conversationSid;
    return sid ? this.conversations.get(sid)?.state : undefined;
  }

  watchConversation(task) {
    const sid = task.conversationSid;
    if (!sid || this.conversationSockets.has(sid)) return;
    this.conversations.set(sid, { messages: [], state: toConversationState(sid, [], { loading: true }) });
    const socket = new LiveSocket(`/sandbox/conversations/${encodeURIComponent(sid)}/live`, this.session.token, {
      onEvent: (event) => this.onConversationEvent(sid, event),
    });
    this.conversationSockets.set(sid, socket);
    socket.start();
  }

  onConversationEvent(sid, event) {
    const current = this.conversations.get(sid) ?? { messages: [] };
    let messages = current.messages;
    if (event.type === "ready") messages = [...(event.messages ?? [])];
    else if (event.type === "message" && event.message) messages = mergeMessage(messages, event.message);
    else return;
    this.conversations.set(sid, { messages, state: toConversationState(sid, messages) });
    this.changed();
  }

  /** Adds a message the server accepted, without waiting for its live echo. */
  applyMessage(sid, message) {
    this.onConversationEvent(sid, { type: "message", message });
  }

  messages(sid) {
    return this.conversations.get(sid)?.messages ?? [];
  }

  // --- plugins -----------------------------------------------------------------------

  pluginStatus(name, status, detail) {
    const others = this.plugins.filter((p) => p.name !== name);
    this.plugins = [...others, { name, status, detail }];
    this.changed();
  }

  async sendMessage(conversationSid, body, attributes) {
    const message = await api.sendMessage(conversationSid, this.session.token, body, attributes);
    if (message) this.applyMessage(conversationSid, message);
    return message;
  }

  async setTaskStatus(taskSid, assignmentStatus, reason) {
    const raw = await api.setTaskStatus(this.session.identity, taskSid, this.session.token, assignmentStatus, reason);
    this.applyTask(raw);
    return raw;
  }

  stop() {
    this.agentSocket?.close();
    for (const s of this.conversationSockets.values()) s.close();
    this.conversationSockets.clear();
  }
}

function mergeMessage(messages, message) {
  if (messages.some((m) => m.sid === message.sid)) return messages;
  return [...messages, message].sort((a, b) => a.index - b.index);
}
