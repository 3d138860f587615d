import t from 'tap'
import { intakeReferrals } from '../../../src/services/referrals.ts'
import { openDatabase, type Db } from '../../../src/store/db.ts'
import { createReferralRepository } from '../../../src/store/referral-repository.ts'
import { crashAt } from './crash-hook.ts'
import { BATCH_SIZE, batch, toWrite } from './intake-batch.ts'

// All-or-nothing intake (issue 14, item 2): a batch stops at a chosen row by an error in this
// process (intake-kill.test.ts: by SIGKILL of a child), and the database holds the whole batch
// before it or none of it. The stopping points are fixed (first, second, middle, last row; the
// audit lines), not random moments, so a missing transaction fails every run.
const INSERT = 'INSERT INTO referrals'
const REPLACE = 'UPDATE referrals SET track'
const AUDIT = 'INSERT INTO audit_log'
const POINTS = [1, 2, 50, BATCH_SIZE]
const centre = { role: 'coordinator' as const, keyId: 'k-import' }

/** What the batch left: referrals by language, and audit lines. */
function stored(db: Db) {
  return {
    languages: db.prepare('SELECT language, count(*) AS n FROM referrals GROUP BY language ORDER BY language').all(),
    audit: db.prepare('SELECT count(*) FROM audit_log').pluck().get(),
  }
}
const STOPPED = { message: 'stopped at the chosen row' }
const stop = (): never => {
  throw new Error(STOPPED.message)
}

t.test('an error at a chosen row: the repository stores none of a new batch and keeps all of a replaced one', async (t) => {
  for (const n of POINTS) {
    const db = openDatabase(':memory:')
    crashAt(db, new RegExp(INSERT), n, stop)
    const repo = createReferralRepository(db, undefined)
    t.throws(() => repo.upsertBatch(batch('ar').map(toWrite)), STOPPED, `new batch, row ${n}: the error comes through`)
    t.same(stored(db), { languages: [], audit: 0 }, `new batch stopped at row ${n}: nothing stored`)
    db.close()
  }
  for (const n of POINTS) {
    const db = openDatabase(':memory:')
    crashAt(db, new RegExp(REPLACE), n, stop)
    const repo = createReferralRepository(db, undefined)
    repo.upsertBatch(batch('ar').map(toWrite))
    t.throws(() => repo.upsertBatch(batch('ti').map(toWrite)), STOPPED, `re-posted batch, row ${n}: the error comes through`)
    t.same(stored(db).languages, [{ language: 'ar', n: BATCH_SIZE }], `re-posted batch stopped at row ${n}: every referral keeps the first batch's values`)
    db.close()
  }
})

t.test('an error at a chosen row or audit line: intakeReferrals stores the batch and its audit lines together or not at all', async (t) => {
  for (const [sql, n] of [[INSERT, 1], [INSERT, BATCH_SIZE], [AUDIT, 1], [AUDIT, BATCH_SIZE]] as const) {
    const db = openDatabase(':memory:')
    crashAt(db, new RegExp(sql), n, stop)
    const referrals = createReferralRepository(db, undefined)
    t.throws(() => intakeReferrals(referrals, centre, batch('ar'), '2025-03-01'), STOPPED, `${sql} #${n}: the error comes through`)
    t.same(stored(db), { languages: [], audit: 0 }, `${sql} #${n}: no referral and no audit line`)
    db.close()
  }
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const result = intakeReferrals(createReferralRepository(db, undefined), centre, batch('ar'), '2025-03-01')
  t.equal(result.created, BATCH_SIZE, 'uninterrupted, the batch is stored')
  t.same(stored(db), { languages: [{ language: 'ar', n: BATCH_SIZE }], audit: BATCH_SIZE }, 'with one audit line per referral')
})

t.test('a batch naming a scheduled or withdrawn referral is refused whole; otherwise new and known referrals are counted apart', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const repo = createReferralRepository(db, undefined)
  const first = repo.upsertBatch(batch('ar').slice(0, 3).map(toWrite))
  if (!first.ok) throw new Error('seed')
  t.match(first, { created: 3, updated: 0 }, 'three new')
  const mixed = repo.upsertBatch([...batch('ti').slice(1, 3), ...batch('ti').slice(3, 5)].map(toWrite))
  t.match(mixed, { ok: true, created: 2, updated: 2 }, 'two known (B-1, B-2) replaced, two new')
  t.same(mixed.ok && mixed.ids.slice(0, 2), first.ids.slice(1, 3), 'a known referral keeps its id')
  const [b0, b1] = first.ids as [string, string]
  db.prepare(`INSERT INTO counsellors (id, name, municipalities, weekly, absences, updated_at) VALUES ('c', 'C', '[]', '[]', '[]', '2025-01-01T00:00:00Z')`).run()
  db.prepare(`INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
    VALUES ('s0', NULL, 'c', 'individual', 'ar', '2099-03-02T09:00:00+01:00', '2099-03-02T11:00:00+01:00', '2099-03-02T08:00:00.000Z', '2099-03-02T10:00:00.000Z', NULL, 'booked')`).run()
  db.prepare(`INSERT INTO session_referrals (session_id, referral_id) VALUES ('s0', ?)`).run(b0)
  db.prepare('UPDATE referrals SET withdrawn_at = ? WHERE id = ?').run('2025-03-01T00:00:00Z', b1)
  const before = stored(db)
  const refused = repo.upsertBatch([...batch('uk').slice(5, 6), ...batch('uk').slice(0, 2)].map(toWrite))
  t.same(refused, { ok: false, scheduled: [1], withdrawn: [2] }, 'B-0 (item 1) is scheduled, B-1 (item 2) withdrawn')
  t.same(stored(db), before, 'and nothing of the batch is stored, not even the new B-5')
  t.same(repo.upsertBatch(batch('uk').slice(0, 1).map(toWrite)), { ok: false, scheduled: [0], withdrawn: [] }, 'scheduled alone is refused')
  t.same(repo.upsertBatch(batch('uk').slice(1, 2).map(toWrite)), { ok: false, scheduled: [], withdrawn: [0] }, 'withdrawn alone is refused')
})
