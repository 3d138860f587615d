import t from 'tap'
import { addDays } from '../../solver/calendar.ts'
import { DEFAULT_POLICY } from '../../solver/policy.ts'
import type { Counsellor, Referral } from '../../solver/types.ts'
import { capacityTable, searchExtraCapacity, targetOf, virtualCounsellors } from '../../src/replay/capacity.ts'
import { parseScenario } from '../../src/services/scenario.ts'

const policy = { ...DEFAULT_POLICY } // ordinary 120 min, lead 7 days, 08:00-15:30 (7.5 h)
const mondays: Counsellor = { id: 'a', municipalities: [], weekly: [{ weekday: 1, start: '08:00', end: '15:30' }], absences: [] }
const referral = (id: string, over: Partial<Referral> = {}): Referral => ({
  id, municipality: '5001', track: 'ordinary', settledOn: '2025-01-08', referredOn: '2025-03-01', language: 'ar', interpreter: true,
  threatenedIndustry: false, competenceMappingDone: true, advisorConsent: true, groupMeetingDone: false, meetings: 1, ...over,
})

t.test('target dates: the legal deadline for ordinary, stated service targets for the others', async (t) => {
  t.same(targetOf(referral('o'), policy), { date: '2025-04-08', basis: 'deadline' }, 'ordinary: settlement + 3 months')
  t.same(targetOf(referral('c', { track: 'corona', settledOn: '2019-06-10', referredOn: '2020-09-14' }), policy), { date: '2020-12-14', basis: '3 months after referral' }, 'corona: 3 months after referral (people already in the programme)')
  t.same(targetOf(referral('c', { track: 'corona', settledOn: '2019-06-10', referredOn: '2020-09-14', programmeEndsOn: '2020-11-01' }), policy), { date: '2020-10-31', basis: 'programme end' }, 'corona: the programme end when sooner')
  t.same(targetOf(referral('u', { track: 'ukraine', referredOn: '2022-09-05' }), policy), { date: '2022-12-05', basis: '3 months after referral' }, 'ukraine: 3 months after referral')
})

t.test('hours needed against hours available, week by week (hand-checkable)', async (t) => {
  // Five Mondays of 7.5 h = 37.5 h. Twenty 2-hour sessions due 8 April = 40 h.
  const referrals = Array.from({ length: 20 }, (_, i) => referral(`r${i}`))
  const table = capacityTable({ referrals, counsellors: [mondays], policyOn: () => policy, from: '2025-03-10', to: '2025-04-13' })
  t.equal(table.weeks.length, 5, 'five weeks from 10 March to 13 April')
  t.equal(table.weeks[4]!.due, 20, 'every referral is due in the week of its deadline')
  t.equal(table.neededHours, 40, '20 sessions of 2 hours')
  t.equal(table.availableHours, 37.5, 'five Mondays of 7.5 hours')
  t.equal(table.weeks[3]!.shortfallHours, 0, 'no shortfall before the deadline week')
  // Known from the period's start (10 March), the lead time puts the first session on 17 March at
  // the earliest: the first Monday cannot serve them, so four Mondays (30 h) against 40 h.
  t.equal(table.peakShortfallHours, 10, '40 h needed against the 30 h of 17 March to 13 April')
  t.same(table.worstWindow, { from: '2025-03-17', to: '2025-04-13', neededHours: 40, availableHours: 30 }, 'the worst run of weeks starts where they can first be seen')
  t.equal(table.missingCounsellorDays, 2, 'at least two counsellor-days missing')
  const late = capacityTable({ referrals: [referral('late', { referredOn: '2025-04-07' })], counsellors: [mondays], policyOn: () => policy, from: '2025-03-10', to: '2025-04-27' })
  t.equal(late.unreachableOnArrival, 1, 'a referral that arrives too late for its deadline is counted as such')
  t.equal(late.weeks.find((w) => w.due > 0)?.week, '2025-04-14', 'and falls due in its first possible week')
  const withdrawnOn = new Map([['r0', '2025-03-20'], ['r1', '2025-04-20']])
  const some = capacityTable({ referrals, counsellors: [mondays], policyOn: () => policy, from: '2025-03-10', to: '2025-04-13', withdrawnOn })
  t.equal(some.withdrawn, 1, 'a referral withdrawn before its deadline week needs no hours')
  t.equal(some.neededHours, 38, 'the one withdrawn after its deadline still counted: 19 sessions of 2 hours')
})

t.test('hours before a referral arrives cannot serve it: the shortfall is found in the weeks it could be seen', async (t) => {
  // Eight 2-hour sessions referred 31 March, lead 7 days: seen in the week of 7 April, due 8 April.
  const late = Array.from({ length: 8 }, (_, i) => referral(`l${i}`, { referredOn: '2025-03-31' }))
  const table = capacityTable({ referrals: late, counsellors: [mondays], policyOn: () => policy, from: '2025-03-10', to: '2025-04-13' })
  t.equal(table.weeks[4]!.cumulativeAvailable, 37.5, 'five Mondays of hours in the period')
  t.equal(table.peakShortfallHours, 8.5, '16 h needed in the one week they could be seen, 7.5 h in it: the earlier Mondays do not count')
  t.same(table.worstWindow, { from: '2025-04-07', to: '2025-04-13', neededHours: 16, availableHours: 7.5 }, 'the worst run of weeks is that week')
  t.equal(table.missingCounsellorDays, 2, '8.5 h is two 7.5-hour days')
  const enough = capacityTable({ referrals: late.slice(0, 3), counsellors: [mondays], policyOn: () => policy, from: '2025-03-10', to: '2025-04-13' })
  t.equal(enough.worstWindow, null, '6 h fit in 7.5 h: no shortfall anywhere')
})

t.test('a day capped at two sessions counts two sessions\' time, not its whole working day', async (t) => {
  const capped: Counsellor = { ...mondays, maxSessionsPerDay: 2 }
  const table = capacityTable({ referrals: [], counsellors: [capped], policyOn: () => policy, from: '2025-03-10', to: '2025-03-16' })
  t.equal(table.availableHours, 4, 'two sessions of the longest kind (120 min), not 7.5 h')
})

t.test('virtual counsellors: one per five days, Monday first', async (t) => {
  const v = virtualCounsellors(7, '2025-03-03', policy)
  t.same(v.map((c) => c.weekly.map((w) => w.weekday)), [[1, 2, 3, 4, 5], [1, 2]], 'seven days: a full week and two days')
  t.same(virtualCounsellors(0, '2025-03-03', policy), [], 'none for zero days')
})

t.test('the search finds the fewest added counsellor-days a week that reach the target', async (t) => {
  const referrals = Array.from({ length: 40 }, (_, i) => ({
    externalRef: `r${i}`, municipality: '5001', track: 'ordinary', settledOn: addDays('2025-01-06', i), referredOn: addDays('2025-03-01', i),
    language: 'ar', interpreter: false, competenceMappingDone: true,
  }))
  const scenario = parseScenario({
    name: 'short', from: '2025-03-03', to: '2025-07-25',
    counsellors: [{ id: 'a', name: 'A', municipalities: [], weekly: [{ weekday: 2, start: '08:00', end: '12:00' }], absences: [] }],
    referrals,
  })
  const found = searchExtraCapacity(scenario, { target: 1 })
  t.ok(found.daysPerWeek !== null && found.daysPerWeek > 0, 'a centre of one half-day a week needs more days')
  const at = found.probes.find((p) => p.daysPerWeek === found.daysPerWeek)!
  const below = found.probes.find((p) => p.daysPerWeek === found.daysPerWeek! - 1)
  t.equal(at.share, 1, 'the days found reach the target')
  t.ok(below && below.share! < 1, 'one day less does not')
  t.equal(searchExtraCapacity(scenario, { target: 0.01 }).daysPerWeek, 0, 'a target already met needs nothing added')
})

t.test('tildeling capacity: the weekly table, the stated targets and the answer; a bad target is one line, exit 1', async (t) => {
  const { execFile } = await import('node:child_process')
  const { promisify } = await import('node:util')
  const run = promisify(execFile)
  const file = new URL('../../fixtures/ukraine-surge-2022.json', import.meta.url).pathname
  const { stdout } = await run(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'capacity', file])
  t.match(stdout, /^week\s+due\s+needed h\s+available h/m, 'a row per week of hours needed and available')
  t.match(stdout, /Targets: ordinary: the legal deadline/, 'says what each track is counted against')
  t.match(stdout, /target 90 % of the referrals capacity could reach in time/, 'aims at 90 % unless told otherwise, and says of which referrals')
  t.match(stdout, /Fewest added counsellor-days per week that reach it: \d+/, 'answers with the added counsellor-days for 90 %')
  const bad = await run(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'capacity', file, '--target', '2']).catch((e) => e)
  t.equal(bad.code, 1, 'a target share above 1 exits 1')
  t.equal(bad.stderr.trim().split('\n').length, 1, 'with one line on stderr')
})

t.test('hours are given to the hundredth: group seats of 0.2 h do not add up to 58.400000000000006', async (t) => {
  // 14 ukraine referrals, each a 60-minute session and one seat (180/15 min = 0.2 h) of a group meeting: 14 x 1.2 h = 16.8 h.
  const seats = Array.from({ length: 14 }, (_, i) => referral(`u${i}`, { track: 'ukraine', referredOn: '2025-03-03' }))
  const table = capacityTable({ referrals: seats, counsellors: [mondays], policyOn: () => policy, from: '2025-03-10', to: '2025-06-29' })
  const sessionHours = policy.sessionMinutes.ukraine / 60
  t.equal(table.neededHours, Math.round(14 * (sessionHours + 0.2) * 100) / 100, 'the total is the sum, to the hundredth')
  const all = [table.neededHours, table.availableHours, table.peakShortfallHours, ...table.weeks.flatMap((w) => [w.neededHours, w.availableHours, w.cumulativeNeeded, w.cumulativeAvailable, w.shortfallHours])]
  t.same(all.filter((h) => String(h).replace(/^\d+\.?/, '').length > 2), [], 'no hour figure has more than two decimals')
})
