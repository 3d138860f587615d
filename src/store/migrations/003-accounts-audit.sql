-- People in a browser: accounts, one-time sign-in links, browser sessions, and the audit trail
-- of personal data. Tokens are stored as sha256 hashes only, like API keys.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT,
  role TEXT NOT NULL CHECK (role IN ('coordinator','municipality','analyst')),
  municipality TEXT,
  password_hash TEXT,                      -- scrypt$N$r$p$salt$hash; null until the link is used
  created_at TEXT NOT NULL,
  disabled_at TEXT
);

CREATE TABLE login_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  expires_at TEXT NOT NULL,
  used_at TEXT
);

CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- Every read and change of a referral's personal data: when, who, role, what. Never the data.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,                     -- an account's e-mail or an API key's id
  role TEXT NOT NULL,
  action TEXT NOT NULL,                    -- read, write, update, withdraw
  referral_id TEXT NOT NULL
);
CREATE INDEX audit_log_referral ON audit_log (referral_id, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);
