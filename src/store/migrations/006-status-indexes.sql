-- Issue 13: GET /v1/referrals?status= filters in SQL. The booked sessions (for completed and
-- scheduled) are found by status without scanning every session ever cancelled, and withdrawn or
-- deferred referrals by their column.
CREATE INDEX sessions_status_kind_end ON sessions(status, kind, end_utc);
CREATE INDEX referrals_withdrawn ON referrals(withdrawn_at) WHERE withdrawn_at IS NOT NULL;
CREATE INDEX referrals_deferred ON referrals(deferred_until) WHERE deferred_until IS NOT NULL;
