import t from 'tap'
import { findDisruptions, type BookedSession } from '../../solver/disruptions.ts'
import { optionsFor, bookingSession, checkBooking } from '../../solver/options.ts'
import { repair } from '../../solver/repair.ts'
import type { Problem, Session } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'
import { counsellor, problem, referral } from './helpers.ts'

// Run on Monday 2025-03-03; the ordinary lead time with interpreter is 7 days.
const RUN = '2025-03-03'

/** The problem a repair sees: the bookings that stay pinned, the disrupted ones out. */
function forRepair(p: Problem, booked: readonly BookedSession[], disrupted: readonly BookedSession[]): Problem {
  const gone = new Set(disrupted.map((d) => d.id))
  return { ...p, pinned: booked.filter((b) => !gone.has(b.id)) }
}

t.test('an absence over booked sessions is found, and repaired moving exactly those sessions, same time with another counsellor', async (t) => {
  // Kari holds three sessions on three days; per (also 5001's) is free then; ola serves other municipalities.
  const referrals = Array.from({ length: 4 }, (_, i) => referral(`R${i}`, { interpreter: true, municipality: '5001' }))
  const at = (date: string, id: string, ref: string, c: string): BookedSession => ({ id, referralId: ref, counsellorId: c, kind: 'individual', start: `${date}T09:00:00+01:00`, end: `${date}T11:00:00+01:00`, interpreterOrderBy: `${date}T09:00:00+01:00`.replace(date, date.slice(0, 8) + String(Number(date.slice(8)) - 2).padStart(2, '0')), pinned: true })
  const booked = [at('2025-03-12', 's0', 'R0', 'kari'), at('2025-03-13', 's1', 'R1', 'kari'), at('2025-03-19', 's2', 'R2', 'kari'), at('2025-03-13', 's3', 'R3', 'ola')]
  const p = problem({
    runDate: RUN,
    horizonWeeks: 3,
    counsellors: [counsellor('kari', { municipalities: ['5001'] }), counsellor('per', { municipalities: ['5001'] }), counsellor('ola', { municipalities: ['5035'] })],
    referrals,
    pinned: booked,
  })
  const karis = booked.filter((s) => s.counsellorId === 'kari')
  t.ok(karis.length > 0, 'kari has booked sessions')
  const sickFrom = '2025-03-12'
  const sick = { ...p, counsellors: [counsellor('kari', { municipalities: ['5001'], absences: [{ from: sickFrom, to: '2025-03-25', reason: 'sick' as const }] }), ...p.counsellors.slice(1)] }

  const disruptions = findDisruptions({ sessions: booked, counsellors: sick.counsellors, referrals: sick.referrals, policy: sick.policy })
  t.same(disruptions.map((d) => d.sessionId).sort(), karis.map((s) => s.id).sort(), "exactly kari's sessions are disrupted")
  t.ok(disruptions.every((d) => d.reason === 'counsellor-absent'), 'with the reason counsellor-absent')

  const disrupted = booked.filter((b) => disruptions.some((d) => d.sessionId === b.id))
  const fixed = repair({ problem: forRepair(sick, booked, disrupted), disrupted, now: `${RUN}T08:00:00+01:00` })
  t.equal(fixed.changes.length, disrupted.length, 'one change per disrupted session')
  for (const c of fixed.changes) {
    t.not(c.to, null, `${c.sessionId} has a new place`)
    t.equal(c.to?.start, c.from.start, `${c.sessionId} keeps its time`)
    t.equal(c.to?.counsellorId, 'per', `${c.sessionId} goes to the municipality's other counsellor, not to ola`)
    t.equal(c.interpreterReorder, false, 'the interpreter order stands')
  }
  const kept = fixed.sessions.filter((s) => s.pinned)
  t.equal(kept.length, booked.length - disrupted.length, 'every other booking is kept')
  t.same(fixed.sessions.filter((s) => !s.pinned).map((s) => s.id).sort(), disrupted.map((d) => d.id).sort(), 'the moved sessions carry the ids of the bookings they move')
  t.same(validateProposal({ ...forRepair(sick, booked, disrupted), runDate: RUN }, fixed as never), [], 'the repair breaks no rule')
  t.match(fixed.stats, { changed: disrupted.length, sameTime: disrupted.length, changeCost: 0, dropped: 0 }, 'stats report the changes and the objective')
})

t.test('no free counsellor at that time: the same day, then the nearest day', async (t) => {
  // One counsellor besides kari, fully booked at the disrupted time on that day but free later.
  const kari = counsellor('kari', { municipalities: ['5001'] })
  const per = counsellor('per', { municipalities: ['5001'] })
  const r = referral('R', { interpreter: true })
  const other = referral('O', { interpreter: true })
  const at = '2025-03-17'
  const booked: BookedSession[] = [
    { id: 'a', referralId: 'R', counsellorId: 'kari', kind: 'individual', start: `${at}T08:00:00+01:00`, end: `${at}T10:00:00+01:00`, interpreterOrderBy: '2025-03-15T08:00:00+01:00' },
    { id: 'b', referralId: 'O', counsellorId: 'per', kind: 'individual', start: `${at}T08:00:00+01:00`, end: `${at}T10:00:00+01:00`, interpreterOrderBy: '2025-03-15T08:00:00+01:00' },
  ]
  const p = problem({ runDate: RUN, horizonWeeks: 4, counsellors: [{ ...kari, absences: [{ from: at, to: at, reason: 'sick' }] }, per], referrals: [r, other], pinned: [booked[1]!] })
  const fixed = repair({ problem: p, disrupted: [booked[0]!], now: `${RUN}T08:00:00+01:00` })
  t.match(fixed.changes[0], { sessionId: 'a', to: { counsellorId: 'per', start: `${at}T10:00:00+01:00` }, interpreterReorder: true }, 'same day, at the nearest free time, interpreter re-ordered')

  // Per busy all that day: the nearest other day.
  const full: BookedSession[] = [booked[1]!, { ...booked[1]!, id: 'c', start: `${at}T10:00:00+01:00`, end: `${at}T12:00:00+01:00` }, { ...booked[1]!, id: 'd', start: `${at}T12:00:00+01:00`, end: `${at}T14:00:00+01:00` }, { ...booked[1]!, id: 'e', start: `${at}T14:00:00+01:00`, end: `${at}T15:30:00+01:00` }]
  const later = repair({ problem: { ...p, pinned: full }, disrupted: [booked[0]!], now: `${RUN}T08:00:00+01:00` })
  t.match(later.changes[0], { to: { start: /^2025-03-18T08:00/ } }, 'the next day, at the same time')
})

t.test('repair keeps priority and interpreter capacity', async (t) => {
  // Two disrupted sessions, one free slot at that time, and one Arabic interpreter a day.
  const at = '2025-03-17'
  const high = referral('HIGH', { interpreter: true, threatenedIndustry: true })
  const low = referral('LOW', { interpreter: true })
  const mk = (id: string, ref: string, c: string): BookedSession => ({ id, referralId: ref, counsellorId: c, kind: 'individual', start: `${at}T08:00:00+01:00`, end: `${at}T10:00:00+01:00`, interpreterOrderBy: '2025-03-15T08:00:00+01:00' })
  const p = problem({
    runDate: RUN,
    horizonWeeks: 4,
    counsellors: [counsellor('a', { absences: [{ from: at, to: at, reason: 'sick' }] }), counsellor('b', { absences: [{ from: at, to: at, reason: 'sick' }] }), counsellor('c')],
    referrals: [low, high],
    pinned: [],
    interpreterCapacity: { ar: 1 },
    policy: { priority: ['threatened-industry', 'waiting-time'] },
  })
  const fixed = repair({ problem: p, disrupted: [mk('l', 'LOW', 'a'), mk('h', 'HIGH', 'b')], now: `${RUN}T08:00:00+01:00` })
  const h = fixed.changes.find((c) => c.sessionId === 'h')!
  const l = fixed.changes.find((c) => c.sessionId === 'l')!
  t.equal(h.to?.start, `${at}T08:00:00+01:00`, 'the higher-ranked participant keeps the time')
  t.not(l.to?.start.slice(0, 10), at, 'the other moves to another day: one interpreter that day')
  t.same(validateProposal(p, fixed as never), [], 'and no rule is broken')
})

t.test('a deferral past the booking and a programme end before it are disruptions', async (t) => {
  const s = (id: string, ref: string): BookedSession => ({ id, referralId: ref, counsellorId: 'C1', kind: 'individual', start: '2025-03-17T09:00:00+01:00', end: '2025-03-17T11:00:00+01:00' })
  const p = problem({ referrals: [referral('D', { deferredUntil: '2025-04-01', deferralReason: 'x' }), referral('E', { programmeEndsOn: '2025-03-10' }), referral('OK')] })
  const found = findDisruptions({ sessions: [s('1', 'D'), s('2', 'E'), s('3', 'OK')], counsellors: p.counsellors, referrals: p.referrals, policy: p.policy })
  t.same(found.map((d) => [d.sessionId, d.reason]), [['1', 'deferred'], ['2', 'programme-ended']], 'each with its reason, the fitting one not listed')
  const outside = findDisruptions({ sessions: [{ ...s('4', 'OK'), start: '2025-03-17T14:00:00+01:00', end: '2025-03-17T16:00:00+01:00' }], counsellors: p.counsellors, referrals: p.referrals, policy: p.policy })
  t.same(outside.map((d) => d.reason), ['outside-hours'], 'past the end of the working day')
  const employed = findDisruptions({ sessions: [s('5', 'OK')], counsellors: [counsellor('C1', { employedUntil: '2025-03-14' })], referrals: p.referrals, policy: p.policy })
  t.same(employed.map((d) => d.reason), ['not-employed'], 'after the employment ends')
})

t.test('options: all feasible, earliest first, after the lead time, within interpreter capacity; first sessions are individual', async (t) => {
  const r = referral('R', { interpreter: true })
  // X needs no interpreter; Y's Arabic interpreter is the only one on the 11th.
  const busy: Session = { referralId: 'X', counsellorId: 'C1', kind: 'individual', start: '2025-03-10T08:00:00+01:00', end: '2025-03-10T10:00:00+01:00', pinned: true }
  const arabic: Session = { ...busy, referralId: 'Y', counsellorId: 'C2', start: '2025-03-11T08:00:00+01:00', end: '2025-03-11T10:00:00+01:00', interpreterOrderBy: '2025-03-09T08:00:00+01:00' }
  const p = problem({
    runDate: RUN,
    horizonWeeks: 3,
    counsellors: [counsellor('C1'), counsellor('C2')],
    referrals: [r, referral('X'), referral('Y', { interpreter: true })],
    pinned: [busy, arabic],
    interpreterCapacity: { ar: 1 },
  })
  const got = optionsFor(p, 'R', { limit: 5 })
  if (!got.ok) throw new Error(got.detail)
  t.equal(got.options.length, 5, 'five options')
  const starts = got.options.map((o) => Date.parse(o.start))
  t.same(starts, [...starts].sort((a, b) => a - b), 'earliest first')
  t.ok(got.options.every((o) => o.start >= '2025-03-10'), 'none inside the seven-day lead time')
  t.notOk(got.options.some((o) => o.start.startsWith('2025-03-11')), 'none on the day the one Arabic interpreter is taken')
  t.ok(got.options.every((o) => o.kind === 'individual'), 'first sessions are individual')
  t.same(got.options[0], { counsellorId: 'C2', start: '2025-03-10T08:00:00+01:00', end: '2025-03-10T10:00:00+01:00', kind: 'individual', displaces: [] }, 'the first free time after the lead time')
  t.same(got.options[1], { counsellorId: 'C1', start: '2025-03-10T10:00:00+01:00', end: '2025-03-10T12:00:00+01:00', kind: 'individual', displaces: [] }, "then C1, after the session booked that morning")
  for (const o of got.options) t.same(checkBooking(p, 'R', bookingSession(p, r, o.counsellorId, o.start)), [], `${o.counsellorId} ${o.start} passes the validator`)

  const planned: Session[] = [{ referralId: 'Z', counsellorId: 'C1', kind: 'individual', start: '2025-03-10T10:00:00+01:00', end: '2025-03-10T12:00:00+01:00' }]
  const withPlan = optionsFor({ ...p, referrals: [...p.referrals, referral('Z')] }, 'R', { limit: 2, planned })
  t.same(withPlan.ok && withPlan.options[1]?.displaces, ['Z'], 'an option on time the latest plan gives another referral names who would lose it')
})

t.test('a booking is refused naming the rule: a taken slot, an absent counsellor, inside the lead time', async (t) => {
  const r = referral('R', { interpreter: true })
  const taken: Session = { referralId: 'X', counsellorId: 'C1', kind: 'individual', start: '2025-03-17T09:00:00+01:00', end: '2025-03-17T11:00:00+01:00', interpreterOrderBy: '2025-03-15T09:00:00+01:00', pinned: true }
  const p = problem({ runDate: RUN, horizonWeeks: 26, counsellors: [counsellor('C1', { absences: [{ from: '2025-03-20', to: '2025-03-21', reason: 'sick' }] })], referrals: [r, referral('X', { interpreter: true })], pinned: [taken] })
  const rules = (start: string) => checkBooking(p, 'R', bookingSession(p, r, 'C1', start)).map((v) => v.rule)
  t.same(rules('2025-03-17T10:00:00+01:00'), ['overlap'], 'a taken slot is an overlap')
  t.same(rules('2025-03-20T09:00:00+01:00'), ['absence'], "an absent counsellor's time")
  t.same(rules('2025-03-05T09:00:00+01:00'), ['lead-time'], 'inside the lead time')
  t.same(rules('2025-03-18T09:00:00+01:00'), [], 'a free time after the lead time is fine')
})
