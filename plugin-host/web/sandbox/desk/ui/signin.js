// Sign-in: an agent identity, exchanged for a sandbox Flex token.
import { React, h } from "../../common/h.js";
import { api } from "../../common/api.js";

/** A client-side check before asking the server (which has the last word); null when acceptable. */
export function identityProblem(identity) {
  if (identity === "") return "Enter an agent identity.";
  return null;
}

export function SignIn({ onSignedIn, initialIdentity = "" }) {
  const [identity, setIdentity] = React.useState(initialIdentity);
  const [error, setError] = React.useState(null);
  const [busy, setBusy] = React.useState(false);

  async function submit(event) {
    event.preventDefault();
    const value = identity.trim();
    const problem = identityProblem(value);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api.signIn(value);
      if (!session || typeof session.token !== "string" || typeof session.identity !== "string") {
        throw new Error("The sandbox answered without a token.");
      }
      onSignedIn(session);
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  }

  return h(
    "main",
    { className: "signin" },
    h(
      "form",
      { className: "signin-card", onSubmit: submit, "aria-label": "Sign in" },
      h("h1", null, "Agent desktop"),
      h("p", { className: "muted" }, "Sandbox: sign in as any agent identity. No Twilio account needed."),
      h("label", { htmlFor: "identity" }, "Agent identity"),
      h("input", {
        id: "identity",
        name: "identity",
        autoComplete: "username",
        value: identity,
        disabled: busy,
        autoFocus: true,
        onChange: (e) => setIdentity(e.target.value),
      }),
      error ? h("p", { className: "form-error", role: "alert" }, error) : null,
      h("button", { type: "submit", className: "primary", disabled: busy }, busy ? "Signing in…" : "Sign in"),
    ),
  );
}
