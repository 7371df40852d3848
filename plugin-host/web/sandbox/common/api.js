// HTTP calls from the sandbox pages to plugin-host. Errors carry the server's message.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

async function request(method, path, { token, body } = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, `Cannot reach the sandbox (${err.message}).`);
  }
  const text = await response.text();
  let data = null;
  if (text !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message =
      (data && (data.message || data.error)) || text.trim() || `${method} ${path} failed with ${response.status}`;
    throw new ApiError(response.status, String(message));
  }
  return data;
}

export const api = {
  signIn: (identity) => request("POST", "/sandbox/agents", { body: { identity } }),
  messages: (conversationSid, token) =>
    request("GET", `/sandbox/conversations/${encodeURIComponent(conversationSid)}/messages`, { token }),
  sendMessage: (conversationSid, token, body, attributes) =>
    request("POST", `/sandbox/conversations/${encodeURIComponent(conversationSid)}/messages`, {
      token,
      body: { body, attributes: attributes ?? {} },
    }),
  setTaskStatus: (identity, taskSid, token, assignmentStatus, reason) =>
    request(
      "POST",
      `/sandbox/agents/${encodeURIComponent(identity)}/tasks/${encodeURIComponent(taskSid)}/status`,
      { token, body: { assignmentStatus, reason } },
    ),
  startChat: (name, agent) => request("POST", "/sandbox/webchat/sessions", { body: { name, agent } }),
  onlineAgents: () => request("GET", "/sandbox/webchat/agents"),
  flexUi: (token) => request("GET", "/sandbox/flex/ui", { token }),
};
