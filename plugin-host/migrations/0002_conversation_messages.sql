-- The sandbox's conversations: messages of each web chat, and the tokens its customers hold.
-- Times are Unix milliseconds.

CREATE TABLE messages (
    sid              TEXT PRIMARY KEY,
    conversation_sid TEXT NOT NULL REFERENCES conversations (sid),
    -- 0, 1, 2, ... within the conversation, in the order the sandbox accepted them.
    idx              INTEGER NOT NULL,
    author           TEXT NOT NULL,
    author_role      TEXT NOT NULL CHECK (author_role IN ('agent', 'customer')),
    body             TEXT NOT NULL,
    -- A JSON object, e.g. {"hasVideo": true, "videoUrl": "...", "uniqueCode": "..."}.
    attributes       TEXT NOT NULL,
    date_created     INTEGER NOT NULL,
    UNIQUE (conversation_sid, idx)
) STRICT;

-- A customer's bearer token for one conversation, stored as its SHA-256 (hex).
CREATE TABLE chat_tokens (
    token_hash       TEXT PRIMARY KEY,
    conversation_sid TEXT NOT NULL REFERENCES conversations (sid),
    identity         TEXT NOT NULL,
    date_created     INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_tokens_conversation ON chat_tokens (conversation_sid);
