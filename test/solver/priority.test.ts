import t from 'tap'
import type { Ranked } from '../../solver/priority.ts'
import { compareRanked, decisiveRule, priorityFacts } from '../../solver/priority.ts'
import { PRIORITY_RULES } from '../../solver/types.ts'
import { referral } from './helpers.ts'

const ranked = (id: string, over: Parameters<typeof referral>[1] = {}, deadline: string | null = null, withinDeadline = false): Ranked => ({
  referral: referral(id, over),
  deadline,
  withinDeadline,
})
const TRONDELAG = ['threatened-industry', 'deadline', 'programme-time', 'waiting-time'] as const

t.test('deadline rule: a request within its deadline ranks first, the more urgent first', async (t) => {
  const soon = ranked('B', {}, '2025-03-10', true)
  const later = ranked('A', {}, '2025-04-10', true)
  const late = ranked('C', { threatenedIndustry: true }, '2025-03-01', false)
  t.ok(compareRanked(PRIORITY_RULES, soon, later) < 0, 'earlier deadline first')
  t.ok(compareRanked(PRIORITY_RULES, later, late) < 0, 'a request that can still make its deadline beats one that cannot')
  t.equal(decisiveRule(PRIORITY_RULES, soon, later), 'deadline', 'decided by the deadline rule')
})

t.test('threatened industry first (Trøndelag 2020) reorders the same two', async (t) => {
  const urgent = ranked('A', {}, '2025-03-10', true)
  const threatened = ranked('B', { threatenedIndustry: true }, null, false)
  t.ok(compareRanked(PRIORITY_RULES, urgent, threatened) < 0, 'default: the deadline decides')
  t.ok(compareRanked(TRONDELAG, threatened, urgent) < 0, 'threatened-industry first: the threatened one wins')
  t.equal(decisiveRule(TRONDELAG, threatened, urgent), 'threatened-industry', 'and that rule is named')
  t.equal(decisiveRule(TRONDELAG, urgent, threatened), undefined, 'the loser is never decided above the winner')
})

t.test('programme time: ending sooner first, none last; waiting time: referred earlier first', async (t) => {
  const ends = ranked('B', { programmeEndsOn: '2025-05-01' })
  const never = ranked('A')
  t.ok(compareRanked(['programme-time'], ends, never) < 0, 'a programme that ends ranks above none')
  const early = ranked('B', { referredOn: '2024-12-01' })
  t.ok(compareRanked(['waiting-time'], early, never) < 0, 'referred earlier first')
})

t.test('ties fall to the referral id, so the order is total', async (t) => {
  t.ok(compareRanked(PRIORITY_RULES, ranked('A'), ranked('B')) < 0, 'A before B')
  t.equal(compareRanked(PRIORITY_RULES, ranked('A'), ranked('A')), 0, 'equal to itself')
  t.equal(decisiveRule(PRIORITY_RULES, ranked('A'), ranked('B')), undefined, 'no rule decided a tie')
  t.ok(compareRanked([], ranked('B', { threatenedIndustry: true }), ranked('A')) > 0, 'with every rule dropped only the id counts')
})

t.test('priorityFacts: what each rule sees, in the policy\'s order, leaving out rules with nothing to say', async (t) => {
  const r = referral('p', { threatenedIndustry: true, targetIndustry: 'hotel', programmeEndsOn: '2020-12-31', referredOn: '2020-10-02' })
  t.equal(priorityFacts(TRONDELAG, r, null), 'threatened industry (hotel); programme ends 2020-12-31; referred 2020-10-02', 'threatened first under the Trøndelag order; no deadline, so none shown')
  t.equal(priorityFacts(PRIORITY_RULES, r, '2021-01-15'), 'deadline 2021-01-15; threatened industry (hotel); programme ends 2020-12-31; referred 2020-10-02', 'the default order puts the deadline first')
  t.equal(priorityFacts(['waiting-time'], referral('q', { referredOn: '2025-03-01' }), '2025-05-01'), 'referred 2025-03-01', 'a dropped rule is not shown')
})

t.test('waiting-limit: right after deadline, from referredOn or the end of a deferral', async (t) => {
  const { rankingRules, waitedTooLong } = await import('../../solver/priority.ts')
  t.same(rankingRules({ priority: ['deadline', 'threatened-industry', 'programme-time', 'waiting-time'] }), ['deadline', 'waiting-limit', 'threatened-industry', 'programme-time', 'waiting-time'], 'inserted after deadline')
  t.same(rankingRules({ priority: ['threatened-industry'] }), ['waiting-limit', 'threatened-industry'], 'first when deadline is dropped')
  t.same(rankingRules({ priority: ['threatened-industry', 'waiting-limit'] }), ['threatened-industry', 'waiting-limit'], 'kept where the policy puts it')
  const r = { id: 'x', municipality: '5001', track: 'ordinary' as const, settledOn: '2025-01-01', referredOn: '2025-01-06', language: 'ar', interpreter: false, threatenedIndustry: false, competenceMappingDone: true, advisorConsent: true, groupMeetingDone: false, meetings: 1 as const }
  t.equal(waitedTooLong(r, '2025-03-03', { maxWaitWeeks: 8 }), false, 'exactly 8 weeks is not longer than 8')
  t.equal(waitedTooLong(r, '2025-03-04', { maxWaitWeeks: 8 }), true, 'a day more is')
  t.equal(waitedTooLong({ ...r, deferredUntil: '2025-02-01' }, '2025-03-04', { maxWaitWeeks: 8 }), false, 'counted from the end of a deferral')
})
