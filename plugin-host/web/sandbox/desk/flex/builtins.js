// The built-in actions of the desk: SendMessage writes to the task's conversation as the
// agent; WrapupTask and CompleteTask move the task through the sandbox's TaskRouter
// stand-in; SelectTask changes the selected task. Task actions resolve `payload.task` from
// `sid`/`taskSid` before the listeners run, as Flex does.

export function registerBuiltins(actions, store) {
  const withTask = (payload = {}) => {
    if (payload.task) return payload;
    const sid = payload.taskSid ?? payload.sid;
    const task = sid === undefined ? undefined : findTask(store, sid);
    return task ? { ...payload, task } : payload;
  };

  actions.registerAction(
    "SelectTask",
    async (payload) => {
      const task = requireTask(payload);
      store.select(task.taskSid);
      return task;
    },
    withTask,
  );

  actions.registerAction(
    "WrapupTask",
    async (payload) => {
      const task = requireTask(payload);
      if (task.taskStatus !== "assigned") {
        throw new Error(`Task ${task.taskSid} is ${task.taskStatus}; only an assigned task can be wrapped up`);
      }
      return store.setTaskStatus(task.taskSid, "wrapping", payload.reason ?? "Wrapped up by agent");
    },
    withTask,
  );

  actions.registerAction(
    "CompleteTask",
    async (payload) => {
      const task = requireTask(payload);
      if (task.taskStatus !== "assigned" && task.taskStatus !== "wrapping") {
        throw new Error(`Task ${task.taskSid} is ${task.taskStatus}; it cannot be completed`);
      }
      return store.setTaskStatus(task.taskSid, "completed", payload.reason ?? "Completed by agent");
    },
    withTask,
  );

  actions.registerAction("SendMessage", async (payload) => {
    const sid = conversationSid(payload, store);
    if (!sid) throw new Error("SendMessage needs a conversation (conversationSid or conversation)");
    const body = payload.body;
    if (typeof body !== "string" || body.trim() === "") throw new Error("SendMessage needs a non-empty body");
    const attributes = payload.messageAttributes ?? {};
    if (typeof attributes !== "object" || Array.isArray(attributes)) {
      throw new Error("SendMessage: messageAttributes must be an object");
    }
    return store.sendMessage(sid, body, attributes);
  });
}

function findTask(store, sid) {
  return store.taskBySid(sid) ?? [...store.tasks.values()].find((t) => t.sid === sid);
}

function requireTask(payload) {
  if (!payload?.task) throw new Error("No such task for this agent");
  return payload.task;
}

function conversationSid(payload, store) {
  if (typeof payload?.conversationSid === "string") return payload.conversationSid;
  const c = payload?.conversation;
  if (c) return c.source?.sid ?? c.sid ?? c.conversationSid;
  if (payload?.channelSid) return payload.channelSid;
  const task = payload?.task ?? (payload?.taskSid ? store.taskBySid(payload.taskSid) : undefined);
  return task?.conversationSid;
}
