import t from 'tap'
import { resolvePolicy } from '../../../solver/policy.ts'
import {
  competenceMapping,
  deadline,
  deadlineOf,
  deferral,
  eligibility,
  groupMeetingFirst,
  leadTime,
  programmeEnd,
  trackInForce,
  type RuleContext,
} from '../../../solver/rules/index.ts'
import type { Referral } from '../../../solver/types.ts'

// Run on Monday 3 March 2025 with a four-week horizon: the last date is Sunday 30 March.
const policy = resolvePolicy(undefined, '2025-03-03')
const ctx: RuleContext = { runDate: '2025-03-03', horizonEnd: '2025-03-30', policy }

const referral = (over: Partial<Referral> = {}): Referral => ({
  id: 'r1',
  municipality: '5001',
  track: 'ordinary',
  settledOn: '2025-01-15',
  referredOn: '2025-02-20',
  language: 'ar',
  interpreter: true,
  threatenedIndustry: false,
  competenceMappingDone: true,
  advisorConsent: true,
  groupMeetingDone: false,
  meetings: 1,
  ...over,
})

t.test('an eligible ordinary referral: window from the lead time to the horizon, deadline 3 months on', async (t) => {
  t.same(eligibility(referral(), ctx), {
    ok: true,
    window: { earliest: '2025-03-10', latest: '2025-03-30', deadline: '2025-04-15' },
    needsGroupMeeting: false,
    minutes: 120,
  }, 'ordinary: 7 days lead, the 2-hour block')
})

t.test('deferral: deferred past the horizon → deferred; within it → not before that date', async (t) => {
  const later = referral({ deferredUntil: '2025-04-01', deferralReason: 'starts school first' })
  t.same(deferral(later, ctx), { ok: false, reason: 'deferred', detail: 'deferred until 2025-04-01: starts school first', explanation: { code: 'deferred', until: '2025-04-01' } })
  t.match(eligibility(later, ctx), { ok: false, reason: 'deferred' }, 'eligibility reports deferred')
  const soon = referral({ deferredUntil: '2025-03-20', deferralReason: 'illness' })
  t.match(eligibility(soon, ctx), { ok: true, window: { earliest: '2025-03-20' } }, 'earliest moves to deferredUntil')
  t.match(eligibility(referral({ deferredUntil: '2025-03-30' }), ctx), { ok: true, window: { earliest: '2025-03-30' } },
    'deferred to the horizon\'s last day is still in it')
  t.match(eligibility(referral({ deferredUntil: '2025-03-05' }), ctx), { ok: true, window: { earliest: '2025-03-10' } },
    'an earlier deferral does not beat the lead time')
})

t.test('competence-mapping: ordinary needs it, other tracks do not', async (t) => {
  const v = competenceMapping(referral({ competenceMappingDone: false }), ctx)
  t.match(v, { ok: false, reason: 'missing-competence-mapping', detail: /IMDi-nett/ }, 'tells the municipality what to do')
  t.match(eligibility(referral({ competenceMappingDone: false }), ctx), { ok: false, reason: 'missing-competence-mapping' })
  t.match(eligibility(referral({ track: 'ukraine', groupMeetingDone: true, competenceMappingDone: false }), ctx), { ok: true }, 'ukraine: not required')
})

t.test('programme-end: nothing after the programme end day; the last day is still in time', async (t) => {
  t.match(programmeEnd(referral({ programmeEndsOn: '2025-03-02' }), ctx), { ok: false, reason: 'programme-ended' },
    'ended the day before the run')
  t.match(programmeEnd(referral({ programmeEndsOn: '2025-03-03' }), ctx), { ok: true, latest: '2025-03-03' },
    'ends on the run date: that day is still in time')
  t.match(eligibility(referral({ programmeEndsOn: '2025-02-01' }), ctx),
    { ok: false, reason: 'programme-ended', detail: /ends on 2025-02-01.*of no use/ }, 'ended already')
  t.match(eligibility(referral({ programmeEndsOn: '2025-03-25' }), ctx), { ok: true, window: { latest: '2025-03-25' } },
    'latest is the last day of the programme')
  t.match(eligibility(referral({ programmeEndsOn: '2025-06-01' }), ctx), { ok: true, window: { latest: '2025-03-30' } },
    'an end beyond the horizon leaves the horizon')
  t.match(eligibility(referral({ programmeEndsOn: '2025-03-20', deferredUntil: '2025-03-25' }), ctx),
    { ok: false, reason: 'programme-ended' }, 'deferred until after the end: nothing remains')
})

t.test('lead-time: interpreter lead days per track, notice days without interpreter', async (t) => {
  t.match(leadTime(referral(), ctx), { ok: true, earliest: '2025-03-10' }, 'ordinary 7 days')
  t.match(leadTime(referral({ track: 'ukraine' }), ctx), { ok: true, earliest: '2025-03-17' }, 'ukraine 14 days')
  t.match(leadTime(referral({ interpreter: false }), ctx), { ok: true, earliest: '2025-03-05' }, '2 days without interpreter')
  t.match(eligibility(referral({ programmeEndsOn: '2025-03-08' }), ctx),
    { ok: false, reason: 'lead-time', detail: /ordered 7 days ahead.*2025-03-10.*programme ends on 2025-03-08/ },
    'programme ends inside the lead time')
  t.match(eligibility(referral({ programmeEndsOn: '2025-03-08', interpreter: false }), ctx), { ok: true, window: { earliest: '2025-03-05', latest: '2025-03-08' } },
    'without interpreter it still fits')
  const oneWeek: RuleContext = { ...ctx, horizonEnd: '2025-03-09' }
  t.match(eligibility(referral(), oneWeek), { ok: false, reason: 'lead-time', detail: /horizon ends on 2025-03-09/ },
    'a one-week horizon cannot hold a one-week lead time')
})

t.test('group-meeting-first: ukraine individual session after the group meeting', async (t) => {
  const uk = referral({ track: 'ukraine', language: 'uk' })
  t.same(eligibility(uk, ctx), {
    ok: true,
    window: { earliest: '2025-03-17', latest: '2025-03-30', deadline: null },
    needsGroupMeeting: true,
    minutes: 60,
  }, 'no group meeting yet: the engine must plan one; no deadline on the ukraine track')
  t.match(eligibility(uk, { ...ctx, groupMeetingOn: '2025-03-20' }),
    { ok: true, needsGroupMeeting: false, window: { earliest: '2025-03-22' } }, 'planned meeting: 2 days after it')
  t.match(eligibility(uk, { ...ctx, groupMeetingOn: '2025-03-29' }), { ok: false, reason: 'awaiting-group-meeting' },
    'a meeting too late for the gap within the horizon')
  t.match(eligibility(referral({ track: 'ukraine', groupMeetingDone: true }), ctx), { ok: true, needsGroupMeeting: false },
    'groupMeetingDone skips it')
  const short: RuleContext = { ...ctx, horizonEnd: '2025-03-18' }
  t.match(groupMeetingFirst(uk, short), { ok: true, needsGroupMeeting: true }, 'the rule itself asks for a meeting')
  t.match(eligibility(uk, short), { ok: false, reason: 'awaiting-group-meeting', detail: /no earlier than 2025-03-19/ },
    'lead time + gap do not fit in a horizon ending 2025-03-18')
  t.match(groupMeetingFirst(referral(), ctx), { ok: true, needsGroupMeeting: undefined }, 'not for the ordinary track')
})

t.test('deadline: ordinary settledOn + 3 months (month-end clamp); soft; none on other tracks', async (t) => {
  t.equal(deadlineOf(referral({ settledOn: '2024-11-30' }), policy), '2025-02-28', 'clamped to February')
  t.equal(deadlineOf(referral({ track: 'corona' }), policy), null)
  t.equal(deadlineOf(referral({ settledOn: '2024-06-01' }), { ...policy, deadlineMonths: 6 }), '2024-12-01', 'policy months')
  t.match(deadline(referral({ settledOn: '2024-06-01' }), ctx), { ok: true, deadline: '2024-09-01' }, 'a passed deadline never blocks')
  t.match(eligibility(referral({ settledOn: '2024-06-01' }), ctx), { ok: true, window: { deadline: '2024-09-01' } })
})

t.test('session minutes come from the policy per track', async (t) => {
  const old = resolvePolicy(undefined, '2021-09-01')
  t.match(eligibility(referral(), { ...ctx, policy: old }), { ok: true, minutes: 90 }, 'the 2021 ordinary block')
  t.match(eligibility(referral({ track: 'corona' }), { runDate: '2020-10-05', horizonEnd: '2020-11-01', policy: resolvePolicy(undefined, '2020-10-05') }), { ok: true, minutes: 90 }, 'corona in 2020')
})

t.test('rules apply in order: the first block decides', async (t) => {
  const both = referral({ competenceMappingDone: false, deferredUntil: '2025-05-01', programmeEndsOn: '2025-01-01' })
  t.match(eligibility(both, ctx), { ok: false, reason: 'deferred' }, 'deferral before competence mapping and programme end')
  t.match(eligibility({ ...both, deferredUntil: undefined }, ctx), { ok: false, reason: 'missing-competence-mapping' },
    'competence mapping before programme end')
})

t.test('track-in-force: no session outside the track\'s legal period; none in the horizon is rules-not-in-force, before any other reason', async (t) => {
  t.match(trackInForce(referral({ track: 'corona' }), ctx), { ok: false, reason: 'rules-not-in-force', explanation: { code: 'rules-not-in-force', track: 'corona', until: '2022-12-31' } },
    'the corona law was repealed at the end of 2022: nothing in 2025')
  const in2020: RuleContext = { runDate: '2020-10-05', horizonEnd: '2020-11-01', policy: resolvePolicy(undefined, '2020-10-05') }
  t.match(eligibility(referral({ competenceMappingDone: false, deferredUntil: '2021-02-01' }), in2020), { ok: false, reason: 'rules-not-in-force' },
    'an ordinary (s.11) referral in 2020, also deferred and unmapped: the track reason comes first')
  t.match(eligibility(referral({ track: 'ukraine', groupMeetingDone: true }), in2020), { ok: false, reason: 'rules-not-in-force' }, 'chapter 6A only from 15 June 2022')
  const straddle: RuleContext = { runDate: '2022-12-12', horizonEnd: '2023-01-08', policy: resolvePolicy(undefined, '2022-12-12') }
  t.match(eligibility(referral({ track: 'corona' }), straddle), { ok: true, window: { earliest: '2022-12-19', latest: '2022-12-31' } }, 'in force part of the horizon: no date after it')
  const changed = resolvePolicy({ trackPeriods: { corona: { from: '2020-01-01', until: '2025-12-31' } } }, '2025-03-03')
  t.match(eligibility(referral({ track: 'corona' }), { ...ctx, policy: changed }), { ok: true }, 'a centre may change the periods')
})

t.test('lead-time: the interpreter order day is an open day on or after the run date', async (t) => {
  const short = resolvePolicy({ leadDays: { ordinary: 1 } }, '2025-03-03')
  t.match(leadTime(referral(), { ...ctx, policy: short }), { ok: true, earliest: '2025-03-05' },
    'one lead day from Monday would give Tuesday, whose order day (2 open days before) is last Friday: Wednesday is the first')
})
