-- The newest runs first, without reading every stored proposal: created_at lies after the proposal
-- in the row, so without an index each "newest run" query followed every proposal's overflow
-- pages (a county proposal is over a megabyte), on every referral read.
CREATE INDEX allocations_newest ON allocations (created_at DESC, id DESC);
