import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { Proposal, Session } from '../../../solver/types.ts'
import { openDatabase, type Db } from '../../../src/store/db.ts'
import { createAllocationRepository } from '../../../src/store/allocation-repository.ts'
import { createReferralRepository } from '../../../src/store/referral-repository.ts'
import { stateVersion } from '../../../src/store/state.ts'
import { batch, toWrite } from './intake-batch.ts'

// The commit's last guard against a double booking (issue 14, item 5): a session booked behind the
// state version's back (no bump, so the version check passes) still stops the commit, and the
// commit then leaves nothing of itself: no session, no outbox event, the run still proposed.
function setup(t: Test) {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const ids = createReferralRepository(db, undefined).upsertBatch(batch('ar').slice(0, 3).map(toWrite))
  if (!ids.ok) throw new Error('seed referrals')
  db.prepare(`INSERT INTO counsellors (id, name, municipalities, weekly, absences, updated_at) VALUES ('kari', 'Kari', '[]', '[]', '[]', '2025-01-01T00:00:00Z')`).run()
  const session = (referralId: string, day: string): Session => ({
    referralId, counsellorId: 'kari', kind: 'individual', start: `2099-03-${day}T09:00:00+01:00`, end: `2099-03-${day}T11:00:00+01:00`,
  })
  const proposal: Proposal = {
    runDate: '2099-02-23', status: 'proposed',
    sessions: [session(ids.ids[0]!, '02'), session(ids.ids[1]!, '03')],
    unassigned: [], deadlineBreaches: [],
    stats: { referrals: 2, scheduled: 2, withinDeadline: 2, solveMs: 0, method: 'flow', outcome: 'feasible', sessions: 2, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  }
  const repo = createAllocationRepository(db)
  const run = repo.create({ runDate: proposal.runDate, horizonWeeks: 4, proposal, stateVersion: stateVersion(db) })
  return { db, repo, run, other: ids.ids[2]! }
}

/** Book a session straight into the table without moving the state version, as a bug elsewhere might. */
function bookBehindTheBack(db: Db, referralId: string, start: string, end: string): void {
  const id = randomUUID()
  db.prepare(
    `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
     VALUES (?, NULL, 'kari', 'individual', 'ar', ?, ?, ?, ?, NULL, 'booked')`,
  ).run(id, start, end, new Date(start).toISOString(), new Date(end).toISOString())
  db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(id, referralId)
}

const everything = (db: Db) => ({
  sessions: db.prepare('SELECT start, status FROM sessions ORDER BY start_utc').all(),
  outbox: db.prepare('SELECT type FROM outbox_events').pluck().all(),
  runs: db.prepare('SELECT status FROM allocations').pluck().all(),
  version: stateVersion(db),
})

t.test("a booked session overlapping the proposal's second session stops the commit, which leaves nothing", async (t) => {
  const { db, repo, run, other } = setup(t)
  bookBehindTheBack(db, other, '2099-03-03T10:00:00+01:00', '2099-03-03T12:00:00+01:00')
  const before = everything(db)
  t.same(repo.commit(run.id), { ok: false, why: 'overlap', counsellorId: 'kari', start: '2099-03-03T09:00:00+01:00' }, 'refused, naming the counsellor and the session')
  t.same(everything(db), before, "the first session's insert is rolled back: only the blocker is booked, no event, the run still proposed, the version unmoved")
  t.same(before.sessions, [{ start: '2099-03-03T10:00:00+01:00', status: 'booked' }], 'the blocker alone')
})

t.test('a booked session ending as the proposed one starts does not overlap; the commit books both', async (t) => {
  const { db, repo, run, other } = setup(t)
  bookBehindTheBack(db, other, '2099-03-03T07:00:00+01:00', '2099-03-03T09:00:00+01:00')
  const version = stateVersion(db)
  t.same(repo.commit(run.id), { ok: true, booked: 2 }, 'committed')
  const after = everything(db)
  t.same(after.sessions.map((s) => (s as { start: string }).start), ['2099-03-02T09:00:00+01:00', '2099-03-03T07:00:00+01:00', '2099-03-03T09:00:00+01:00'], 'all three booked')
  t.same(after.outbox, ['session.booked', 'session.booked'], 'one event per new booking')
  t.same([after.runs, after.version], [['committed'], version + 1], 'the run is committed and the version moves')
})

t.test('a cancelled session overlapping the proposal does not stop the commit', async (t) => {
  const { db, repo, run, other } = setup(t)
  bookBehindTheBack(db, other, '2099-03-03T10:00:00+01:00', '2099-03-03T12:00:00+01:00')
  db.prepare(`UPDATE sessions SET status = 'cancelled'`).run()
  t.same(repo.commit(run.id), { ok: true, booked: 2 }, 'a cancelled session frees its time')
})

t.test('a run built on an older state is refused as stale and books nothing; a second commit of a committed run is refused', async (t) => {
  const { db, repo, run } = setup(t)
  db.prepare('UPDATE centre_state SET version = version + 1 WHERE id = 1').run()
  const version = stateVersion(db)
  t.same(repo.commit(run.id), { ok: false, why: 'state-moved', builtOn: version - 1, now: version }, 'the state moved since the run')
  t.same(everything(db), { sessions: [], outbox: [], runs: ['stale'], version }, 'nothing booked, the run marked stale, the version unmoved')
  t.same(repo.commit(run.id), { ok: false, why: 'not-proposed', status: 'stale' }, 'a stale run stays refused')
  t.same(repo.commit('no-such-run'), { ok: false, why: 'not-found' }, 'an unknown run is not found')
  const fresh = repo.create({ runDate: '2099-02-23', horizonWeeks: 4, proposal: JSON.parse(db.prepare('SELECT proposal FROM allocations WHERE id = ?').pluck().get(run.id) as string), stateVersion: version })
  t.same(repo.commit(fresh.id), { ok: true, booked: 2 }, 'the same proposal built on the current state commits')
  t.same(repo.commit(fresh.id), { ok: false, why: 'not-proposed', status: 'committed' }, 'and only once')
  t.equal(db.prepare(`SELECT count(*) FROM sessions WHERE status = 'booked'`).pluck().get(), 2, 'its two sessions booked once')
})

t.test('what a commit books: each session as proposed, group members, languages, interpreter orders; pinned ones left alone; unassigned told', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const repo = createReferralRepository(db, undefined)
  const uk = batch('uk').slice(0, 2).map((r, i) => toWrite({ ...r, externalRef: `U-${i}`, track: 'ukraine' }))
  const ar = batch('ar').slice(0, 3).map(toWrite)
  const ids = repo.upsertBatch([...ar, ...uk])
  if (!ids.ok) throw new Error('seed referrals')
  const [a0, a1, a2, u0, u1] = ids.ids as [string, string, string, string, string]
  db.prepare(`INSERT INTO counsellors (id, name, municipalities, weekly, absences, updated_at) VALUES ('kari', 'Kari', '[]', '[]', '[]', '2025-01-01T00:00:00Z')`).run()
  const proposal: Proposal = {
    runDate: '2099-02-23', status: 'proposed',
    sessions: [
      { referralId: a0, counsellorId: 'kari', kind: 'individual', start: '2099-03-02T09:00:00+01:00', end: '2099-03-02T11:00:00+01:00', interpreterOrderBy: '2099-02-26T09:00:00+01:00' },
      { referralIds: [u0, u1], counsellorId: 'kari', kind: 'group', language: 'uk', start: '2099-03-03T09:00:00+01:00', end: '2099-03-03T12:00:00+01:00', interpreterOrderBy: '2099-02-27T09:00:00+01:00' },
      { referralId: a1, counsellorId: 'kari', kind: 'individual', start: '2099-03-04T09:00:00+01:00', end: '2099-03-04T11:00:00+01:00', pinned: true },
    ],
    unassigned: [{ referralId: a2, reason: 'no-capacity-in-horizon', detail: 'no room' }],
    deadlineBreaches: [],
    stats: { referrals: 4, scheduled: 3, withinDeadline: 1, solveMs: 0, method: 'flow', outcome: 'feasible', sessions: 3, groupMeetings: 1, followups: 0, unassigned: 1, deadlineBreaches: 0, objective: [] },
  }
  const allocations = createAllocationRepository(db)
  const run = allocations.create({ runDate: proposal.runDate, horizonWeeks: 4, proposal, stateVersion: stateVersion(db) })
  t.same(allocations.commit(run.id), { ok: true, booked: 2 }, 'two new sessions; the pinned one is not booked again')
  const rows = db.prepare(
    `SELECT s.kind, s.language, s.start, s.interpreter_order_by AS orderBy, s.allocation_id AS allocation, json_group_array(m.referral_id) AS members
     FROM sessions s JOIN session_referrals m ON m.session_id = s.id GROUP BY s.id ORDER BY s.start_utc`,
  ).all() as { members: string }[]
  t.same(rows.map((r) => ({ ...r, members: (JSON.parse(r.members) as string[]).sort() })), [
    { kind: 'individual', language: 'ar', start: '2099-03-02T09:00:00+01:00', orderBy: '2099-02-26T09:00:00+01:00', allocation: run.id, members: [a0] },
    { kind: 'group', language: 'uk', start: '2099-03-03T09:00:00+01:00', orderBy: '2099-02-27T09:00:00+01:00', allocation: run.id, members: [u0, u1].sort() },
  ], "the individual session in its referral's language, the group meeting with both members in its own")
  const events = db.prepare('SELECT type, data FROM outbox_events ORDER BY type').all() as { type: string; data: string }[]
  t.same(events.map((e) => e.type), ['referral.unassigned', 'session.booked', 'session.booked'], 'one event per booking and one for the referral left waiting')
  t.match(JSON.parse(events[0]!.data), { referralId: a2, reason: 'no-capacity-in-horizon', allocationId: run.id, runDate: '2099-02-23' }, 'telling who waits, why, and from which run')
})

t.test("a repair's move rewrites the booking in place; a move from a time the booking no longer has is stale", async (t) => {
  const { db, other } = setup(t)
  const allocations = createAllocationRepository(db)
  bookBehindTheBack(db, other, '2099-03-05T09:00:00+01:00', '2099-03-05T11:00:00+01:00')
  const id = db.prepare('SELECT id FROM sessions').pluck().get() as string
  const moveTo = (fromStart: string): Proposal => ({
    runDate: '2099-02-23', status: 'proposed',
    sessions: [{ id, referralId: other, counsellorId: 'kari', kind: 'individual', start: '2099-03-06T09:00:00+01:00', end: '2099-03-06T11:00:00+01:00' } as Session],
    unassigned: [], deadlineBreaches: [],
    changes: [{ sessionId: id, from: { counsellorId: 'kari', start: fromStart }, to: { counsellorId: 'kari', start: '2099-03-06T09:00:00+01:00' }, interpreterReorder: false, lateCancellation: false }],
    stats: { referrals: 1, scheduled: 1, withinDeadline: 1, solveMs: 0, method: 'flow', outcome: 'feasible', sessions: 1, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  } as Proposal)
  const stale = allocations.create({ runDate: '2099-02-23', horizonWeeks: 4, proposal: moveTo('2099-03-05T10:00:00+01:00'), stateVersion: stateVersion(db) })
  t.same(allocations.commit(stale.id), { ok: false, why: 'state-moved', builtOn: -1, now: stateVersion(db) }, 'the booking is not where the change says it was')
  const good = allocations.create({ runDate: '2099-02-23', horizonWeeks: 4, proposal: moveTo('2099-03-05T09:00:00+01:00'), stateVersion: stateVersion(db) })
  t.same(allocations.commit(good.id), { ok: true, booked: 0 }, 'a move books nothing new')
  t.same(db.prepare('SELECT id, start, status FROM sessions').all(), [{ id, start: '2099-03-06T09:00:00+01:00', status: 'booked' }], 'the same booking, at its new time')
  t.same(db.prepare('SELECT type FROM outbox_events').pluck().all(), ['session.moved'], 'and the move is told')
})

t.test("a repair's cancellation takes the dependent follow-up with it, not late unless told; an unexpected error is not an outcome", async (t) => {
  const { db, other } = setup(t)
  const allocations = createAllocationRepository(db)
  bookBehindTheBack(db, other, '2099-03-05T09:00:00+01:00', '2099-03-05T11:00:00+01:00')
  bookBehindTheBack(db, other, '2099-04-09T09:00:00+02:00', '2099-04-09T11:00:00+02:00')
  db.prepare(`UPDATE sessions SET kind = 'followup' WHERE start = '2099-04-09T09:00:00+02:00'`).run()
  const first = db.prepare(`SELECT id FROM sessions WHERE kind = 'individual'`).pluck().get() as string
  const drop = {
    runDate: '2099-02-23', status: 'proposed', sessions: [], unassigned: [], deadlineBreaches: [],
    changes: [{ sessionId: first, from: { counsellorId: 'kari', start: '2099-03-05T09:00:00+01:00' }, to: null, interpreterReorder: false, lateCancellation: false }],
    stats: { referrals: 1, scheduled: 0, withinDeadline: 0, solveMs: 0, method: 'flow', outcome: 'feasible', sessions: 0, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  } as unknown as Proposal
  const run = allocations.create({ runDate: '2099-02-23', horizonWeeks: 4, proposal: drop, stateVersion: stateVersion(db) })
  t.same(allocations.commit(run.id), { ok: true, booked: 0 }, 'committed')
  t.same(db.prepare('SELECT kind, status, late_cancellation AS late FROM sessions ORDER BY start_utc').all(), [
    { kind: 'individual', status: 'cancelled', late: 0 },
    { kind: 'followup', status: 'cancelled', late: 0 },
  ], 'the first session and its follow-up are cancelled, neither billed as late')

  const ghost = {
    ...drop, changes: [],
    sessions: [{ referralId: 'no-such-referral', counsellorId: 'kari', kind: 'individual', start: '2099-03-10T09:00:00+01:00', end: '2099-03-10T11:00:00+01:00' }],
  } as unknown as Proposal
  const broken = allocations.create({ runDate: '2099-02-23', horizonWeeks: 4, proposal: ghost, stateVersion: stateVersion(db) })
  t.throws(() => allocations.commit(broken.id), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }, 'a session of a referral the store does not have is an error, not a refusal')
  t.same(db.prepare('SELECT status FROM allocations WHERE id = ?').pluck().get(broken.id), 'proposed', 'and the run is left as it was')
})
