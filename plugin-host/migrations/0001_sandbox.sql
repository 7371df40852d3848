-- The sandbox's stand-in for the Twilio REST subset. Times are Unix milliseconds.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE rooms (
    sid                TEXT PRIMARY KEY,
    unique_name        TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('in-progress', 'completed', 'failed')),
    type               TEXT NOT NULL,
    max_participants   INTEGER NOT NULL,
    record_on_connect  INTEGER NOT NULL,
    empty_room_timeout INTEGER NOT NULL,
    unused_room_timeout INTEGER NOT NULL,
    ever_joined        INTEGER NOT NULL DEFAULT 0,
    -- When the room completes by itself if nobody is in it (NULL while someone is).
    deadline           INTEGER,
    date_created       INTEGER NOT NULL,
    date_updated       INTEGER NOT NULL,
    end_time           INTEGER
) STRICT;
-- A unique name is unique among in-progress rooms only.
CREATE UNIQUE INDEX rooms_live_name ON rooms (unique_name) WHERE status = 'in-progress';
CREATE INDEX rooms_deadline ON rooms (deadline) WHERE deadline IS NOT NULL;

CREATE TABLE documents (
    sid          TEXT PRIMARY KEY,
    service_sid  TEXT NOT NULL,
    unique_name  TEXT NOT NULL,
    data         TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    date_expires INTEGER,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    created_by   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX documents_name ON documents (service_sid, unique_name);
CREATE INDEX documents_expiry ON documents (date_expires) WHERE date_expires IS NOT NULL;

CREATE TABLE document_permissions (
    document_sid TEXT NOT NULL REFERENCES documents (sid) ON DELETE CASCADE,
    identity     TEXT NOT NULL,
    read         INTEGER NOT NULL,
    write        INTEGER NOT NULL,
    manage       INTEGER NOT NULL,
    PRIMARY KEY (document_sid, identity)
) STRICT;

CREATE TABLE workers (
    sid          TEXT PRIMARY KEY,
    identity     TEXT NOT NULL UNIQUE,
    date_created INTEGER NOT NULL
) STRICT;

CREATE TABLE task_channels (
    unique_name TEXT PRIMARY KEY,
    sid         TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE tasks (
    sid               TEXT PRIMARY KEY,
    worker_sid        TEXT REFERENCES workers (sid),
    channel           TEXT NOT NULL REFERENCES task_channels (unique_name),
    assignment_status TEXT NOT NULL,
    attributes        TEXT NOT NULL,
    priority          INTEGER NOT NULL DEFAULT 0,
    reason            TEXT,
    revision          INTEGER NOT NULL,
    date_created      INTEGER NOT NULL,
    date_updated      INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_worker ON tasks (worker_sid);

CREATE TABLE conversations (
    sid          TEXT PRIMARY KEY,
    task_sid     TEXT NOT NULL REFERENCES tasks (sid),
    agent        TEXT NOT NULL,
    customer     TEXT NOT NULL,
    date_created INTEGER NOT NULL
) STRICT;
