// `Manager.getInstance()`: the signed-in agent (`user.identity`, `user.token`), the string
// table plugins extend, and the service configuration: the account's Flex Configuration
// `ui_attributes` (from the sandbox), or, when the desk could not read them, attributes pointing
// the plugin's serverless calls at this host.

export const DEFAULT_STRINGS = Object.freeze({
  DeskWrapUp: "Wrap up",
  DeskComplete: "Complete",
  DeskChatTab: "Chat",
  DeskDetailsTab: "Details",
  DeskNoTranscript: "This task has no conversation.",
  DeskSend: "Send",
  DeskMessagePlaceholder: "Type a message",
  DeskActionFailed: "{{action}} failed: {{message}}",
  DeskPluginFailed: "Plugin {{name}} failed to load: {{message}}",
});

let instance = null;

export class Manager {
  constructor({ identity, token, location: where = window.location, config = {}, uiAttributes }) {
    this.user = Object.freeze({ identity, token, isSandbox: true });
    this.strings = { ...DEFAULT_STRINGS };
    const port = where.port || (where.protocol === "https:" ? "443" : "80");
    this.serviceConfiguration = {
      account_sid: config.accountSid,
      ui_attributes: uiAttributes ?? {
        custom_data: {
          serverless_functions_domain: where.hostname,
          serverless_functions_protocol: where.protocol.replace(/:$/, ""),
          serverless_functions_port: port,
          features: {
            chat_to_video_escalation: { enabled: true },
          },
        },
      },
    };
    this.workerClient = Object.freeze({ name: identity, attributes: Object.freeze({ contact_uri: `client:${identity}` }) });
  }

  static create(options) {
    instance = new Manager(options);
    return instance;
  }

  static getInstance() {
    if (instance === null) throw new Error("The Flex Manager does not exist yet: sign in first");
    return instance;
  }

  static reset() {
    instance = null;
  }
}
