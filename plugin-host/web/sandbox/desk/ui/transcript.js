// A conversation's transcript (text only; a video invite's URL becomes a link when it is
// safe) and the agent's message box, which sends through the SendMessage action.
import { React, h } from "../../common/h.js";
import { messageView } from "../../common/message-view.js";
import { Actions, Notifications } from "../flex/runtime.js";
import { Manager } from "../flex/manager.js";

export const BODY_MAX = 1600;

export function Transcript({ messages, origins, emptyText = "No messages yet." }) {
  const end = React.useRef(null);
  React.useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [messages.length]);
  return h(
    "ol",
    { className: "transcript", "aria-label": "Transcript", "aria-live": "polite" },
    messages.length === 0 ? h("li", { className: "muted empty" }, emptyText) : null,
    messages.map((m) => messageView(m, origins, h)),
    h("li", { ref: end, className: "transcript-end", "aria-hidden": "true" }),
  );
}

export function MessageInput({ task, conversation }) {
  const [text, setText] = React.useState("");
  const [busy, setBusy] = React.useState(false);
  const strings = Manager.getInstance().strings;
  const open = task.taskStatus === "assigned";

  async function send(event) {
    event.preventDefault();
    const body = text.trim();
    if (body === "" || busy) return;
    setBusy(true);
    try {
      await Actions.invokeAction("SendMessage", { body, conversation, conversationSid: task.conversationSid });
      setText("");
    } catch (err) {
      Notifications.showNotification("DeskActionFailed", { action: "SendMessage", message: err.message });
    } finally {
      setBusy(false);
    }
  }

  return h(
    "form",
    { className: "message-input", onSubmit: send },
    h("textarea", {
      "aria-label": "Message",
      placeholder: strings.DeskMessagePlaceholder,
      value: text,
      maxLength: BODY_MAX,
      disabled: !open,
      rows: 2,
      onChange: (e) => setText(e.target.value),
      onKeyDown: (e) => {
        if (e.key === "Enter" && !e.shiftKey) send(e);
      },
    }),
    h("button", { type: "submit", className: "primary", disabled: !open || busy || text.trim() === "" }, strings.DeskSend),
  );
}
