-- What each waiting referral was last told (referral.unassigned): a committed run that leaves it
-- waiting for the same reason sends nothing new, so a webhook hears a change, not every week's run.
-- A booking clears the row, so a referral that waits again later is told again.
CREATE TABLE unassigned_notices (
  referral_id TEXT PRIMARY KEY REFERENCES referrals (id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  notified_at TEXT NOT NULL
);
