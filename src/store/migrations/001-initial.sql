-- The initial schema, agreed between the service engineers. Columns are added only by a new
-- numbered migration (002-*.sql, ...), never by editing this file.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,            -- sha256 of the key; the key itself is never stored
  role TEXT NOT NULL CHECK (role IN ('coordinator','municipality','analyst')),
  municipality TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  municipality TEXT NOT NULL,
  external_ref TEXT NOT NULL,
  track TEXT NOT NULL,
  settled_on TEXT NOT NULL,
  referred_on TEXT NOT NULL,
  language TEXT NOT NULL,
  interpreter INTEGER NOT NULL,
  programme_ends_on TEXT,
  threatened_industry INTEGER NOT NULL,
  target_industry TEXT,
  competence_mapping_done INTEGER NOT NULL,
  advisor_consent INTEGER NOT NULL,
  group_meeting_done INTEGER NOT NULL,
  meetings INTEGER NOT NULL,
  deferred_until TEXT,
  deferral_reason TEXT,
  participant_name TEXT,
  duf_encrypted TEXT,                       -- AES-256-GCM, never plain
  advisor_name TEXT,
  advisor_email TEXT,
  withdrawn_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (municipality, external_ref)
);

CREATE TABLE counsellors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  municipalities TEXT NOT NULL,             -- JSON array
  weekly TEXT NOT NULL,                     -- JSON array
  absences TEXT NOT NULL,                   -- JSON array
  employed_from TEXT,
  employed_until TEXT,
  max_sessions_per_day INTEGER,
  updated_at TEXT NOT NULL
);

-- 'policy' (JSON PolicyInput), 'interpreterCapacity' (JSON)
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Bumped in the same transaction as every change to referrals, counsellors, sessions or settings;
-- an allocation remembers the version it was built on, and commit refuses (409) if it moved.
CREATE TABLE centre_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO centre_state VALUES (1, 0);

CREATE TABLE allocations (
  id TEXT PRIMARY KEY,
  run_date TEXT NOT NULL,
  horizon_weeks INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('proposed','committed','stale')),
  proposal TEXT NOT NULL,                   -- JSON
  state_version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  committed_at TEXT
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  allocation_id TEXT REFERENCES allocations(id),
  counsellor_id TEXT NOT NULL REFERENCES counsellors(id),
  kind TEXT NOT NULL CHECK (kind IN ('individual','followup','group')),
  language TEXT,
  start TEXT NOT NULL,                      -- ISO with Oslo offset, as in the proposal
  end TEXT NOT NULL,
  start_utc TEXT NOT NULL,                  -- for range queries and overlap checks
  end_utc TEXT NOT NULL,
  interpreter_order_by TEXT,
  status TEXT NOT NULL CHECK (status IN ('booked','cancelled')),
  cancelled_at TEXT,
  cancel_reason TEXT,
  late_cancellation INTEGER
);

CREATE TABLE session_referrals (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  referral_id TEXT NOT NULL REFERENCES referrals(id),
  PRIMARY KEY (session_id, referral_id)
);

CREATE INDEX sessions_counsellor_start ON sessions(counsellor_id, start_utc);
CREATE INDEX session_referrals_referral ON session_referrals(referral_id);
