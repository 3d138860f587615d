-- The centre's policy in dated versions (issue 9): each PUT /v1/policy keeps its version, keyed by
-- the day it takes effect; a run uses the version in force on its run date. The settings row
-- 'policy' stays as the version from before versions existed (in force from the beginning).
CREATE TABLE policy_versions (
  valid_from TEXT PRIMARY KEY,
  policy TEXT NOT NULL,
  created_at TEXT NOT NULL
);
