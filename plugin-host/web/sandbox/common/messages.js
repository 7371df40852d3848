// What a chat message shows, as pure data: the body as text, and for a video invite
// (`attributes.hasVideo`) its `videoUrl` as a link, but only an http(s) URL on an allowed
// origin. Bodies are never HTML; message-view.js renders these parts as text nodes.

/** The invite's URL if it may become a link, else null. */
export function safeVideoUrl(attributes, allowedOrigins) {
  if (!attributes || attributes.hasVideo !== true || typeof attributes.videoUrl !== "string") return null;
  let url;
  try {
    url = new URL(attributes.videoUrl);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username !== "" || url.password !== "") return null;
  if (!allowedOrigins.includes(url.origin)) return null;
  return url.href;
}

/**
 * The message as parts: `{text}` and at most one `{link, text}`. When the body contains the
 * invite URL verbatim, that occurrence becomes the link; otherwise the link follows the body.
 */
export function messageParts(message, allowedOrigins) {
  const body = typeof message.body === "string" ? message.body : "";
  const href = safeVideoUrl(message.attributes, allowedOrigins);
  if (href === null) return [{ text: body }];
  const raw = message.attributes.videoUrl;
  const at = body.indexOf(raw);
  if (at < 0) return [{ text: body }, { text: " " }, { link: href, text: raw }];
  return [
    { text: body.slice(0, at) },
    { link: href, text: raw },
    { text: body.slice(at + raw.length) },
  ].filter((p) => p.link || p.text !== "");
}

/** The origins a video link may point at: this page's and the configured public URL's. */
export function allowedOrigins(extra = []) {
  const out = new Set([location.origin]);
  for (const o of extra) {
    try {
      out.add(new URL(o).origin);
    } catch {
      // ignore what is not a URL
    }
  }
  return [...out];
}

export function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
