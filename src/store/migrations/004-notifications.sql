-- Telling people: an outbox of events written in the same transaction as the change they report,
-- the webhooks that subscribe to them, one delivery row per (event, webhook) or (event, advisor
-- e-mail) that the worker claims, sends and retries; calendar feed tokens; interpreter-order marks.

-- Every booked, moved or cancelled session and every unassigned referral, once. `data` is the
-- payload as delivered (no names, no DUF numbers); `municipalities` says whose it is, so a
-- municipality's webhook is only ever fanned out events that concern it.
CREATE TABLE outbox_events (
  id TEXT PRIMARY KEY,                      -- the delivery's `id`, stable for deduplication
  type TEXT NOT NULL CHECK (type IN ('session.booked','session.cancelled','session.moved','referral.unassigned')),
  occurred_at TEXT NOT NULL,
  session_id TEXT,
  data TEXT NOT NULL,                       -- JSON
  municipalities TEXT NOT NULL              -- JSON array of municipality numbers
);
CREATE INDEX outbox_events_session ON outbox_events (session_id, occurred_at);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,                     -- JSON array of event types
  secret TEXT NOT NULL,                     -- the HMAC key; shown once, needed in clear to sign
  municipality TEXT,                        -- NULL: the whole centre (a coordinator's webhook)
  created_by TEXT NOT NULL,                 -- key id or account e-mail
  created_at TEXT NOT NULL,
  deleted_at TEXT
);

-- One row per thing to send. The worker claims a row by moving its lease forward in one UPDATE
-- ... RETURNING, so two server processes never send the same row in the same attempt.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL REFERENCES outbox_events(id),
  channel TEXT NOT NULL CHECK (channel IN ('webhook','mail')),
  webhook_id TEXT REFERENCES webhooks(id),
  referral_id TEXT REFERENCES referrals(id), -- mail: the referral whose advisor is told
  status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed','skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,            -- UTC ISO; due when <= now
  lease_until TEXT,                         -- UTC ISO; a claimed row is not claimed again before it
  last_attempt_at TEXT,
  last_status INTEGER,                      -- HTTP status of the last attempt (webhooks)
  last_error TEXT,
  delivered_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);

-- Calendar clients (Outlook) replace an event only when its SEQUENCE rises: bumped on every move
-- and cancellation, in the same transaction.
ALTER TABLE sessions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

-- One subscription token per counsellor (sha256 only); a new one replaces the old.
CREATE TABLE calendar_tokens (
  counsellor_id TEXT PRIMARY KEY REFERENCES counsellors(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

-- An interpreter ordered for a session, at the time and language it was ordered for: when the
-- session moves or is cancelled afterwards, the order is one to cancel.
CREATE TABLE interpreter_orders (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id),
  start TEXT NOT NULL,
  end TEXT NOT NULL,
  language TEXT,
  ordered_at TEXT NOT NULL,
  ordered_by TEXT NOT NULL,
  cancelled_at TEXT                         -- the order was cancelled with the service
);
