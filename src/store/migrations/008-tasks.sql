-- Tasks (issue 9): the counsellor's note after an ordinary session, the participant's overview
-- before a ukraine session. A task is derived from its booked session when it is read, so a moved
-- session moves its due date and a cancelled one takes its task with it; only the completion is
-- kept, under the task's stable id (session id and kind).
CREATE TABLE task_completions (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  kind TEXT NOT NULL CHECK (kind IN ('note','participant-overview')),
  done_at TEXT NOT NULL,
  done_by TEXT NOT NULL,                    -- the account's e-mail or the key id, as the audit trail records callers
  PRIMARY KEY (session_id, kind)
);
