-- Every move of a booked session (a repair, or a plan run releasing a disrupted booking): where it
-- was and where it went, and what it cost the interpreter service. The session row itself holds
-- the new time; this keeps the history that calendars and interpreter orders are reconciled from.
CREATE TABLE session_moves (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  allocation_id TEXT REFERENCES allocations(id),
  moved_at TEXT NOT NULL,
  from_counsellor_id TEXT NOT NULL,
  from_start TEXT NOT NULL,
  to_counsellor_id TEXT NOT NULL,
  to_start TEXT NOT NULL,
  interpreter_reorder INTEGER NOT NULL,
  late_cancellation INTEGER NOT NULL
);
CREATE INDEX session_moves_session ON session_moves(session_id);
