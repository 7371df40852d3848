-- TaskRouter reservations: which worker holds which task, and in what state. A task assigned to a
-- worker has an `accepted` reservation that follows the task to `wrapping` and `completed`.
-- Times are Unix milliseconds.

CREATE TABLE reservations (
    sid          TEXT PRIMARY KEY,
    task_sid     TEXT NOT NULL REFERENCES tasks (sid),
    worker_sid   TEXT NOT NULL REFERENCES workers (sid),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'timeout',
                                                 'canceled', 'rescinded', 'wrapping', 'completed')),
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
) STRICT;
CREATE INDEX reservations_task ON reservations (task_sid, worker_sid);

-- Tasks assigned before reservations existed get the reservation their status implies.
INSERT INTO reservations (sid, task_sid, worker_sid, status, date_created, date_updated)
SELECT 'WR' || lower(hex(randomblob(16))),
       sid,
       worker_sid,
       CASE assignment_status
           WHEN 'assigned' THEN 'accepted'
           ELSE assignment_status
       END,
       date_created,
       date_updated
FROM tasks
WHERE worker_sid IS NOT NULL
  AND assignment_status IN ('assigned', 'wrapping', 'completed');
