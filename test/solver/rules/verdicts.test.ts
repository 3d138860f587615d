import t from 'tap'
import { resolvePolicy } from '../../../solver/policy.ts'
import { competenceMapping, deadline, deferral, eligibility, groupMeetingFirst, leadTime, programmeEnd, trackInForce, type RuleContext } from '../../../solver/rules/index.ts'
import { firstOrderable } from '../../../solver/rules/lead-time.ts'
import { isLateCancellation, serviceFor, workingHoursBetween } from '../../../solver/rules/late-cancellation.ts'
import type { Referral } from '../../../solver/types.ts'

// Every rule's whole verdict, words included: the detail is what a municipality reads when a
// referral waits, so a changed sentence or bound is a changed answer (issue 14: mutation testing
// found the rule tests checked the reason and not the rest). And each bound at its edge.
// Run on Monday 3 March 2025 with a four-week horizon: the last date is Sunday 30 March.
const policy = resolvePolicy(undefined, '2025-03-03')
const ctx: RuleContext = { runDate: '2025-03-03', horizonEnd: '2025-03-30', policy }
const referral = (over: Partial<Referral> = {}): Referral => ({
  id: 'r1', municipality: '5001', track: 'ordinary', settledOn: '2025-01-15', referredOn: '2025-02-20', language: 'ar',
  interpreter: true, threatenedIndustry: false, competenceMappingDone: true, advisorConsent: true, groupMeetingDone: false, meetings: 1,
  ...over,
})
const withPeriods = (periods: Partial<typeof policy.trackPeriods>): RuleContext => ({ ...ctx, policy: { ...policy, trackPeriods: { ...policy.trackPeriods, ...periods } } })

t.test('track-in-force: blocked before its period or after it, bounded within it, said in words', async (t) => {
  t.same(trackInForce(referral({ track: 'corona' }), ctx), {
    ok: false, reason: 'rules-not-in-force',
    detail: "the corona track is in force from 2020-01-01 to 2022-12-31, not in this run's horizon 2025-03-03..2025-03-30",
    explanation: { code: 'rules-not-in-force', track: 'corona', from: '2020-01-01', until: '2022-12-31' },
  }, 'repealed before the run')
  t.same(trackInForce(referral(), withPeriods({ ordinary: { from: '2025-04-01' } })), {
    ok: false, reason: 'rules-not-in-force',
    detail: "the ordinary track is in force from 2025-04-01, not in this run's horizon 2025-03-03..2025-03-30",
    explanation: { code: 'rules-not-in-force', track: 'ordinary', from: '2025-04-01' },
  }, 'in force only after the horizon')
  t.match(trackInForce(referral(), withPeriods({ ordinary: { from: '2025-03-30' } })), { ok: true, earliest: '2025-03-30' }, "from the horizon's last day: in force on it")
  t.match(trackInForce(referral({ track: 'corona' }), withPeriods({ corona: { from: '2020-01-01', until: '2025-03-03' } })), { ok: true, latest: '2025-03-03' }, 'until the run date: in force on it')
  t.same(trackInForce(referral({ track: 'corona' }), withPeriods({ corona: { from: '2020-01-01', until: '2025-03-10' } })), {
    ok: true, earliest: '2020-01-01', latest: '2025-03-10',
    ifEmpty: {
      reason: 'rules-not-in-force',
      detail: "the corona track is in force from 2020-01-01 to 2025-03-10, not in this run's horizon 2025-03-03..2025-03-30",
      explanation: { code: 'rules-not-in-force', track: 'corona', from: '2020-01-01', until: '2025-03-10' },
    },
  }, 'ending inside the horizon bounds the window')
  t.same(trackInForce(referral(), ctx), {
    ok: true, earliest: '2021-01-01',
    ifEmpty: {
      reason: 'rules-not-in-force',
      detail: "the ordinary track is in force from 2021-01-01, not in this run's horizon 2025-03-03..2025-03-30",
      explanation: { code: 'rules-not-in-force', track: 'ordinary', from: '2021-01-01' },
    },
  }, 'open-ended: no latest')
})

t.test('deferral, competence mapping, programme end and deadline: whole verdicts', async (t) => {
  t.same(deferral(referral({ deferredUntil: '2025-04-01' }), ctx), { ok: false, reason: 'deferred', detail: 'deferred until 2025-04-01', explanation: { code: 'deferred', until: '2025-04-01' } }, 'past the horizon, no reason given')
  t.same(deferral(referral({ deferredUntil: '2025-03-30' }), ctx), { ok: true, earliest: '2025-03-30' }, "to the horizon's last day: within it")
  t.same(deferral(referral(), ctx), { ok: true }, 'not deferred')
  t.same(competenceMapping(referral({ competenceMappingDone: false }), ctx), {
    ok: false, reason: 'missing-competence-mapping',
    detail: 'the municipality must complete the competence mapping in IMDi-nett before the session can be booked',
    explanation: { code: 'missing-competence-mapping' },
  }, 'ordinary without mapping')
  t.same(competenceMapping(referral({ track: 'ukraine', competenceMappingDone: false }), ctx), { ok: true }, 'ukraine needs none')
  const ended = { reason: 'programme-ended', detail: 'the introduction programme ends on 2025-03-02; a session after it is of no use', explanation: { code: 'programme-ended', endsOn: '2025-03-02' } }
  t.same(programmeEnd(referral({ programmeEndsOn: '2025-03-02' }), ctx), { ok: false, ...ended }, 'ended the day before the run')
  t.match(programmeEnd(referral({ programmeEndsOn: '2025-03-03' }), ctx), { ok: true, latest: '2025-03-03' }, 'ends on the run date: that day is still in time')
  t.same(programmeEnd(referral({ programmeEndsOn: '2025-03-20' }), ctx), {
    ok: true, latest: '2025-03-20',
    ifEmpty: { reason: 'programme-ended', detail: 'the introduction programme ends on 2025-03-20; a session after it is of no use', explanation: { code: 'programme-ended', endsOn: '2025-03-20' } },
  }, 'ends inside the horizon')
  t.match(programmeEnd(referral({ programmeEndsOn: '2025-05-20' }), ctx), { ok: true, latest: '2025-03-30' }, 'ends after the horizon: the horizon bounds it')
  t.same(programmeEnd(referral(), ctx), { ok: true }, 'no programme end')
  t.same(deadline(referral(), ctx), { ok: true, deadline: '2025-04-15' }, 'ordinary: settledOn + 3 months')
  t.same(deadline(referral({ track: 'ukraine' }), ctx), { ok: true, deadline: null }, 'ukraine: none')
})

t.test('lead-time: whole verdicts, with the interpreter or without, against the horizon or the programme end', async (t) => {
  t.same(leadTime(referral(), ctx), {
    ok: true, earliest: '2025-03-10',
    ifEmpty: {
      reason: 'lead-time',
      detail: 'an interpreter must be ordered 7 days ahead; the first possible date, 2025-03-10, is too late: the planning horizon ends on 2025-03-30',
      explanation: { code: 'lead-time', days: 7, interpreter: true, earliest: '2025-03-10', limit: '2025-03-30', programmeEnds: false },
    },
  }, 'interpreted, against the horizon')
  t.same(leadTime(referral({ interpreter: false, programmeEndsOn: '2025-03-04' }), ctx), {
    ok: true, earliest: '2025-03-05',
    ifEmpty: {
      reason: 'lead-time',
      detail: 'the session must be booked 2 days ahead; the first possible date, 2025-03-05, is too late: the programme ends on 2025-03-04',
      explanation: { code: 'lead-time', days: 2, interpreter: false, earliest: '2025-03-05', limit: '2025-03-04', programmeEnds: true },
    },
  }, 'without interpreter, against the programme end')
  t.match(leadTime(referral({ programmeEndsOn: '2025-03-30' }), ctx), { ifEmpty: { explanation: { limit: '2025-03-30', programmeEnds: false } } }, "a programme ending on the horizon's last day: the horizon is the limit")
  // A one-day lead time with two open days to order the interpreter: Tuesday's order day would be
  // Friday before the run, so the first date is Wednesday (ordered on the run date, Monday).
  const short = { ...ctx, policy: { ...policy, leadDays: { ...policy.leadDays, ordinary: 1 } } }
  t.equal(firstOrderable('2025-03-04', short), '2025-03-05', 'the order day may not be before the run')
  t.equal(firstOrderable('2025-03-05', short), '2025-03-05', 'ordered on the run date itself is fine')
  t.match(leadTime(referral(), short), { earliest: '2025-03-05' }, 'leadTime uses it')
  t.match(leadTime(referral({ interpreter: false }), short), { earliest: '2025-03-05' }, 'without interpreter: noticeDays, 2')
})

t.test('group-meeting-first: whole verdicts', async (t) => {
  const u = referral({ track: 'ukraine', language: 'uk' })
  t.same(groupMeetingFirst(u, { ...ctx, groupMeetingOn: '2025-03-18' }), {
    ok: true, earliest: '2025-03-20',
    ifEmpty: {
      reason: 'awaiting-group-meeting',
      detail: 'the group meeting is on 2025-03-18; the individual session comes 2 days later, 2025-03-20, which is too late in this run',
      explanation: { code: 'group-meeting-booked', on: '2025-03-18', gap: 2, earliest: '2025-03-20' },
    },
  }, 'a meeting already planned')
  t.same(groupMeetingFirst(u, ctx), {
    ok: true, needsGroupMeeting: true, mustReach: '2025-03-19',
    ifEmpty: {
      reason: 'awaiting-group-meeting',
      detail: 'a group meeting must come first (an interpreter ordered 14 days ahead), then the individual session 2 days later, no earlier than 2025-03-19, which is too late in this run',
      explanation: { code: 'group-meeting-needed', leadDays: 14, gap: 2, earliest: '2025-03-19' },
    },
  }, 'the run plans the meeting')
  t.same(groupMeetingFirst({ ...u, groupMeetingDone: true }, ctx), { ok: true }, 'done already')
  t.same(groupMeetingFirst(referral(), ctx), { ok: true }, 'not the ukraine track')
})

t.test("eligibility: a window of one day is a window; one day less is the closing rule's reason", async (t) => {
  t.match(eligibility(referral({ programmeEndsOn: '2025-03-10' }), ctx), { ok: true, window: { earliest: '2025-03-10', latest: '2025-03-10' } }, 'programme ends on the first possible date')
  t.match(eligibility(referral({ programmeEndsOn: '2025-03-09' }), ctx), { ok: false, reason: 'lead-time', explanation: { limit: '2025-03-09', programmeEnds: true } }, 'a day before it')
  const u = referral({ track: 'ukraine', language: 'uk' })
  t.match(eligibility(u, { ...ctx, horizonEnd: '2025-03-19' }), { ok: true, needsGroupMeeting: true, window: { earliest: '2025-03-17', latest: '2025-03-19' } }, "the horizon reaches the meeting's earliest individual date")
  t.match(eligibility(u, { ...ctx, horizonEnd: '2025-03-18' }), { ok: false, reason: 'awaiting-group-meeting' }, 'a day short')
  t.same(eligibility(referral({ track: 'ukraine', language: 'uk', groupMeetingDone: true, deferredUntil: '2025-03-25' }), ctx), {
    ok: true, window: { earliest: '2025-03-25', latest: '2025-03-30', deadline: null }, needsGroupMeeting: false, minutes: 60,
  }, 'the latest bound wins for earliest, the ukraine session is an hour, no deadline')
})

t.test('late cancellation helpers: which service serves a language; no working hours backwards or over a weekend', async (t) => {
  const services = [{ name: 'A', languages: ['ti'] }, { name: 'B', languages: [] }, { name: 'C' }]
  t.equal(serviceFor(services, 'ti')?.name, 'A', 'the service naming the language')
  t.equal(serviceFor(services, 'ar')?.name, 'B', 'else the first without a list (an empty list is none)')
  t.equal(serviceFor([{ name: 'A', languages: ['ti'] }, { name: 'C' }], null)?.name, 'C', 'no language: the one without a list')
  t.equal(serviceFor([{ name: 'A', languages: ['ti'] }], 'ar'), undefined, 'none serves it')
  t.equal(workingHoursBetween('2025-03-10T10:00:00+01:00', '2025-03-10T09:00:00+01:00'), 0, 'backwards: none')
  t.equal(workingHoursBetween('2025-03-08T09:00:00+01:00', '2025-03-09T20:00:00+01:00'), 0, 'Saturday to Sunday: none')
  t.equal(workingHoursBetween('2025-03-07T20:00:00+01:00', '2025-03-10T01:30:00+01:00'), 5.5, 'Friday 20:00 to Monday 01:30: 4 h of Friday, 1.5 h of Monday')
})

t.test('eligibility keeps the narrowest bound: a track period ending after the horizon does not widen the window', async (t) => {
  const corona = referral({ track: 'corona', interpreter: false, competenceMappingDone: false })
  t.match(eligibility(corona, withPeriods({ corona: { from: '2020-01-01', until: '2025-12-31' } })), { ok: true, window: { earliest: '2025-03-05', latest: '2025-03-30' } }, "the horizon's end, not the period's")
  t.match(eligibility(corona, withPeriods({ corona: { from: '2020-01-01', until: '2025-03-20' } })), { ok: true, window: { latest: '2025-03-20' } }, "the period's end inside the horizon")
})

t.test('a service with both notice terms bills by its clock hours', async (t) => {
  // Monday 10 March 09:00, cancelled Friday 08:00: 73 clock hours, 25 working hours.
  const both = { interpreterServices: [{ name: 'Begge', cancellationHours: 36, cancellationWorkingHours: 48 }], lateCancellationHours: 36 }
  t.equal(isLateCancellation({ start: '2025-03-10T09:00:00+01:00', interpreted: true, language: 'ar' }, '2025-03-07T08:00:00+01:00', both), false, '73 clock hours ahead is in time, though 25 working hours would be late')
})
