// The `conversation` prop plugins get from withTaskContext: Flex's ConversationState shape
// (`source.sid`, `messages[].source`, `isLoadingMessages`) over the sandbox's messages.

/** The `conversation` prop (Flex's ConversationState) for a conversation's messages. */
export function toConversationState(sid, messages, { loading = false } = {}) {
  return Object.freeze({
    sid,
    source: Object.freeze({ sid }),
    messages: Object.freeze(
      messages.map((m) =>
        Object.freeze({
          source: m,
          isFromMe: m.authorRole === "agent",
          index: m.index,
        }),
      ),
    ),
    isLoadingMessages: loading,
  });
}
