-- A municipality's referrals in id order, the way GET /v1/referrals pages them: without it each
-- page scanned every referral of the centre and sorted the municipality's.
CREATE INDEX referrals_municipality ON referrals (municipality, id);
