import t from 'tap'
import { addDays, interpreterOrderBy, parseHhMm, toOsloDateTime } from '../../solver/calendar.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import type { Counsellor, DeadlineBreach, GroupSession, IndividualSession, Policy, Problem, Proposal, Referral, Session } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'
import { counsellor, referral } from './helpers.ts'

// One test per branch of validateProposal that validate.test.ts leaves untriggered or checks
// only far from its boundary (issue 14, item 4). Each starts from a proposal that breaks no rule,
// changes one thing, and expects exactly the rules that change breaks.
// Run Wednesday 5 March 2025, 8 weeks: the horizon ends Tuesday 29 April; working days around the
// run so that one and two days short of each lead time fall on weekdays.
const RUN = '2025-03-05'
const policy = resolvePolicy(undefined, RUN)
const anna = counsellor('anna', { municipalities: ['5001'] })

const oI = referral('oI', { interpreter: true, settledOn: '2025-02-01' }) // deadline 2025-05-01
const oN = referral('oN', { settledOn: '2025-02-01' })
const two = referral('two', { settledOn: '2025-02-01', meetings: 2 })
const u = referral('u', { track: 'ukraine', language: 'uk', interpreter: true })
const v = referral('v', { track: 'ukraine', language: 'uk', interpreter: true })

/** A session of `r` on `date` at `hhmm`, its track's length, ordered in time if interpreted. */
function individual(r: Referral, date: string, hhmm = '09:00', kind: 'individual' | 'followup' = 'individual', pol: Policy = policy): IndividualSession {
  const m = parseHhMm(hhmm)
  return {
    referralId: r.id, counsellorId: 'anna', kind,
    start: toOsloDateTime(date, m), end: toOsloDateTime(date, m + pol.sessionMinutes[r.track]),
    ...(r.interpreter && { interpreterOrderBy: interpreterOrderBy(date, m, pol) }),
  }
}
function groupOf(ids: string[], date: string, hhmm = '09:00'): GroupSession {
  const m = parseHhMm(hhmm)
  return {
    referralIds: ids, counsellorId: 'anna', kind: 'group', language: 'uk',
    start: toOsloDateTime(date, m), end: toOsloDateTime(date, m + policy.groupMeeting.minutes),
    interpreterOrderBy: interpreterOrderBy(date, m, policy),
  }
}

type Case = { referrals: Referral[]; sessions: Session[]; counsellors?: Counsellor[]; policy?: Policy; breaches?: DeadlineBreach[]; horizonWeeks?: number }
/** The rules broken; every referral without a first session is listed as unassigned, once. */
function broken(c: Case): string[] {
  return violations(c).map((x) => x.rule)
}
function violations(c: Case) {
  const problem: Problem = { runDate: RUN, horizonWeeks: c.horizonWeeks ?? 8, policy: c.policy ?? policy, counsellors: c.counsellors ?? [anna], referrals: c.referrals, pinned: [] }
  const first = new Set(c.sessions.flatMap((s) => (s.kind === 'individual' ? [s.referralId] : [])))
  const proposal: Proposal = {
    runDate: RUN, status: 'proposed', sessions: c.sessions,
    unassigned: c.referrals.filter((r) => !first.has(r.id)).map((r) => ({ referralId: r.id, reason: 'no-capacity-in-horizon', detail: 'none left' })),
    deadlineBreaches: c.breaches ?? [],
    stats: { referrals: 0, scheduled: 0, withinDeadline: 0, solveMs: 0, method: 'greedy', outcome: 'feasible', sessions: 0, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  }
  return validateProposal(problem, proposal)
}

t.test('lead-time at its boundary: exactly leadDays ahead is in time, one or two days short is not', async (t) => {
  // Ordinary with interpreter: 7 days, Wednesday 12 March.
  t.same(broken({ referrals: [oI], sessions: [individual(oI, '2025-03-12')] }), [], 'ordinary interpreted, exactly 7 days ahead')
  t.same(broken({ referrals: [oI], sessions: [individual(oI, '2025-03-11')] }), ['lead-time'], '6 days ahead')
  t.same(broken({ referrals: [oI], sessions: [individual(oI, '2025-03-10')] }), ['lead-time'], '5 days ahead')
  // Ukraine: the group meeting (always interpreted) 14 days ahead, Wednesday 19 March.
  t.same(broken({ referrals: [u], sessions: [groupOf(['u'], '2025-03-19')] }), [], 'ukraine group meeting, exactly 14 days ahead')
  t.same(broken({ referrals: [u], sessions: [groupOf(['u'], '2025-03-18')] }), ['lead-time'], '13 days ahead')
  t.same(broken({ referrals: [u], sessions: [groupOf(['u'], '2025-03-17')] }), ['lead-time'], '12 days ahead')
  // Without interpreter: noticeDays, 2, Friday 7 March.
  t.same(broken({ referrals: [oN], sessions: [individual(oN, '2025-03-07')] }), [], 'no interpreter, exactly 2 days ahead')
  t.same(broken({ referrals: [oN], sessions: [individual(oN, '2025-03-06')] }), ['lead-time'], 'one day ahead')
  // The policy's own numbers, not the defaults.
  const longer = { ...policy, leadDays: { ...policy.leadDays, ordinary: 8 }, noticeDays: 3 }
  t.same(broken({ referrals: [oI], sessions: [individual(oI, '2025-03-12', '09:00', 'individual', longer)], policy: longer }), ['lead-time'], 'leadDays 8: 7 days ahead is short')
  t.same(broken({ referrals: [oN], sessions: [individual(oN, '2025-03-07')], policy: longer }), ['lead-time'], 'noticeDays 3: 2 days ahead is short')
})

t.test('time-format: a start that is no date-time, an end not after the start or on another day', async (t) => {
  const good = individual(oN, '2025-03-10')
  const v1 = violations({ referrals: [oN], sessions: [{ ...good, start: 'next Monday' }] })
  // The session cannot be placed, so oN has neither a first session nor an unassigned entry.
  t.same(v1.map((x) => x.rule), ['time-format', 'accounted-once'], 'an unreadable start')
  t.match(v1[0], { detail: /not an ISO 8601 date-time/ }, 'said so')
  t.same(broken({ referrals: [oN], sessions: [{ ...good, end: good.start }] }), ['time-format', 'accounted-once'], 'ends when it starts')
  t.same(broken({ referrals: [oN], sessions: [{ ...good, end: '2025-03-10T08:00:00+01:00' }] }), ['time-format', 'accounted-once'], 'ends before it starts')
  const overnight = violations({ referrals: [oN], sessions: [{ ...good, end: '2025-03-11T11:00:00+01:00' }] })
  t.match(overnight[0], { rule: 'time-format', detail: /on the same day/ }, 'ends the next day')
})

t.test('counsellor-exists: a session with a counsellor the problem does not have', async (t) => {
  const v1 = violations({ referrals: [oN], sessions: [{ ...individual(oN, '2025-03-10'), counsellorId: 'nobody' }] })
  t.same(v1.map((x) => x.rule), ['counsellor-exists'], 'only that: no hours or absences to check against')
  t.match(v1[0], { detail: /no counsellor nobody/ }, 'naming it')
})

t.test('employment: employedUntil and employedFrom, both days inclusive', async (t) => {
  const s = [individual(oN, '2025-03-10')]
  t.same(broken({ referrals: [oN], sessions: s, counsellors: [{ ...anna, employedUntil: '2025-03-07' }] }), ['employment'], 'after the last employed day')
  t.same(broken({ referrals: [oN], sessions: s, counsellors: [{ ...anna, employedUntil: '2025-03-10' }] }), [], 'on the last employed day')
  t.same(broken({ referrals: [oN], sessions: s, counsellors: [{ ...anna, employedFrom: '2025-03-11' }] }), ['employment'], 'before the first')
  t.same(broken({ referrals: [oN], sessions: s, counsellors: [{ ...anna, employedFrom: '2025-03-10' }] }), [], 'on the first')
})

t.test('absence: from and to inclusive', async (t) => {
  const s = [individual(oN, '2025-03-10')]
  const away = (from: string, to: string) => [{ ...anna, absences: [{ from, to, reason: 'other' as const }] }]
  t.same(broken({ referrals: [oN], sessions: s, counsellors: away('2025-03-10', '2025-03-12') }), ['absence'], 'on the first day')
  t.same(broken({ referrals: [oN], sessions: s, counsellors: away('2025-03-11', '2025-03-12') }), [], 'the day before it')
  t.same(broken({ referrals: [oN], sessions: s, counsellors: away('2025-03-03', '2025-03-09') }), [], 'the day after it')
})

t.test('group-size: a participant named twice, an empty group, and the maximum', async (t) => {
  const v1 = violations({ referrals: [u], sessions: [groupOf(['u', 'u'], '2025-03-19')] })
  t.same(v1.map((x) => x.rule), ['group-size', 'group-meeting-once'], 'u twice in one meeting (which also counts as two meetings)')
  t.match(v1[0], { detail: /names a participant twice/ }, 'said so')
  t.same(broken({ referrals: [u], sessions: [groupOf([], '2025-03-19')] }), ['group-size'], 'nobody in it')
  const small = { ...policy, groupMeeting: { ...policy.groupMeeting, maxParticipants: 2 } }
  t.same(broken({ referrals: [u, v], sessions: [groupOf(['u', 'v'], '2025-03-19')], policy: small }), [], 'exactly the maximum')
  t.same(broken({ referrals: [u, v], sessions: [groupOf(['u', 'v'], '2025-03-19')], policy: { ...small, groupMeeting: { ...small.groupMeeting, maxParticipants: 1 } } }), ['group-size'], 'one over it')
  t.same(broken({ referrals: [u], sessions: [groupOf(['u', 'ghost'], '2025-03-19')] }), ['referral-exists'], 'a participant the problem does not have')
})

t.test('group-meeting-once: nobody in two group meetings', async (t) => {
  t.same(broken({ referrals: [u], sessions: [groupOf(['u'], '2025-03-19'), groupOf(['u'], '2025-03-20')] }), ['group-meeting-once'], 'u on 19 and 20 March')
  t.same(broken({ referrals: [u, v], sessions: [groupOf(['u'], '2025-03-19'), groupOf(['v'], '2025-03-20')] }), [], 'two meetings, one each')
})

t.test('group-meeting-first: the individual session daysBeforeIndividual days after the meeting, not fewer', async (t) => {
  const meeting = groupOf(['u'], '2025-03-19')
  t.same(broken({ referrals: [u], sessions: [meeting, individual(u, '2025-03-21')] }), [], 'two days after')
  t.same(broken({ referrals: [u], sessions: [meeting, individual(u, '2025-03-20')] }), ['group-meeting-first'], 'one day after')
  t.same(broken({ referrals: [u], sessions: [individual(u, '2025-03-21')] }), ['group-meeting-first'], 'no meeting at all')
})

t.test('followup: without a first session, twice, and the gap at its boundary', async (t) => {
  const first = individual(two, '2025-03-07')
  t.same(broken({ referrals: [two], sessions: [first, individual(two, '2025-04-04', '09:00', 'followup')] }), [], 'first on 7 March, follow-up 28 days later')
  t.same(broken({ referrals: [two], sessions: [first, individual(two, '2025-04-03', '09:00', 'followup')] }), ['followup'], '27 days later')
  const alone = violations({ referrals: [two], sessions: [individual(two, '2025-04-04', '09:00', 'followup')] })
  t.same(alone.map((x) => x.rule), ['followup'], 'a follow-up without a first session')
  t.match(alone[0], { detail: /has no first session/ }, 'said so')
  const twice = violations({ referrals: [two], sessions: [first, individual(two, '2025-04-04', '09:00', 'followup'), individual(two, '2025-04-07', '09:00', 'followup')] })
  t.same(twice.map((x) => x.rule), ['followup'], 'two follow-ups')
  t.match(twice[0], { detail: /two has 2 follow-up sessions/ }, 'said so')
})

t.test('deadline-breach follows the policy deadlineMonths', async (t) => {
  // settledOn 1 February: 3 months gives 1 May; 1 month gives 1 March, before the run.
  const late = [individual(oN, '2025-03-10')]
  const oneMonth = { ...policy, deadlineMonths: 1 }
  const breach: DeadlineBreach = { referralId: 'oN', deadline: '2025-03-01', plannedOn: '2025-03-10', reason: 'no-capacity-before-deadline', detail: 'late' }
  t.same(broken({ referrals: [oN], sessions: late }), [], 'within 3 months: no breach')
  t.same(broken({ referrals: [oN], sessions: late, policy: oneMonth }), ['deadline-breach'], 'deadlineMonths 1: late, and unreported')
  t.same(broken({ referrals: [oN], sessions: late, policy: oneMonth, breaches: [breach] }), [], 'reported with the 1-month deadline')
  t.same(broken({ referrals: [oN], sessions: late, breaches: [breach] }), ['deadline-breach', 'deadline-breach'], 'under 3 months the same report has the wrong deadline and is no breach')
  t.same(broken({ referrals: [oN], sessions: late, policy: oneMonth, breaches: [{ ...breach, deadline: '2025-05-01' }] }), ['deadline-breach'], 'a 3-month deadline under a 1-month policy is wrong')
})

t.test('deadline-breach: each entry real, once, with the first session date', async (t) => {
  const oneMonth = { ...policy, deadlineMonths: 1 }
  const late = [individual(oN, '2025-03-10')]
  const breach: DeadlineBreach = { referralId: 'oN', deadline: '2025-03-01', plannedOn: '2025-03-10', reason: 'no-capacity-before-deadline', detail: 'late' }
  t.same(broken({ referrals: [oN], sessions: late, policy: oneMonth, breaches: [breach, breach] }), ['deadline-breach'], 'reported twice')
  t.same(broken({ referrals: [oN], sessions: late, policy: oneMonth, breaches: [{ ...breach, plannedOn: '2025-03-11' }] }), ['deadline-breach'], 'plannedOn not the first session')
  t.same(broken({ referrals: [oN], sessions: late, policy: oneMonth, breaches: [breach, { ...breach, referralId: 'ghost' }] }), ['deadline-breach'], 'a breach of a referral the problem does not have')
  t.same(broken({ referrals: [oN], sessions: [], policy: oneMonth, breaches: [{ ...breach, plannedOn: null }] }), [], 'unscheduled and past its deadline: may be reported with plannedOn null')
})

t.test('session-length per track, horizon at both ends', async (t) => {
  const s = individual(u, '2025-03-21')
  t.same(broken({ referrals: [u], sessions: [groupOf(['u'], '2025-03-19'), { ...s, end: toOsloDateTime('2025-03-21', parseHhMm('09:00') + 90) }] }), ['session-length'], 'ukraine session 90 minutes, not 60')
  const last = addDays(RUN, 7 * 8 - 1)
  t.same(broken({ referrals: [oN], sessions: [individual(oN, last)] }), [], `the horizon's last day, ${last}`)
  t.same(broken({ referrals: [oN], sessions: [individual(oN, addDays(last, 1))] }), ['horizon'], 'the day after')
})

t.test('unassigned names only referrals of the problem', async (t) => {
  const problem: Problem = { runDate: RUN, horizonWeeks: 8, policy, counsellors: [anna], referrals: [oN], pinned: [] }
  const proposal: Proposal = {
    runDate: RUN, status: 'proposed', sessions: [],
    unassigned: [{ referralId: 'oN', reason: 'no-capacity-in-horizon', detail: 'x' }, { referralId: 'ghost', reason: 'no-capacity-in-horizon', detail: 'x' }],
    deadlineBreaches: [],
    stats: { referrals: 0, scheduled: 0, withinDeadline: 0, solveMs: 0, method: 'greedy', outcome: 'feasible', sessions: 0, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  }
  t.match(validateProposal(problem, proposal), [{ rule: 'referral-exists', detail: /ghost/ }], 'ghost is named')
})

t.test("each violation's words: what the engine's tests and the benchmarks report when a rule breaks", async (t) => {
  const oneMonth = { ...policy, deadlineMonths: 1 }
  const small = { ...policy, groupMeeting: { ...policy.groupMeeting, maxParticipants: 1 } }
  const cases: [string, Case, { rule: string; detail: string }[]][] = [
  ['lead', { referrals: [oI], sessions: [individual(oI, '2025-03-11')] }, [{ rule: 'lead-time', detail: "individual session of oI with anna at 2025-03-11T09:00:00+01:00 is before 2025-03-12: an interpreter needs 7 days' notice from the run date 2025-03-05" }]],
  ['lead-noint', { referrals: [oN], sessions: [individual(oN, '2025-03-06')] }, [{ rule: 'lead-time', detail: "individual session of oN with anna at 2025-03-06T09:00:00+01:00 is before 2025-03-07: 2 days' notice from the run date 2025-03-05" }]],
  ['saturday', { referrals: [oN], sessions: [individual(oN, '2025-03-08')] }, [{ rule: 'working-day', detail: 'individual session of oN with anna at 2025-03-08T09:00:00+01:00 falls on a Saturday' }, { rule: 'working-hours', detail: "individual session of oN with anna at 2025-03-08T09:00:00+01:00 is outside anna's working hours that weekday (within 08:00-15:30)" }]],
  ['sunday', { referrals: [oN], sessions: [individual(oN, '2025-03-09')] }, [{ rule: 'working-day', detail: 'individual session of oN with anna at 2025-03-09T09:00:00+01:00 falls on a Sunday' }, { rule: 'working-hours', detail: "individual session of oN with anna at 2025-03-09T09:00:00+01:00 is outside anna's working hours that weekday (within 08:00-15:30)" }]],
  ['holiday', { referrals: [oN], sessions: [individual(oN, '2025-04-18')] }, [{ rule: 'working-day', detail: 'individual session of oN with anna at 2025-04-18T09:00:00+02:00 falls on a public holiday (2025-04-18)' }]],
  ['closed', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], policy: { ...policy, closedDates: ['2025-03-10'] } }, [{ rule: 'centre-closed', detail: 'individual session of oN with anna at 2025-03-10T09:00:00+01:00 falls on a day the centre is closed (2025-03-10)' }]],
  ['hours', { referrals: [oN], sessions: [individual(oN, '2025-03-10', '14:00')] }, [{ rule: 'working-hours', detail: "individual session of oN with anna at 2025-03-10T14:00:00+01:00 is outside anna's working hours that weekday (within 08:00-15:30)" }]],
  ['absence', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], counsellors: [{ ...anna, absences: [{ from: '2025-03-10', to: '2025-03-12', reason: 'other' }] }] }, [{ rule: 'absence', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00 falls in anna's absence 2025-03-10..2025-03-12" }]],
  ['employment', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], counsellors: [{ ...anna, employedUntil: '2025-03-07' }] }, [{ rule: 'employment', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00 is outside anna's employment (…..2025-03-07)" }]],
  ['employment-from', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], counsellors: [{ ...anna, employedFrom: '2025-03-11' }] }, [{ rule: 'employment', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00 is outside anna's employment (2025-03-11..…)" }]],
  ['horizon', { referrals: [oN], sessions: [individual(oN, '2025-04-30')] }, [{ rule: 'horizon', detail: 'individual session of oN with anna at 2025-04-30T09:00:00+02:00 is outside the horizon 2025-03-05..2025-04-29' }]],
  ['length', { referrals: [oN], sessions: [{ ...individual(oN, '2025-03-10'), end: '2025-03-10T10:00:00+01:00' }] }, [{ rule: 'session-length', detail: 'individual session of oN with anna at 2025-03-10T09:00:00+01:00 lasts 60 minutes; the ordinary session takes 120' }]],
  ['deferral', { referrals: [{ ...oN, deferredUntil: '2025-03-11' }], sessions: [individual(oN, '2025-03-10')] }, [{ rule: 'deferral', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00 is before oN's deferral until 2025-03-11" }]],
  ['no-order', { referrals: [oI], sessions: [{ ...individual(oI, '2025-03-12'), interpreterOrderBy: undefined } as Session] }, [{ rule: 'interpreter-order', detail: 'individual session of oI with anna at 2025-03-12T09:00:00+01:00 needs an interpreter but has no interpreterOrderBy' }]],
  ['bad-order', { referrals: [oI], sessions: [{ ...individual(oI, '2025-03-12'), interpreterOrderBy: '2025-03-11T09:00:00+01:00' }] }, [{ rule: 'interpreter-order', detail: 'individual session of oI with anna at 2025-03-12T09:00:00+01:00: interpreterOrderBy 2025-03-11T09:00:00+01:00 is not the last open day 2 working days before the start, on or after the run date' }]],
  ['order-not-needed', { referrals: [oN], sessions: [{ ...individual(oN, '2025-03-10'), interpreterOrderBy: '2025-03-06T09:00:00+01:00' }] }, [{ rule: 'interpreter-order', detail: 'individual session of oN with anna at 2025-03-10T09:00:00+01:00 has an interpreter order but the referral needs none' }]],
  ['programme', { referrals: [{ ...oN, programmeEndsOn: '2025-03-09' }], sessions: [individual(oN, '2025-03-10')] }, [{ rule: 'programme-end', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00 is after oN's programme end 2025-03-09" }]],
  ['track', { referrals: [{ ...oN, track: 'corona', competenceMappingDone: true }], sessions: [{ ...individual({ ...oN, track: 'corona' }, '2025-03-10') }] }, [{ rule: 'track-in-force', detail: 'individual session of oN with anna at 2025-03-10T09:00:00+01:00: the corona track is not in force on 2025-03-10' }]],
  ['group-size', { referrals: [u, v], sessions: [groupOf(['u', 'v'], '2025-03-19')], policy: small }, [{ rule: 'group-size', detail: 'group (uk) of 2 with anna at 2025-03-19T09:00:00+01:00: 2 participants, allowed 1..1' }]],
  ['group-track', { referrals: [u, { ...v, track: 'ordinary' }], sessions: [groupOf(['u', 'v'], '2025-03-19')] }, [{ rule: 'group-participants', detail: 'group (uk) of 2 with anna at 2025-03-19T09:00:00+01:00: v is on the ordinary track, not ukraine' }]],
  ['group-lang', { referrals: [u, { ...v, language: 'ru' }], sessions: [groupOf(['u', 'v'], '2025-03-19')] }, [{ rule: 'group-participants', detail: 'group (uk) of 2 with anna at 2025-03-19T09:00:00+01:00: v speaks ru, not uk' }]],
  ['mapping', { referrals: [{ ...oN, competenceMappingDone: false }], sessions: [individual(oN, '2025-03-10')] }, [{ rule: 'competence-mapping', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00: oN's competence mapping is not done" }]],
  ['gmf', { referrals: [u], sessions: [groupOf(['u'], '2025-03-19'), individual(u, '2025-03-20')] }, [{ rule: 'group-meeting-first', detail: 'individual session of u with anna at 2025-03-20T09:00:00+01:00: u has no group meeting at least 2 days before' }]],
  ['followup-one', { referrals: [oN], sessions: [individual(oN, '2025-03-07'), individual(oN, '2025-04-04', '09:00', 'followup')] }, [{ rule: 'followup', detail: 'followup session of oN with anna at 2025-04-04T09:00:00+02:00: oN has one meeting, not two' }]],
  ['followup-gap', { referrals: [two], sessions: [individual(two, '2025-03-07'), individual(two, '2025-04-03', '09:00', 'followup')] }, [{ rule: 'followup', detail: 'followup session of two with anna at 2025-04-03T09:00:00+02:00 is 27 days after the first session; at least 28 are needed' }]],
  ['overlap', { referrals: [oN, two], sessions: [individual(oN, '2025-03-10'), individual(two, '2025-03-10', '10:00')] }, [{ rule: 'overlap', detail: 'individual session of two with anna at 2025-03-10T10:00:00+01:00 overlaps individual session of oN with anna at 2025-03-10T09:00:00+01:00' }]],
  ['cap', { referrals: [oN, two], sessions: [individual(oN, '2025-03-10'), individual(two, '2025-03-10', '11:00')], counsellors: [{ ...anna, maxSessionsPerDay: 1 }] }, [{ rule: 'max-sessions-per-day', detail: 'anna has 2 sessions on 2025-03-10; at most 1' }]],
  ['one-ind', { referrals: [oN], sessions: [individual(oN, '2025-03-10'), individual(oN, '2025-03-11')] }, [{ rule: 'one-individual', detail: 'oN has 2 individual sessions' }]],
  ['gm-once', { referrals: [u], sessions: [groupOf(['u'], '2025-03-19'), groupOf(['u'], '2025-03-20')] }, [{ rule: 'group-meeting-once', detail: 'u is in 2 group meetings' }]],
  ['ref-exists', { referrals: [], sessions: [individual(oN, '2025-03-10')] }, [{ rule: 'referral-exists', detail: 'individual session of oN with anna at 2025-03-10T09:00:00+01:00: no referral oN in the problem' }]],
  ['deadline-unreported', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], policy: oneMonth }, [{ rule: 'deadline-breach', detail: "individual session of oN with anna at 2025-03-10T09:00:00+01:00 is after oN's deadline 2025-03-01 and no breach is reported" }]],
  ['deadline-wrong', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], breaches: [{ referralId: 'oN', deadline: '2025-03-01', plannedOn: '2025-03-11', reason: 'no-capacity-before-deadline', detail: 'x' }] }, [{ rule: 'deadline-breach', detail: 'breach for oN gives deadline 2025-03-01; it is 2025-05-01' }, { rule: 'deadline-breach', detail: 'breach for oN gives plannedOn 2025-03-11; the first session is on 2025-03-10' }, { rule: 'deadline-breach', detail: 'breach for oN, whose first session 2025-03-10 is within the deadline 2025-05-01' }]],
  ['deadline-ukraine', { referrals: [u], sessions: [groupOf(['u'], '2025-03-19')], breaches: [{ referralId: 'u', deadline: '2025-03-01', plannedOn: null, reason: 'no-capacity-before-deadline', detail: 'x' }] }, [{ rule: 'deadline-breach', detail: 'breach for u on the ukraine track, which has no deadline' }]],
  ['deadline-ghost', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], breaches: [{ referralId: 'ghost', deadline: '2025-03-01', plannedOn: null, reason: 'no-capacity-before-deadline', detail: 'x' }] }, [{ rule: 'deadline-breach', detail: 'breach for ghost, which is not in the problem' }]],
  ['deadline-twice', { referrals: [oN], sessions: [individual(oN, '2025-03-10')], policy: oneMonth, breaches: [{ referralId: 'oN', deadline: '2025-03-01', plannedOn: '2025-03-10', reason: 'no-capacity-before-deadline', detail: 'x' }, { referralId: 'oN', deadline: '2025-03-01', plannedOn: '2025-03-10', reason: 'no-capacity-before-deadline', detail: 'x' }] }, [{ rule: 'deadline-breach', detail: 'oN has more than one breach entry' }]],
  ]
  for (const [name, c, expected] of cases) t.same(violations(c), expected, name)
})

t.test('pinned sessions: a committed group meeting is the same whatever the order of its members; an order on the run date is in time', async (t) => {
  const meeting = groupOf(['u', 'v'], '2025-03-19')
  const problem: Problem = { runDate: RUN, horizonWeeks: 8, policy, counsellors: [anna], referrals: [u, v], pinned: [meeting] }
  const proposal = (sessions: Session[]): Proposal => ({
    runDate: RUN, status: 'proposed', sessions,
    unassigned: [u, v].map((r) => ({ referralId: r.id, reason: 'no-capacity-in-horizon' as const, detail: 'x' })),
    deadlineBreaches: [],
    stats: { referrals: 0, scheduled: 0, withinDeadline: 0, solveMs: 0, method: 'greedy', outcome: 'feasible', sessions: 0, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  })
  t.same(validateProposal(problem, proposal([{ ...meeting, referralIds: ['v', 'u'] }])), [], 'members listed the other way round: still the committed meeting')
  // The committed meeting counts as missing, and as still taking its time: the changed one overlaps it, and u is in both.
  t.same(validateProposal(problem, proposal([{ ...meeting, referralIds: ['u'] }])).map((x) => x.rule), ['pinned-kept', 'overlap', 'group-meeting-once'], 'a member less: not the committed meeting')
  t.same(validateProposal(problem, proposal([{ ...meeting, language: 'ru' }])).map((x) => x.rule).filter((r) => r === 'pinned-kept'), ['pinned-kept'], 'another language: not the committed meeting')
  // Lead days of 2 with an interpreter: Friday 7 March, ordered two open days before, on the run date (Wednesday 5).
  const short = { ...policy, leadDays: { ...policy.leadDays, ordinary: 2 } }
  t.same(broken({ referrals: [oI], sessions: [individual(oI, '2025-03-07', '09:00', 'individual', short)], policy: short }), [], 'ordered on the run date itself')
})
