import t from 'tap'
import { resolvePolicy } from '../../solver/policy.ts'
import type { Counsellor, GroupSession, IndividualSession, Problem, Proposal, Referral, Session } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'

// A small hand-checked week plan. Run Monday 3 March 2025, 13 weeks: the horizon ends 1 June.
// Summer time starts 30 March, so sessions from 31 March carry +02:00.
// The corona track is kept in force here (a centre may change the periods) so c1 can show the other rules.
const policy = resolvePolicy({ trackPeriods: { corona: { from: '2020-01-01', until: '2025-12-31' } } }, '2025-03-03')
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }))
const anna: Counsellor = { id: 'anna', municipalities: ['5001'], weekly: weekdays('08:00', '15:30'), absences: [], maxSessionsPerDay: 3 }
const bo: Counsellor = { id: 'bo', municipalities: ['4001'], weekly: weekdays('09:00', '15:00'), absences: [] }

const ref = (id: string, over: Partial<Referral>): Referral => ({
  id, municipality: '5001', track: 'ordinary', settledOn: '2025-01-15', referredOn: '2025-02-20', language: 'ar',
  interpreter: true, threatenedIndustry: false, competenceMappingDone: true, advisorConsent: true,
  groupMeetingDone: false, meetings: 1, ...over,
})
const referrals: Referral[] = [
  ref('o1', {}), // deadline 2025-04-15
  ref('o2', { settledOn: '2024-12-01', interpreter: false, meetings: 2 }), // deadline 2025-03-01: already missed
  ref('o3', { competenceMappingDone: false }),
  ref('u1', { track: 'ukraine', language: 'uk' }),
  ref('u2', { track: 'ukraine', language: 'uk' }),
  ref('c1', { track: 'corona', interpreter: false, competenceMappingDone: false, deferredUntil: '2025-03-20', deferralReason: 'course' }),
]

const ind = (referralId: string, counsellorId: string, start: string, end: string, orderBy?: string, kind: 'individual' | 'followup' = 'individual'): IndividualSession => ({
  referralId, counsellorId, kind, start, end, ...(orderBy ? { interpreterOrderBy: orderBy } : {}),
})
const pinned: IndividualSession = { ...ind('old1', 'anna', '2025-03-03T12:00:00+01:00', '2025-03-03T14:00:00+01:00', '2025-03-01T12:00:00+01:00'), pinned: true }
const group: GroupSession = {
  referralIds: ['u1', 'u2'], counsellorId: 'bo', kind: 'group', language: 'uk',
  start: '2025-03-17T09:00:00+01:00', end: '2025-03-17T12:00:00+01:00', interpreterOrderBy: '2025-03-13T09:00:00+01:00',
}
const sessions: Session[] = [
  pinned,
  ind('o1', 'anna', '2025-03-10T09:00:00+01:00', '2025-03-10T11:00:00+01:00', '2025-03-06T09:00:00+01:00'),
  ind('o2', 'anna', '2025-03-05T08:00:00+01:00', '2025-03-05T10:00:00+01:00'),
  ind('o2', 'anna', '2025-04-02T08:00:00+02:00', '2025-04-02T10:00:00+02:00', undefined, 'followup'),
  group,
  ind('u1', 'bo', '2025-03-19T09:00:00+01:00', '2025-03-19T10:00:00+01:00', '2025-03-17T09:00:00+01:00'),
  ind('u2', 'bo', '2025-03-19T10:00:00+01:00', '2025-03-19T11:00:00+01:00', '2025-03-17T10:00:00+01:00'),
  ind('c1', 'anna', '2025-03-20T09:00:00+01:00', '2025-03-20T10:30:00+01:00'),
]

const problem: Problem = {
  runDate: '2025-03-03', horizonWeeks: 13, policy, counsellors: [anna, bo], referrals, pinned: [pinned],
  interpreterCapacity: { uk: 2, ar: 5 },
}
const proposal: Proposal = {
  runDate: '2025-03-03',
  status: 'proposed',
  sessions,
  unassigned: [{ referralId: 'o3', reason: 'missing-competence-mapping', detail: 'mapping first' }],
  deadlineBreaches: [{ referralId: 'o2', deadline: '2025-03-01', plannedOn: '2025-03-05', reason: 'no-capacity-before-deadline', detail: 'late referral' }],
  stats: {
    referrals: 6, scheduled: 5, withinDeadline: 1, solveMs: 0, method: 'greedy', outcome: 'feasible', sessions: 7,
    groupMeetings: 1, followups: 1, unassigned: 1, deadlineBreaches: 1, objective: [],
  },
}

/** The proposal with session `i` replaced (or removed when `s` is null). */
const withSession = (i: number, s: Session | null): Proposal => ({
  ...proposal,
  sessions: s === null ? sessions.filter((_, j) => j !== i) : sessions.map((x, j) => (j === i ? s : x)),
})
const rules = (pr: Problem, po: Proposal) => validateProposal(pr, po).map((v) => v.rule)
const o1 = sessions[1] as IndividualSession
const o2follow = sessions[3] as IndividualSession
const u2 = sessions[6] as IndividualSession
const c1 = sessions[7] as IndividualSession

t.test('the hand-checked plan breaks no rule', async (t) => {
  t.same(validateProposal(problem, proposal), [], 'no violations')
})

t.test('working-day: no weekend, no public holiday', async (t) => {
  const saturday = ind('o1', 'anna', '2025-03-08T09:00:00+01:00', '2025-03-08T11:00:00+01:00', '2025-03-06T09:00:00+01:00')
  t.ok(rules(problem, withSession(1, saturday)).includes('working-day'), 'Saturday')
  const goodFriday = { ...o2follow, start: '2025-04-18T08:00:00+02:00', end: '2025-04-18T10:00:00+02:00' }
  const v = validateProposal(problem, withSession(3, goodFriday))
  t.match(v, [{ rule: 'working-day', detail: /public holiday \(2025-04-18\)/ }], 'Good Friday 2025 (Easter 20 April)')
  const ascension = { ...o2follow, start: '2025-05-29T08:00:00+02:00', end: '2025-05-29T10:00:00+02:00' }
  t.same(rules(problem, withSession(3, ascension)), ['working-day'], 'Ascension Day 2025, a Thursday')
})

t.test('working-hours: inside weekly hours and the centre day', async (t) => {
  t.ok(rules(problem, withSession(1, { ...o1, start: '2025-03-10T07:00:00+01:00', end: '2025-03-10T09:00:00+01:00', interpreterOrderBy: '2025-03-08T07:00:00+01:00' })).includes('working-hours'),
    'before 08:00')
  t.same(rules(problem, withSession(6, { ...u2, start: '2025-03-19T14:30:00+01:00', end: '2025-03-19T15:30:00+01:00', interpreterOrderBy: '2025-03-17T14:30:00+01:00' })),
    ['working-hours'], "past bo's 15:00 end, though within the centre's day")
  const late: Counsellor = { ...anna, weekly: weekdays('08:00', '18:00') }
  t.same(rules({ ...problem, counsellors: [late, bo] }, withSession(7, { ...c1, start: '2025-03-20T15:00:00+01:00', end: '2025-03-20T16:30:00+01:00' })),
    ['working-hours'], "past the centre's 15:30 though within anna's own hours")
})

t.test('absence and employment, inclusive dates', async (t) => {
  const sick: Counsellor = { ...anna, absences: [{ from: '2025-03-07', to: '2025-03-10', reason: 'sick' }] }
  t.same(rules({ ...problem, counsellors: [sick, bo] }, proposal), ['absence'], 'o1 on the last day of the absence')
  const starts: Counsellor = { ...bo, employedFrom: '2025-03-18' }
  t.same(rules({ ...problem, counsellors: [anna, starts] }, proposal), ['employment'], 'the group meeting before bo starts')
  const leaves: Counsellor = { ...bo, employedUntil: '2025-03-19' }
  t.same(rules({ ...problem, counsellors: [anna, leaves] }, proposal), [], 'the last employed day is a working day')
})

t.test('overlap: with another new session and with a pinned one', async (t) => {
  t.same(rules(problem, withSession(6, { ...u2, start: '2025-03-19T09:30:00+01:00', end: '2025-03-19T10:30:00+01:00', interpreterOrderBy: '2025-03-17T09:30:00+01:00' })),
    ['overlap'], 'u2 over u1')
  const blocker: IndividualSession = { ...ind('old2', 'anna', '2025-03-10T10:00:00+01:00', '2025-03-10T11:00:00+01:00'), pinned: true }
  const pr = { ...problem, pinned: [pinned, blocker] }
  t.same(rules(pr, { ...proposal, sessions: [...sessions, blocker] }), ['overlap'], 'o1 over a pinned session')
  t.same(rules(problem, withSession(6, { ...u2, start: '2025-03-19T10:00:00+01:00', end: '2025-03-19T11:00:00+01:00' , counsellorId: 'anna'})),
    [], 'back to back, or another counsellor, is fine')
})

t.test('max-sessions-per-day counts every kind, pinned included', async (t) => {
  const capped: Counsellor = { ...bo, maxSessionsPerDay: 1 }
  t.same(rules({ ...problem, counsellors: [anna, capped] }, proposal), ['max-sessions-per-day'], 'u1 and u2 on one day')
  const one: Counsellor = { ...anna, maxSessionsPerDay: 1 }
  const moved = { ...o1, start: '2025-03-03T09:00:00+01:00', end: '2025-03-03T11:00:00+01:00' }
  t.ok(rules({ ...problem, counsellors: [one, bo] }, withSession(1, moved)).includes('max-sessions-per-day'), 'with the pinned one')
})

t.test('lead-time: interpreter lead days, notice days without', async (t) => {
  const early = { ...o1, start: '2025-03-07T09:00:00+01:00', end: '2025-03-07T11:00:00+01:00', interpreterOrderBy: '2025-03-05T09:00:00+01:00' }
  t.same(rules(problem, withSession(1, early)), ['lead-time'], 'ordinary interpreted: 7 days')
  const ukEarly: GroupSession = { ...group, start: '2025-03-14T09:00:00+01:00', end: '2025-03-14T12:00:00+01:00', interpreterOrderBy: '2025-03-12T09:00:00+01:00' }
  t.same(rules(problem, withSession(4, ukEarly)), ['lead-time'], 'ukraine group: 14 days')
  const o2early = ind('o2', 'anna', '2025-03-04T08:00:00+01:00', '2025-03-04T10:00:00+01:00')
  const v = rules(problem, { ...withSession(2, o2early), deadlineBreaches: [{ ...proposal.deadlineBreaches[0]!, plannedOn: '2025-03-04' }] })
  t.same(v, ['lead-time'], 'no interpreter: 2 days')
  t.same(rules(problem, proposal), [], 'the pinned session on the run date is exempt')
})

t.test('horizon: new sessions inside runDate .. runDate + 7 × weeks − 1', async (t) => {
  const beyond = { ...o2follow, start: '2025-06-02T08:00:00+02:00', end: '2025-06-02T10:00:00+02:00' }
  t.same(rules(problem, withSession(3, beyond)), ['horizon'], 'the day after the horizon')
  const last = { ...o2follow, start: '2025-05-30T08:00:00+02:00', end: '2025-05-30T10:00:00+02:00' }
  t.same(rules(problem, withSession(3, last)), [], 'the last Friday is inside')
})

t.test('session-length per track and for the group meeting', async (t) => {
  t.same(rules(problem, withSession(1, { ...o1, end: '2025-03-10T10:00:00+01:00' })), ['session-length'], 'ordinary 120')
  t.same(rules(problem, withSession(4, { ...group, end: '2025-03-17T11:00:00+01:00' })), ['session-length'], 'group 180')
})

t.test('competence-mapping, programme-end, deferral', async (t) => {
  const noMapping = referrals.map((r) => (r.id === 'o1' ? { ...r, competenceMappingDone: false } : r))
  t.same(rules({ ...problem, referrals: noMapping }, proposal), ['competence-mapping'], 'ordinary without mapping')
  const ending = referrals.map((r) => (r.id === 'o1' ? { ...r, programmeEndsOn: '2025-03-09' } : r))
  t.same(rules({ ...problem, referrals: ending }, proposal), ['programme-end'], 'the day after the programme end')
  const lastDay = referrals.map((r) => (r.id === 'o1' ? { ...r, programmeEndsOn: '2025-03-10' } : r))
  t.same(rules({ ...problem, referrals: lastDay }, proposal), [], 'on the programme end day: still in time')
  const groupEnding = referrals.map((r) => (r.id === 'u2' ? { ...r, programmeEndsOn: '2025-03-18' } : r))
  t.same(rules({ ...problem, referrals: groupEnding }, proposal), ['programme-end'], "u2's individual after the end")
  const deferred = referrals.map((r) => (r.id === 'c1' ? { ...r, deferredUntil: '2025-03-21' } : r))
  t.same(rules({ ...problem, referrals: deferred }, proposal), ['deferral'], 'before deferredUntil')
})

t.test('group-meeting-first: ukraine individual at least 2 days after a group meeting with it', async (t) => {
  const tooClose: GroupSession = { ...group, start: '2025-03-18T09:00:00+01:00', end: '2025-03-18T12:00:00+01:00', interpreterOrderBy: '2025-03-14T09:00:00+01:00' }
  t.same(rules(problem, withSession(4, tooClose)), ['group-meeting-first', 'group-meeting-first'], 'one day before both')
  const without: GroupSession = { ...group, referralIds: ['u1'] }
  t.same(rules(problem, withSession(4, without)), ['group-meeting-first'], 'u2 is not in the group')
  const done = referrals.map((r) => (r.id === 'u2' ? { ...r, groupMeetingDone: true } : r))
  t.same(rules({ ...problem, referrals: done }, withSession(4, without)), [], 'groupMeetingDone needs none')
})

t.test('group-size and group-participants', async (t) => {
  t.same(rules({ ...problem, policy: { ...policy, groupMeeting: { ...policy.groupMeeting, maxParticipants: 1 } } }, proposal),
    ['group-size'], 'two participants, at most one')
  const ru = referrals.map((r) => (r.id === 'u2' ? { ...r, language: 'ru' } : r))
  t.same(rules({ ...problem, referrals: ru }, proposal), ['group-participants'], 'u2 speaks another language')
  const corona = referrals.map((r) => (r.id === 'u2' ? { ...r, track: 'corona' as const, interpreter: true } : r))
  t.ok(rules({ ...problem, referrals: corona }, proposal).includes('group-participants'), 'u2 not on the ukraine track')
})

t.test('followup: only for two meetings, after the gap', async (t) => {
  const one = referrals.map((r) => (r.id === 'o2' ? { ...r, meetings: 1 as const } : r))
  t.same(rules({ ...problem, referrals: one }, proposal), ['followup'], 'meetings: 1')
  const soon = { ...o2follow, start: '2025-03-31T08:00:00+02:00', end: '2025-03-31T10:00:00+02:00' }
  t.same(rules(problem, withSession(3, soon)), ['followup'], '26 days after the first session')
  const gap28 = { ...o2follow, start: '2025-04-02T08:00:00+02:00' }
  t.same(rules(problem, withSession(3, gap28)), [], 'exactly 28 days is enough')
})

t.test('one-individual per referral, pinned included', async (t) => {
  const twice = { ...proposal, sessions: [...sessions, ind('o1', 'bo', '2025-03-11T09:00:00+01:00', '2025-03-11T11:00:00+01:00', '2025-03-07T09:00:00+01:00')] }
  t.same(rules(problem, twice), ['one-individual'], 'o1 twice')
})

t.test('pinned-kept: committed sessions come back unchanged; nothing poses as pinned', async (t) => {
  t.ok(rules(problem, withSession(0, null)).includes('pinned-kept'), 'dropped')
  t.ok(rules(problem, withSession(0, { ...pinned, end: '2025-03-03T13:00:00+01:00' })).includes('pinned-kept'), 'shortened')
  const fake = { ...o1, pinned: true, start: '2025-03-04T09:00:00+01:00', end: '2025-03-04T11:00:00+01:00', interpreterOrderBy: '2025-02-28T09:00:00+01:00' }
  t.same(rules(problem, withSession(1, fake)), ['pinned-kept', 'lead-time', 'interpreter-order'], 'a new session marked pinned is still checked as new (its order day would be before the run)')
})

t.test('interpreter-capacity per language per day; a group counts once', async (t) => {
  t.same(rules({ ...problem, interpreterCapacity: { uk: 1 } }, proposal), ['interpreter-capacity'], 'u1 and u2 on 19 March')
  const sameDay = { ...u2, counsellorId: 'anna', start: '2025-03-17T13:00:00+01:00', end: '2025-03-17T14:00:00+01:00', interpreterOrderBy: '2025-03-15T13:00:00+01:00' }
  const v = rules({ ...problem, interpreterCapacity: { uk: 1 } }, withSession(6, sameDay))
  t.ok(v.includes('interpreter-capacity'), 'the group and an individual on the same day make two')
  t.same(rules({ ...problem, interpreterCapacity: { uk: 1 } }, withSession(6, { ...u2, start: '2025-03-20T10:00:00+01:00', end: '2025-03-20T11:00:00+01:00', interpreterOrderBy: '2025-03-18T10:00:00+01:00' })),
    [], 'the group alone is one')
})

t.test('interpreter-order: present, start − notice days, only where an interpreter is needed', async (t) => {
  const { interpreterOrderBy: _, ...noOrder } = o1
  t.same(rules(problem, withSession(1, noOrder)), ['interpreter-order'], 'missing')
  t.same(rules(problem, withSession(1, { ...o1, interpreterOrderBy: '2025-03-09T09:00:00+01:00' })), ['interpreter-order'], 'one day, not two')
  t.same(rules(problem, withSession(2, { ...(sessions[2] as IndividualSession), interpreterOrderBy: '2025-03-03T08:00:00+01:00' })),
    ['interpreter-order'], 'ordered for a referral without interpreter')
  t.same(rules(problem, withSession(1, { ...o1, interpreterOrderBy: 'soon' })), ['interpreter-order'], 'not a date-time: a violation, not a crash')
  const overDst = { ...o1, start: '2025-03-31T09:00:00+02:00', end: '2025-03-31T11:00:00+02:00', interpreterOrderBy: '2025-03-27T09:00:00+01:00' }
  t.same(rules(problem, withSession(1, overDst)), [], 'two working days earlier (Thursday for Monday) at the same Oslo time, across the DST switch')
})

t.test('referral-exists and accounted-once', async (t) => {
  const ghost = { ...proposal, sessions: [...sessions, ind('ghost', 'bo', '2025-03-11T09:00:00+01:00', '2025-03-11T11:00:00+01:00', '2025-03-07T09:00:00+01:00')] }
  t.same(rules(problem, ghost), ['referral-exists'], 'a new session for an unknown referral')
  t.same(rules(problem, { ...proposal, unassigned: [] }), ['accounted-once'], 'o3 neither scheduled nor unassigned')
  const twice = [...proposal.unassigned, ...proposal.unassigned]
  t.same(rules(problem, { ...proposal, unassigned: twice }), ['accounted-once'], 'o3 unassigned twice')
  const both = [...proposal.unassigned, { referralId: 'o1', reason: 'lower-priority' as const, detail: 'x' }]
  t.same(rules(problem, { ...proposal, unassigned: both }), ['accounted-once'], 'o1 scheduled and unassigned')
  t.same(rules(problem, withSession(99, null)), [], 'an unknown referral in a pinned session is fine')
})

t.test('deadline-breach: each real, each late first session reported', async (t) => {
  t.same(rules(problem, { ...proposal, deadlineBreaches: [] }), ['deadline-breach'], "o2's late session unreported")
  const o1late = { ...o1, start: '2025-04-16T09:00:00+02:00', end: '2025-04-16T11:00:00+02:00', interpreterOrderBy: '2025-04-14T09:00:00+02:00' }
  t.same(rules(problem, withSession(1, o1late)), ['deadline-breach'], 'o1 after 15 April, unreported')
  const o1breach = { referralId: 'o1', deadline: '2025-04-15', plannedOn: '2025-04-16', reason: 'no-capacity-before-deadline' as const, detail: 'x' }
  t.same(rules(problem, { ...withSession(1, o1late), deadlineBreaches: [...proposal.deadlineBreaches, o1breach] }), [], 'reported: fine')
  t.same(rules(problem, { ...proposal, deadlineBreaches: [...proposal.deadlineBreaches, { ...o1breach, plannedOn: '2025-03-10' }] }),
    ['deadline-breach'], 'a breach for o1, scheduled within its deadline')
  const uBreach = { ...o1breach, referralId: 'u1', deadline: '2025-04-15', plannedOn: '2025-03-19' }
  t.same(rules(problem, { ...proposal, deadlineBreaches: [...proposal.deadlineBreaches, uBreach] }), ['deadline-breach'], 'ukraine has no deadline')
  const o3breach = { ...o1breach, referralId: 'o3', plannedOn: null }
  t.same(rules(problem, { ...proposal, deadlineBreaches: [...proposal.deadlineBreaches, o3breach] }), [], 'unscheduled ordinary: a breach may be reported')
})

t.test('track-in-force, centre-closed and the interpreter order day', async (t) => {
  const repealed = { ...problem, policy: resolvePolicy(undefined, '2025-03-03') }
  t.ok(rules(repealed, proposal).includes('track-in-force'), 'a corona session in 2025 breaks track-in-force under the default periods')
  const eve = { ...o1, start: '2025-12-24T09:00:00+01:00', end: '2025-12-24T11:00:00+01:00', interpreterOrderBy: '2025-12-22T09:00:00+01:00' }
  t.ok(rules({ ...problem, horizonWeeks: 52 }, withSession(1, eve)).includes('centre-closed'), 'Christmas Eve is a closed day')
  const calendarDays = { ...o1, interpreterOrderBy: '2025-03-08T09:00:00+01:00' }
  t.ok(rules(problem, withSession(1, calendarDays)).includes('interpreter-order'), 'an order on Saturday (two calendar days before Monday) is refused')
})
