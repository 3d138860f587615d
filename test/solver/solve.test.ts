import t from 'tap'
import { fromOsloDateTime } from '../../solver/calendar.ts'
import { solve } from '../../solver/solve.ts'
import type { IndividualSession, Problem, Proposal, Session } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'
import { counsellor, problem, referral } from './helpers.ts'

function run(p: Problem, method: 'flow' | 'greedy' = 'flow'): Proposal {
  const out = solve(p, { method })
  const violations = validateProposal(p, out)
  if (violations.length > 0) throw new Error(`invalid proposal: ${JSON.stringify(violations)}`)
  return out
}
const individualOf = (out: Proposal, id: string, kind: 'individual' | 'followup' = 'individual'): IndividualSession | undefined =>
  out.sessions.find((s): s is IndividualSession => s.kind === kind && s.referralId === id)
const dayOf = (s: Session | undefined): string | undefined => (s ? fromOsloDateTime(s.start).date : undefined)
const unassignedOf = (out: Proposal, id: string) => out.unassigned.find((u) => u.referralId === id)

t.test('rule 1: only working days inside working hours, never in an absence or past the daily cap', async (t) => {
  // Run on Monday 14 April 2025: Thursday 17 and Friday 18 are Easter holidays, Monday 21 too.
  const p = problem({
    runDate: '2025-04-14',
    policy: { noticeDays: 1 },
    counsellors: [
      counsellor('C1', {
        weekly: [4, 1, 2].map((weekday) => ({ weekday, start: '09:00', end: '13:00' })),
        absences: [{ from: '2025-04-22', to: '2025-04-22', reason: 'sick' }],
        maxSessionsPerDay: 1,
      }),
    ],
    referrals: [referral('R1'), referral('R2'), referral('R3')],
  })
  const out = run(p)
  const days = ['R1', 'R2', 'R3'].map((id) => dayOf(individualOf(out, id)))
  t.same(days.filter(Boolean).sort(), ['2025-04-15', '2025-04-24'], 'one session a day, on Tuesday 15 and Thursday 24 only (holidays and the sick day skipped)')
  for (const s of out.sessions) t.ok(fromOsloDateTime(s.start).minute >= 9 * 60 && fromOsloDateTime(s.end).minute <= 13 * 60, 'inside 09:00-13:00')
  t.equal(out.unassigned.length, 1, 'the third has no room in the horizon')
})

t.test('rule 2: an interpreted session waits for the lead time, one without for the notice days', async (t) => {
  const p = problem({ referrals: [referral('WITH', { interpreter: true }), referral('WITHOUT')] })
  const out = run(p)
  t.equal(dayOf(individualOf(out, 'WITH')), '2025-03-10', 'interpreter: run date + 7 days')
  t.equal(dayOf(individualOf(out, 'WITHOUT')), '2025-03-05', 'no interpreter: run date + 2 days')
  t.equal(individualOf(out, 'WITH')?.interpreterOrderBy, '2025-03-06T08:00:00+01:00', 'interpreter ordered on Thursday, 2 working days before Monday (the order day counts, the session day not), same clock time')
})

t.test('rule 3: ordinary track needs the competence mapping and gets the 2-hour block', async (t) => {
  const p = problem({ referrals: [referral('DONE'), referral('NOT', { competenceMappingDone: false })] })
  const out = run(p)
  const s = individualOf(out, 'DONE')
  t.ok(s, 'the mapped referral is planned')
  if (s) t.equal(fromOsloDateTime(s.end).minute - fromOsloDateTime(s.start).minute, 120, '120 minutes')
  t.equal(unassignedOf(out, 'NOT')?.reason, 'missing-competence-mapping', 'the other waits for its mapping')
})

t.test('rule 3: the deadline is soft; the urgent referral gets the slot before it, the other is late and reported', async (t) => {
  // One session a day on Wednesday 5 and Thursday 6 March.
  const p = problem({
    counsellors: [counsellor('C1', { weekly: [3, 4].map((weekday) => ({ weekday, start: '09:00', end: '11:00' })) })],
    horizonWeeks: 1,
    referrals: [
      referral('LATER', { settledOn: '2024-12-06', referredOn: '2024-12-01' }), // deadline 2025-03-06
      referral('URGENT', { settledOn: '2024-12-05' }), // deadline 2025-03-05
    ],
  })
  const out = run(p)
  t.equal(dayOf(individualOf(out, 'URGENT')), '2025-03-05', 'the most urgent takes the only slot before its deadline')
  t.equal(dayOf(individualOf(out, 'LATER')), '2025-03-06', 'the other keeps its own deadline too')
  t.equal(out.deadlineBreaches.length, 0, 'no breach when both fit')

  const tight = problem({ ...p, referrals: [referral('A', { settledOn: '2024-12-05' }), referral('B', { settledOn: '2024-12-05', referredOn: '2025-01-02' })] })
  const late = run(tight)
  t.equal(dayOf(individualOf(late, 'A')), '2025-03-05', 'A (referred first) keeps its deadline')
  t.equal(dayOf(individualOf(late, 'B')), '2025-03-06', 'B is planned after its deadline rather than not at all')
  const breach = late.deadlineBreaches.find((b) => b.referralId === 'B')
  t.equal(breach?.plannedOn, '2025-03-06', 'the breach gives the planned date')
  t.equal(breach?.reason, 'lower-priority', 'the breach says the slot went to a higher-ranked referral')
  t.match(breach?.detail, /A/, 'and names it')
})

t.test('rule 4: ukraine track gets a group meeting first, the individual session at least 2 days later', async (t) => {
  const p = problem({
    horizonWeeks: 4,
    referrals: [
      referral('U1', { track: 'ukraine', language: 'uk', interpreter: true }),
      referral('U2', { track: 'ukraine', language: 'uk', interpreter: true }),
      referral('UDONE', { track: 'ukraine', language: 'uk', interpreter: true, groupMeetingDone: true }),
    ],
  })
  const out = run(p)
  const groups = out.sessions.filter((s) => s.kind === 'group')
  t.equal(groups.length, 1, 'one group meeting for the two who need it')
  const g = groups[0]
  t.same(g?.kind === 'group' ? [...g.referralIds].sort() : [], ['U1', 'U2'], 'the group holds both, not the one whose meeting is done')
  t.equal(dayOf(g), '2025-03-17', 'the group comes after the 14-day interpreter lead time')
  t.equal(dayOf(individualOf(out, 'U1')), '2025-03-19', 'the individual session 2 days after the group')
  t.equal(dayOf(individualOf(out, 'UDONE')), '2025-03-17', 'no group meeting needed: only the lead time applies')
  const s = individualOf(out, 'U1')
  if (s) t.equal(fromOsloDateTime(s.end).minute - fromOsloDateTime(s.start).minute, 60, 'a 60-minute session')
})

t.test('rule 4: no room for a group meeting leaves members awaiting it', async (t) => {
  // The group could be on 17-21 March (lead time 14 days, then 2 days before the horizon ends), but the counsellor is away.
  const p = problem({
    horizonWeeks: 3,
    counsellors: [counsellor('C1', { absences: [{ from: '2025-03-17', to: '2025-03-21', reason: 'leave' }] })],
    referrals: [referral('U1', { track: 'ukraine', language: 'uk', interpreter: true })],
  })
  const out = run(p)
  t.equal(unassignedOf(out, 'U1')?.reason, 'awaiting-group-meeting', 'no counsellor free for the group meeting')
  t.equal(out.sessions.length, 0, 'and no individual session without it')
})

t.test('rule 4: a group meeting never takes a day from referrals ranked above its members', async (t) => {
  // One session a day, 4 March to 28 March: 18 working days after the 2 days' notice, and 18
  // ordinary referrals due 31 March who outrank the ukraine one (deadline first). A group meeting
  // (14 days' lead: 17 March at the earliest) would take one of those days.
  const ordinary = Array.from({ length: 18 }, (_, i) => referral(`O${String(i).padStart(2, '0')}`, { settledOn: '2024-12-31' }))
  const p = problem({
    horizonWeeks: 4,
    counsellors: [counsellor('C1', { maxSessionsPerDay: 1 })],
    referrals: [...ordinary, referral('U', { track: 'ukraine', language: 'uk', interpreter: true })],
  })
  for (const method of ['flow', 'greedy'] as const) {
    const out = run(p, method)
    t.notOk(out.sessions.some((s) => s.kind === 'group'), `${method}: no group meeting`)
    t.equal(out.stats.withinDeadline, 18, `${method}: every ordinary referral keeps its day within the deadline`)
    t.match(unassignedOf(out, 'U'), { reason: 'lower-priority', rule: 'deadline' }, `${method}: the ukraine referral is told the days went to participants ranked above by the deadline rule`)
  }
})

t.test('rule 5: nothing after the programme ends, nothing before a deferral', async (t) => {
  const p = problem({
    referrals: [
      referral('ENDED', { programmeEndsOn: '2025-03-01' }),
      referral('ENDS', { programmeEndsOn: '2025-03-04' }),
      referral('DEFERRED', { deferredUntil: '2025-03-12', deferralReason: 'not ready' }),
    ],
  })
  const out = run(p)
  t.equal(unassignedOf(out, 'ENDED')?.reason, 'programme-ended', 'programme already over')
  t.ok(['programme-ended', 'lead-time'].includes(unassignedOf(out, 'ENDS')?.reason ?? ''), 'no date before the programme ends')
  t.equal(dayOf(individualOf(out, 'DEFERRED')), '2025-03-12', 'planned on the day the deferral ends')
})

t.test('rule 6: a second meeting at least 28 days later, with the same counsellor', async (t) => {
  const p = problem({
    horizonWeeks: 6,
    counsellors: [counsellor('C1'), counsellor('C2')],
    referrals: [referral('TWO', { meetings: 2 })],
  })
  const out = run(p)
  const first = individualOf(out, 'TWO')
  const second = individualOf(out, 'TWO', 'followup')
  t.equal(dayOf(first), '2025-03-05', 'first session as early as possible')
  t.equal(dayOf(second), '2025-04-02', 'follow-up 28 days later')
  t.equal(second?.counsellorId, first?.counsellorId, 'with the same counsellor')
  const short = run({ ...p, horizonWeeks: 2 })
  t.equal(short.stats.followupsPending, 1, 'outside the horizon: not planned yet, counted')
  t.notOk(individualOf(short, 'TWO', 'followup'), 'and no follow-up session')
})

t.test('rule 6: the follow-up of a first session from an earlier run still waits for the lead time', async (t) => {
  const first: Session = {
    referralId: 'TWO',
    counsellorId: 'C1',
    kind: 'individual',
    start: '2025-01-06T08:00:00+01:00',
    end: '2025-01-06T10:00:00+01:00',
    interpreterOrderBy: '2025-01-04T08:00:00+01:00',
  }
  const p = problem({ referrals: [referral('TWO', { meetings: 2, interpreter: true })], pinned: [first] })
  const out = run(p)
  t.equal(dayOf(individualOf(out, 'TWO', 'followup')), '2025-03-10', 'not before run date + 7 days, though 28 days have long passed')
  t.equal(out.unassigned.length, 0, 'the referral counts as scheduled by its pinned session')
})

t.test('rule 7: pinned sessions are kept as they are and their time is taken', async (t) => {
  const pinned: Session = {
    referralId: 'OLD',
    counsellorId: 'C1',
    kind: 'individual',
    start: '2025-03-05T08:00:00+01:00',
    end: '2025-03-05T10:00:00+01:00',
  }
  const p = problem({
    counsellors: [counsellor('C1', { weekly: [3].map((weekday) => ({ weekday, start: '08:00', end: '12:00' })) })],
    referrals: [referral('NEW')],
    pinned: [pinned],
  })
  const out = run(p)
  t.same(out.sessions[0], { ...pinned, pinned: true }, 'the pinned session comes back unchanged, marked pinned')
  t.equal(individualOf(out, 'NEW')?.start, '2025-03-05T10:00:00+01:00', 'the new session goes after it')
})

t.test('rule 3 and 7: a first session booked in an earlier run after the deadline is still reported as a breach', async (t) => {
  // Settled 2024-12-01: deadline 2025-03-01 (passed); booked in an earlier run for 5 March.
  const late: Session = { referralId: 'LATE', counsellorId: 'C1', kind: 'individual', start: '2025-03-05T08:00:00+01:00', end: '2025-03-05T10:00:00+01:00' }
  const p = problem({ referrals: [referral('LATE', { settledOn: '2024-12-01' }), referral('FINE', { settledOn: '2025-01-01' })], pinned: [late] })
  const out = run(p)
  t.match(out.deadlineBreaches, [{ referralId: 'LATE', deadline: '2025-03-01', plannedOn: '2025-03-05', reason: 'no-capacity-before-deadline', detail: /earlier run/ }], 'the kept booking after the deadline is listed')
  t.equal(out.stats.deadlineBreaches, 1, 'and counted')
})

t.test('rule 8: interpreter capacity per language per day is never exceeded', async (t) => {
  const p = problem({
    counsellors: [counsellor('C1'), counsellor('C2'), counsellor('C3')],
    referrals: ['A', 'B', 'C'].map((id) => referral(id, { interpreter: true, language: 'ti' })),
    interpreterCapacity: { ti: 1 },
  })
  for (const method of ['flow', 'greedy'] as const) {
    const out = run(p, method)
    const days = ['A', 'B', 'C'].map((id) => dayOf(individualOf(out, id)))
    t.same(days, ['2025-03-10', '2025-03-11', '2025-03-12'], `${method}: one Tigrinya session a day`)
  }
})

t.test("rule 9: the municipality's own counsellor is preferred", async (t) => {
  const p = problem({
    counsellors: [counsellor('OTHER', { municipalities: ['3001'] }), counsellor('OWN', { municipalities: ['5001'] })],
    referrals: [referral('R', { municipality: '5001' })],
  })
  t.equal(individualOf(run(p), 'R')?.counsellorId, 'OWN', 'flow: own counsellor on the same day')
  t.equal(individualOf(run(p, 'greedy'), 'R')?.counsellorId, 'OWN', 'greedy: own counsellor on the same day')
})

t.test('prioritisation: threatened industry first changes who gets the last slot, and the loser is told why', async (t) => {
  const base = problem({
    horizonWeeks: 1,
    counsellors: [counsellor('C1', { weekly: [{ weekday: 3, start: '09:00', end: '11:00' }] })],
    referrals: [
      referral('URGENT', { settledOn: '2024-12-20' }), // deadline 2025-03-20: in horizon? no, any date in it keeps it
      referral('THREAT', { settledOn: '2025-01-20', threatenedIndustry: true }),
    ],
  })
  const byDeadline = run(base)
  t.ok(individualOf(byDeadline, 'URGENT'), 'deadline first: the more urgent deadline wins the slot')
  const lost = unassignedOf(byDeadline, 'THREAT')
  t.equal(lost?.reason, 'lower-priority', 'the other is unassigned for lower priority')
  t.equal(lost?.rule, 'deadline', 'decided by the deadline rule')
  t.same(lost?.takenBy, ['URGENT'], 'naming who took the slot')

  const trondelag = run({ ...base, policy: { ...base.policy, priority: ['threatened-industry', 'deadline', 'programme-time', 'waiting-time'] } })
  t.ok(individualOf(trondelag, 'THREAT'), 'threatened industry first: the threatened participant wins')
  const lost2 = unassignedOf(trondelag, 'URGENT')
  t.equal(lost2?.rule, 'threatened-industry', 'decided by the threatened-industry rule')
  t.match(lost2?.detail, /industry threatened by the crisis \(rule: threatened-industry\), e\.g\. THREAT/, 'in words a municipality understands')
})

t.test('no free time at all is not blamed on anyone', async (t) => {
  const p = problem({
    counsellors: [counsellor('C1', { absences: [{ from: '2025-03-01', to: '2025-03-31', reason: 'sick' }] })],
    referrals: [referral('R', { settledOn: '2024-12-05' })],
  })
  const out = run(p)
  t.equal(unassignedOf(out, 'R')?.reason, 'no-capacity-in-horizon', 'unassigned: no capacity in the horizon')
  t.equal(out.deadlineBreaches[0]?.reason, 'no-capacity-before-deadline', 'breach: no capacity before the deadline')
  t.equal(out.deadlineBreaches[0]?.plannedOn, null, 'nothing planned')
})

t.test('a lead-time breach: the deadline falls before the first possible date', async (t) => {
  const p = problem({ referrals: [referral('R', { settledOn: '2024-12-04', interpreter: true })] }) // deadline 2025-03-04
  const out = run(p)
  t.equal(dayOf(individualOf(out, 'R')), '2025-03-10', 'planned at the first possible date')
  t.equal(out.deadlineBreaches[0]?.reason, 'lead-time', 'the breach is due to the lead time')
})

t.test('greedy is selectable, reported in stats, and both methods are deterministic', async (t) => {
  const p = problem({ referrals: ['A', 'B', 'C'].map((id) => referral(id)) })
  const g = run(p, 'greedy')
  t.equal(g.stats.method, 'greedy', 'stats say greedy ran')
  t.equal(run(p).stats.method, 'flow', 'flow is the default')
  t.equal(run(p).stats.outcome, 'optimal', 'the flow completes')
  const strip = (x: Proposal) => ({ ...x, stats: { ...x.stats, solveMs: 0 } })
  t.same(strip(run(p)), strip(run(p)), 'same input, same output')
})

t.test('a time limit hands what is left to greedy', async (t) => {
  const p = problem({ referrals: ['A', 'B'].map((id) => referral(id)) })
  const out = solve(p, { timeLimitMs: -1 })
  t.equal(out.stats.outcome, 'timedout', 'outcome says the flow was cut short')
  t.equal(out.stats.scheduled, 2, 'greedy still schedules everyone')
  t.same(validateProposal(p, out), [], 'and the proposal is valid')
})
