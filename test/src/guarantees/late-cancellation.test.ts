import { randomUUID } from 'node:crypto'
import t from 'tap'
import { isLateCancellation } from '../../../solver/rules/late-cancellation.ts'
import { BUILT_IN_POLICIES } from '../../../src/replay/policies.ts'
import { simulate } from '../../../src/replay/simulate.ts'
import { parseScenario } from '../../../src/services/scenario.ts'
import { cancelSession } from '../../../src/services/sessions.ts'
import type { Db } from '../../../src/store/db.ts'
import { createSessionRepository } from '../../../src/store/session-repository.ts'
import { createSettingsRepository } from '../../../src/store/settings-repository.ts'
import { build, referral } from '../../helpers/build.ts'

// The 36-hour late-cancellation boundary (issue 14, item 3), exactly and one minute either side,
// on sessions just after the two DST changes of 2025, where 36 clock hours are not a day and a
// half of wall time. Cancelling exactly 36 hours ahead is in time; a minute later is late.
const MINUTE = 60_000
const HOURS_36 = 36 * 3_600_000
// Monday 31 March 2025 09:00 summer time (07:00Z); 36 h earlier is Saturday 29 March 20:00 winter time.
const SPRING = '2025-03-31T09:00:00+02:00'
// Monday 27 October 2025 09:00 winter time (08:00Z); 36 h earlier is Saturday 25 October 22:00 summer time.
const AUTUMN = '2025-10-27T09:00:00+01:00'
const before = (start: string, ms: number) => new Date(Date.parse(start) - ms)

t.test('the rule: exactly 36 h ahead is in time, a minute less is late, on both DST weekends', async (t) => {
  t.equal(before(SPRING, HOURS_36).toISOString(), '2025-03-29T19:00:00.000Z', 'spring: 36 h before is Saturday 20:00 in Oslo (wall time would say 21:00)')
  t.equal(before(AUTUMN, HOURS_36).toISOString(), '2025-10-25T20:00:00.000Z', 'autumn: 36 h before is Saturday 22:00 in Oslo (wall time would say 21:00)')
  const policyOnly = { lateCancellationHours: 36 }
  const services = { interpreterServices: [{ name: 'Tolketjenesten', cancellationHours: 36 }], lateCancellationHours: 36 }
  for (const [name, start] of [['spring', SPRING], ['autumn', AUTUMN]] as const) {
    const s = { start, interpreted: true, language: 'ar' }
    for (const [terms, how] of [[policyOnly, "the policy's lateCancellationHours"], [services, "the service's cancellationHours"]] as const) {
      t.equal(isLateCancellation(s, before(start, HOURS_36 + MINUTE).toISOString(), terms), false, `${name}, ${how}: 36 h 1 min ahead is in time`)
      t.equal(isLateCancellation(s, before(start, HOURS_36).toISOString(), terms), false, `${name}, ${how}: exactly 36 h ahead is in time`)
      t.equal(isLateCancellation(s, before(start, HOURS_36 - MINUTE).toISOString(), terms), true, `${name}, ${how}: 35 h 59 min ahead is late`)
    }
    const plain = { start, interpreted: false, language: null }
    t.equal(isLateCancellation(plain, before(start, HOURS_36 - MINUTE).toISOString(), policyOnly), false, `${name}: without interpreter, 35 h 59 min ahead is not late`)
    t.equal(isLateCancellation(plain, before(start, MINUTE).toISOString(), services), false, `${name}: without interpreter, a minute ahead is not late`)
  }
})

t.test("the rule: a service's own hours, and working hours at their boundary", async (t) => {
  const s = { start: SPRING, interpreted: true, language: 'ar' }
  const terms = { interpreterServices: [{ name: 'Kort varsel', cancellationHours: 24 }], lateCancellationHours: 36 }
  t.equal(isLateCancellation(s, before(SPRING, 24 * 3_600_000).toISOString(), terms), false, '24 h service: exactly 24 h ahead is in time')
  t.equal(isLateCancellation(s, before(SPRING, 24 * 3_600_000 - MINUTE).toISOString(), terms), true, '24 h service: 23 h 59 min ahead is late')
  t.equal(isLateCancellation(s, before(SPRING, 30 * 3_600_000).toISOString(), terms), false, "24 h service: 30 h ahead is in time, though under the policy's 36")
  // 48 working hours before Monday 31 March 09:00: Monday's 9 h, Friday's 24 h and 15 h of Thursday, so Thursday 27 March 09:00.
  const working = { interpreterServices: [{ name: 'Kommunal', cancellationWorkingHours: 48 }], lateCancellationHours: 36 }
  t.equal(isLateCancellation(s, '2025-03-27T09:00:00+01:00', working), false, '48 working hours: exactly Thursday 09:00 is in time')
  t.equal(isLateCancellation(s, '2025-03-27T09:01:00+01:00', working), true, 'a minute later is late')
  t.equal(isLateCancellation(s, '2025-03-27T08:59:00+01:00', working), false, 'a minute earlier is in time')
})

/** A booked session of `referralId` starting at `start` (two hours), with an interpreter ordered or not. */
function bookAt(db: Db, referralId: string, start: string, interpreted: boolean): string {
  db.prepare(
    `INSERT OR IGNORE INTO counsellors (id, name, municipalities, weekly, absences, updated_at)
     VALUES ('c', 'Counsellor', '[]', '[]', '[]', '2025-01-01T00:00:00Z')`,
  ).run()
  const id = randomUUID()
  const end = new Date(Date.parse(start) + 2 * 3_600_000).toISOString()
  db.prepare(
    `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
     VALUES (?, NULL, 'c', 'individual', 'ar', ?, ?, ?, ?, ?, 'booked')`,
  ).run(id, start, end, new Date(start).toISOString(), end, interpreted ? '2025-03-27T09:00:00+01:00' : null)
  db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(id, referralId)
  return id
}

t.test('cancelSession: the stored late flag at exactly 36 h and a minute either side, across the spring change', async (t) => {
  const { app, auth, db } = await build(t)
  const posted = await app.inject({
    method: 'POST', url: '/v1/referrals', headers: auth.municipality,
    payload: { referrals: ['A', 'B', 'C', 'D'].map((externalRef) => referral({ externalRef })) },
  })
  const ids = (posted.json() as { ids: string[] }).ids
  const deps = { sessions: createSessionRepository(db), settings: createSettingsRepository(db) }
  const late = (id: string) => db.prepare('SELECT status, late_cancellation AS late FROM sessions WHERE id = ?').get(id)
  const cases = [
    { referralId: ids[0]!, ahead: HOURS_36 + MINUTE, interpreted: true, expect: false, what: '36 h 1 min ahead: in time' },
    { referralId: ids[1]!, ahead: HOURS_36, interpreted: true, expect: false, what: 'exactly 36 h ahead: in time' },
    { referralId: ids[2]!, ahead: HOURS_36 - MINUTE, interpreted: true, expect: true, what: '35 h 59 min ahead: late' },
    { referralId: ids[3]!, ahead: HOURS_36 - MINUTE, interpreted: false, expect: false, what: 'without interpreter, 35 h 59 min ahead: not late' },
  ]
  for (const c of cases) {
    const id = bookAt(db, c.referralId, SPRING, c.interpreted)
    t.same(cancelSession(deps, id, 'ill', before(SPRING, c.ahead)), { lateCancellation: c.expect, alsoCancelled: [] }, c.what)
    t.same(late(id), { status: 'cancelled', late: c.expect ? 1 : 0 }, `${c.what}, as stored`)
  }
})

t.test('the replay counts late cancellations at the same boundary, across the spring change', async (t) => {
  // Withdrawals are known at 08:00 on the day: Saturday 29 March 08:00+01:00 (07:00Z). Each
  // referral's booking is on Sunday 30 March, after the change, at 36 h from that morning (19:00Z,
  // 21:00 summer time) or a minute either side; one more a minute inside without interpreter.
  const sessionAt = (utcMinute: string, id: string, interpreted: boolean) => ({
    referralId: id, counsellorId: id, kind: 'individual', start: `2025-03-30T${utcMinute}:00Z`, end: `2025-03-30T23:00:00Z`,
    ...(interpreted && { interpreterOrderBy: '2025-03-27T09:00:00+01:00' }),
  })
  const ref = (id: string, interpreter: boolean) => ({
    externalRef: id, municipality: '5001', track: 'ordinary', settledOn: '2025-02-01', referredOn: '2025-03-01',
    language: 'ar', interpreter, competenceMappingDone: true, withdrawnOn: '2025-03-29',
  })
  const people = [
    { id: 'early', utc: '19:01', interpreted: true },
    { id: 'exact', utc: '19:00', interpreted: true },
    { id: 'inside', utc: '18:59', interpreted: true },
    { id: 'plain', utc: '18:59', interpreted: false },
  ]
  const s = parseScenario({
    name: 'late cancellations at the boundary',
    from: '2025-03-24',
    to: '2025-04-04',
    counsellors: people.map((p) => ({ id: p.id, name: p.id, municipalities: [], weekly: [], absences: [] })),
    referrals: people.map((p) => ref(p.id, p.interpreted)),
    bookings: people.map((p) => sessionAt(p.utc, p.id, p.interpreted)),
  })
  const week = simulate(s, BUILT_IN_POLICIES.optimised!).metrics.weeks.find((w) => w.week === '2025-03-24')!
  t.equal(week.cancellations, 4, 'the four bookings are cancelled on Saturday morning')
  t.equal(week.lateCancellations, 1, 'only the interpreted one 35 h 59 min ahead is late; exactly 36 h is in time')
})
