// The customer web chat: a name and an agent start a chat (a chat task assigned to that
// agent); the transcript is live; every message is rendered as text, and a video invite's
// URL becomes a link only when it points at this host or its configured public URL.
import { api } from "../common/api.js";
import { LiveSocket } from "../common/live.js";
import { element } from "../common/dom.js";
import { messageView } from "../common/message-view.js";
import { allowedOrigins } from "../common/messages.js";

const SESSION_KEY = "sandbox-webchat-session";
const $ = (id) => document.getElementById(id);

let socket = null;
let session = null;
let messages = [];

function show(el, text) {
  el.textContent = text;
  el.hidden = text === "";
}

function renderTranscript() {
  const origins = allowedOrigins(session?.linkOrigins ?? []);
  const list = $("transcript");
  list.replaceChildren(...messages.map((m) => messageView(m, origins, element)));
  list.lastElementChild?.scrollIntoView?.({ block: "end" });
}

function addMessage(m) {
  if (messages.some((x) => x.sid === m.sid)) return;
  messages = [...messages, m].sort((a, b) => a.index - b.index);
  renderTranscript();
}

const ENDED = new Set(["completed", "canceled"]);

/** Disables the message box once the chat task is over. */
function taskStatus(status) {
  const ended = ENDED.has(status);
  $("message").disabled = ended;
  $("send").querySelector("button").disabled = ended;
  $("chat").dataset.taskStatus = status ?? "";
  if (ended) $("chat-status").textContent = "The agent has ended this chat.";
}

const STATUS = {
  connecting: "Connecting…",
  live: "Connected",
  reconnecting: "Connection lost, reconnecting…",
};

function openChat(s) {
  session = s;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  $("start").hidden = true;
  $("chat").hidden = false;
  $("chat").dataset.taskStatus = "";
  $("chat-with").textContent = `${s.name}, you are chatting with ${s.agent}.`;
  messages = [];
  renderTranscript();
  socket?.close();
  socket = new LiveSocket(`/sandbox/conversations/${encodeURIComponent(s.conversationSid)}/live`, s.token, {
    onEvent: (event) => {
      if (event.type === "ready") {
        messages = [...(event.messages ?? [])];
        renderTranscript();
        taskStatus(event.taskStatus);
      } else if (event.type === "message" && event.message) {
        addMessage(event.message);
      } else if (event.type === "status") {
        taskStatus(event.taskStatus);
      }
    },
    onStatus: (status, reason) => {
      $("chat").dataset.connection = status;
      if (ENDED.has($("chat").dataset.taskStatus) && status === "live") return;
      $("chat-status").textContent = status === "refused" ? `This chat is no longer available: ${reason}` : STATUS[status] ?? status;
    },
  });
  socket.start();
  $("message").focus();
}

function closeChat() {
  socket?.close();
  socket = null;
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  $("chat").hidden = true;
  $("start").hidden = false;
  $("chat-with").textContent = "";
}

async function start(event) {
  event.preventDefault();
  const name = $("name").value.trim();
  const agent = $("agent").value.trim();
  const error = $("start-error");
  if (name === "") return show(error, "Please enter your name.");
  if (agent === "") return show(error, "Please enter the agent to chat with.");
  show(error, "");
  const button = $("start").querySelector("button");
  button.disabled = true;
  try {
    const r = await api.startChat(name, agent);
    openChat({
      name: r.name ?? name,
      agent: r.agent ?? agent,
      taskSid: r.taskSid,
      conversationSid: r.conversationSid,
      token: r.token,
      linkOrigins: r.linkOrigins ?? [],
    });
  } catch (err) {
    show(error, err.message);
  } finally {
    button.disabled = false;
  }
}

async function send(event) {
  event.preventDefault();
  const box = $("message");
  const body = box.value.trim();
  if (body === "" || !session) return;
  const error = $("send-error");
  try {
    const m = await api.sendMessage(session.conversationSid, session.token, body, {});
    box.value = "";
    show(error, "");
    addMessage(m);
  } catch (err) {
    show(error, err.message);
  }
}

async function suggestAgents() {
  const params = new URLSearchParams(location.search);
  const wanted = params.get("agent");
  if (wanted) $("agent").value = wanted;
  try {
    const { agents } = await api.onlineAgents();
    $("online-agents").replaceChildren(
      ...agents.map((a) => {
        const o = document.createElement("option");
        o.value = a;
        return o;
      }),
    );
    $("agents-hint").textContent =
      agents.length === 0 ? "No agent is signed in to the desk right now." : `Signed in now: ${agents.join(", ")}`;
    if (!$("agent").value && agents.length > 0) $("agent").value = agents[0];
  } catch {
    $("agents-hint").textContent = "";
  }
}

$("start").addEventListener("submit", start);
$("send").addEventListener("submit", send);
$("message").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) send(e);
});
$("new-chat").addEventListener("click", closeChat);

const saved = sessionStorage.getItem(SESSION_KEY);
if (saved) {
  try {
    openChat(JSON.parse(saved));
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
  }
}
suggestAgents();
