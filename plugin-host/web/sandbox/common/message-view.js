// One transcript entry, the same on the desk and in the web chat: the author and time, then
// the body's parts (messages.js), the invite's link opening in a new tab. `create` builds the
// elements with React.createElement's signature: the desk passes React's, the web chat
// dom.js's `element`.
import { formatTime, messageParts } from "./messages.js";

export function messageView(message, origins, create) {
  const body = messageParts(message, origins).map((part) =>
    part.link
      ? create("a", { href: part.link, target: "_blank", rel: "noopener noreferrer", className: "video-link" }, part.text)
      : part.text,
  );
  return create(
    "li",
    {
      key: message.sid,
      className: `message from-${message.authorRole ?? "other"}`,
      "data-message-sid": message.sid,
      "data-has-video": message.attributes?.hasVideo === true ? "true" : undefined,
    },
    create(
      "div",
      { className: "message-meta" },
      create("span", { className: "message-author" }, message.author),
      " ",
      create("time", { dateTime: message.dateCreated }, formatTime(message.dateCreated)),
    ),
    create("p", { className: "message-body" }, ...body),
  );
}
