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
