import fc from 'fast-check'
import t from 'tap'
import { addDays } from '../../solver/calendar.ts'
import { solveMip } from '../../solver/lp.ts'
import { solve } from '../../solver/solve.ts'
import type { GroupSession, Proposal } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'
import { counsellor, problem, referral } from './helpers.ts'

// Run date 2025-03-03 (Monday): the ukraine lead time of 14 days opens meetings from 2025-03-17.
const ukrainian = (id: string, over: Parameters<typeof referral>[1] = {}) => referral(id, { track: 'ukraine', language: 'uk', interpreter: true, ...over })
const deferred = (until: string) => ({ deferredUntil: until, deferralReason: 'not ready', referredOn: '2024-11-01' })
const groupsOf = (out: Proposal) => out.sessions.filter((s): s is GroupSession => s.kind === 'group')
const meetings = (out: Proposal) => groupsOf(out).map((g) => [g.start.slice(0, 10), [...g.referralIds].sort()] as const).sort()
const awaiting = (out: Proposal) => out.unassigned.filter((u) => u.reason === 'awaiting-group-meeting').map((u) => u.referralId).sort()

t.test('lp.ts: a knapsack whose relaxation is fractional comes back whole, and an impossible one as infeasible', async (t) => {
  // max x + y, 2x + 2y <= 3: the relaxation gives 1.5, whole numbers 1.
  const r = solveMip({ direction: 'max', objective: 'v', constraints: { cap: { max: 3 } }, variables: { x: { v: 1, cap: 2 }, y: { v: 1, cap: 2 } }, integers: ['x', 'y'] })
  t.equal(r.outcome, 'optimal', 'solved')
  t.equal(r.objective, 1, 'the integer optimum, not the relaxation 1.5')
  t.ok([...r.values.values()].every(Number.isInteger), 'every value whole')
  const none = solveMip({ direction: 'max', objective: 'v', constraints: { two: { equal: 1 } }, variables: { x: { v: 1, two: 2 } }, integers: ['x'] })
  t.equal(none.outcome, 'infeasible', '2x = 1 has no integer answer')
})

t.test('the LP seats a member the chunking leaves awaiting: its window closes before the others can meet', async (t) => {
  // U1 must meet by 03-17 (programme ends 03-20: individual session by 03-19, 2 days after);
  // U2 and U3 are deferred to 03-19. Chunks of 2 by earliest date put U1 with U2 on 03-19.
  const p = problem({
    horizonWeeks: 4,
    counsellors: [counsellor('C1'), counsellor('C2')],
    referrals: [ukrainian('U1', { programmeEndsOn: '2025-03-20' }), ukrainian('U2', deferred('2025-03-19')), ukrainian('U3', deferred('2025-03-19'))],
    policy: { groupMeeting: { minutes: 180, maxParticipants: 2, daysBeforeIndividual: 2 } },
  })
  const greedy = solve(p, { groups: { method: 'greedy' } })
  const lp = solve(p)
  t.same(validateProposal(p, greedy), [], 'greedy valid')
  t.same(validateProposal(p, lp), [], 'lp valid')
  t.same(awaiting(greedy), ['U1'], 'greedy: U1 waits for a meeting that never comes in time')
  t.same(awaiting(lp), [], 'lp: nobody waits')
  t.same(meetings(lp), [['2025-03-17', ['U1']], ['2025-03-19', ['U2', 'U3']]], 'U1 meets alone in time; U2 and U3 together when their deferral ends')
  t.equal(lp.stats.groupMethod, 'lp', 'stats say the LP formed the groups')
  t.equal(greedy.stats.groupMethod, 'greedy', 'and greedy when asked for')
})

t.test('early members do not wait for a late one when the wait outweighs a meeting; a short wait saves a meeting', async (t) => {
  const five = ['A1', 'A2', 'A3', 'A4', 'A5'].map((id) => ukrainian(id))
  const run = (until: string) => {
    const p = problem({ horizonWeeks: 4, counsellors: [counsellor('C1'), counsellor('C2')], referrals: [...five, ukrainian('L', deferred(until))] })
    return { p, lp: solve(p), greedy: solve(p, { groups: { method: 'greedy' } }) }
  }
  // L can meet from Friday 03-21: holding all six back costs 5 x 4 = 20 waiting days > 14.
  const late = run('2025-03-21')
  t.same(validateProposal(late.p, late.lp), [], 'valid')
  t.same(meetings(late.greedy), [['2025-03-21', ['A1', 'A2', 'A3', 'A4', 'A5', 'L']]], 'greedy: one chunk meets on its latest member\'s date')
  t.same(meetings(late.lp), [['2025-03-17', ['A1', 'A2', 'A3', 'A4', 'A5']], ['2025-03-21', ['L']]], 'lp: the five meet four days earlier')
  // L can meet from Wednesday 03-19: 5 x 2 = 10 waiting days < 14, so one meeting.
  const soon = run('2025-03-19')
  t.same(validateProposal(soon.p, soon.lp), [], 'valid')
  t.same(meetings(soon.lp), [['2025-03-19', ['A1', 'A2', 'A3', 'A4', 'A5', 'L']]], 'lp: one meeting on 03-19 rather than two')
})

t.test('without the meeting MIP, closing meetings by repeated LPs reaches the same meetings here', async (t) => {
  // Six members a date from 03-17 to 03-21 (deferrals), meetings of up to 15. One meeting per
  // date: 5 meetings, no waiting. Three (e.g. 03-18, 03-19, 03-21): 12 waiting days. Two, as the
  // chunking holds them (03-19, 03-21): 30 waiting days, 18 more to save one meeting (worth 14).
  const referrals = Array.from({ length: 30 }, (_, i) => {
    const day = 17 + (i % 5)
    return ukrainian(`U${String(i).padStart(2, '0')}`, day === 17 ? {} : deferred(`2025-03-${day}`))
  })
  const p = problem({ horizonWeeks: 4, counsellors: [counsellor('C1'), counsellor('C2')], referrals })
  const exact = solve(p)
  const closing = solve(p, { groups: { maxMeetingVariables: 0 } })
  t.same(validateProposal(p, closing), [], 'valid')
  t.equal(closing.stats.groupMethod, 'lp', 'still the LP')
  t.equal(groupsOf(exact).length, 3, 'the MIP holds three meetings')
  t.equal(groupsOf(closing).length, 3, 'closing meetings one by one reaches the same three')
  t.equal(groupsOf(solve(p, { groups: { method: 'greedy' } })).length, 2, 'the chunking holds two, at 18 more waiting days')
  t.same(awaiting(closing), [], 'and seats everyone')
})

t.test('caps: one interpreter a day means one meeting a day, at most maxParticipants each', async (t) => {
  const p = problem({
    horizonWeeks: 4,
    counsellors: [counsellor('C1'), counsellor('C2')],
    referrals: ['U1', 'U2', 'U3', 'U4', 'U5'].map((id) => ukrainian(id)),
    interpreterCapacity: { uk: 1 },
    policy: { groupMeeting: { minutes: 180, maxParticipants: 2, daysBeforeIndividual: 2 } },
  })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid: interpreter cap, overlaps and group size hold')
  const groups = groupsOf(out)
  t.equal(groups.length, 3, 'five members in meetings of two: three meetings')
  t.ok(groups.every((g) => g.referralIds.length <= 2), 'none above maxParticipants')
  const dates = groups.map((g) => g.start.slice(0, 10))
  t.equal(new Set(dates).size, 3, 'each on its own date: the interpreter is taken once a day')
  t.same(dates.sort(), ['2025-03-17', '2025-03-18', '2025-03-19'], 'on the first three dates')
})

t.test('caps: a counsellor block holds one meeting', async (t) => {
  // 08:00-11:30 holds one 180-minute block a day.
  const short = counsellor('C1', { weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '11:30' })) })
  const p = problem({ horizonWeeks: 4, counsellors: [short], referrals: ['U1', 'U2', 'U3'].map((id) => ukrainian(id)), policy: { groupMeeting: { minutes: 180, maxParticipants: 2, daysBeforeIndividual: 2 } } })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid: no overlapping sessions')
  t.same(groupsOf(out).map((g) => g.start.slice(0, 10)).sort(), ['2025-03-17', '2025-03-18'], 'two meetings on two days, not two on one')
})

t.test('a contested seat goes to the higher priority; the one left out is told the meetings are full', async (t) => {
  // One counsellor, Mondays 08:00-11:00 only: the one meeting of the horizon is 03-17, for two.
  // T's programme ends 03-22, so T is a class of its own: the seat goes by tier, not by order.
  const monday = counsellor('C1', { weekly: [{ weekday: 1, start: '08:00', end: '11:00' }] })
  const p = problem({
    horizonWeeks: 3,
    counsellors: [monday],
    referrals: [ukrainian('N1', { referredOn: '2025-01-02' }), ukrainian('N2', { referredOn: '2025-01-03' }), ukrainian('T', { threatenedIndustry: true, referredOn: '2025-01-04', programmeEndsOn: '2025-03-22' })],
    policy: { groupMeeting: { minutes: 180, maxParticipants: 2, daysBeforeIndividual: 2 }, priority: ['threatened-industry', 'waiting-time'] },
  })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid')
  t.same(meetings(out), [['2025-03-17', ['N1', 'T']]], 'threatened industry first, then the earlier referral')
  const left = out.unassigned.find((u) => u.referralId === 'N2')
  t.equal(left?.reason, 'awaiting-group-meeting', 'N2 awaits a group meeting')
  t.match(left?.detail ?? '', /full/, 'and is told the meetings that could be held are full')
})

t.test('fallback: a language above the size limit is formed by greedy, and stats say which ran', async (t) => {
  const p = problem({
    horizonWeeks: 4,
    counsellors: [counsellor('C1'), counsellor('C2')],
    referrals: [ukrainian('U1'), ukrainian('U2'), ukrainian('R1', { language: 'ru' })],
  })
  const forced = solve(p, { groups: { maxVariables: 0 } })
  t.same(validateProposal(p, forced), [], 'valid')
  t.equal(forced.stats.groupMethod, 'greedy', 'every language fell back')
  t.same(forced.sessions, solve(p, { groups: { method: 'greedy' } }).sessions, 'the same plan as greedy')
  // Meetings fall on 03-17..03-28 (10 dates): ru has one class (10 variables), uk two (20).
  const mixed = solve(p, { groups: { maxVariables: 15 } })
  t.same(validateProposal(p, mixed), [], 'valid')
  t.equal(mixed.stats.groupMethod, 'mixed', 'ru by the LP, uk by greedy')
  t.equal(solve(problem({ referrals: [referral('O1')] })).stats.groupMethod, undefined, 'no groupMethod when no meeting is needed')
})

t.test('same input, same output', async (t) => {
  const p = problem({
    horizonWeeks: 5,
    counsellors: [counsellor('C1', { municipalities: ['5001'] }), counsellor('C2', { municipalities: ['5002'] })],
    referrals: Array.from({ length: 20 }, (_, i) =>
      ukrainian(`U${i}`, { municipality: i % 2 ? '5001' : '5002', ...(i % 5 === 0 ? deferred('2025-03-2' + String(i % 7)) : {}), referredOn: `2025-01-${String(10 + i)}` }),
    ),
    interpreterCapacity: { uk: 2 },
    policy: { groupMeeting: { minutes: 180, maxParticipants: 6, daysBeforeIndividual: 2 } },
  })
  const a = solve(p)
  t.same(validateProposal(p, a), [], 'valid')
  t.same(solve(p).sessions, a.sessions, 'the same sessions on a second run')
  t.ok(groupsOf(a).every((g) => g.referralIds.length <= 6), 'none above maxParticipants')
})

t.test('on random one-language instances the LP plan is valid and seats at least as many as the chunking', async (t) => {
  // With one language both start from the same free days, and the chunking's meetings are one of
  // the plans stage A chooses from: it can never seat fewer.
  const memberArb = fc.record({
    deferral: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    programmeEnd: fc.option(fc.integer({ min: 17, max: 40 }), { nil: undefined }),
    municipality: fc.constantFrom('5001', '5006'),
    threatened: fc.boolean(),
  })
  const instanceArb = fc.record({
    members: fc.array(memberArb, { minLength: 1, maxLength: 30 }),
    counsellors: fc.array(fc.record({ days: fc.subarray([1, 2, 3, 4, 5], { minLength: 1 }), end: fc.constantFrom('11:00', '14:00', '15:30') }), { minLength: 1, maxLength: 3 }),
    cap: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    maxParticipants: fc.integer({ min: 2, max: 6 }),
  })
  fc.assert(
    fc.property(instanceArb, (x) => {
      const p = problem({
        horizonWeeks: 5,
        counsellors: x.counsellors.map((c, i) =>
          counsellor(`C${i}`, { municipalities: [i % 2 ? '5006' : '5001'], weekly: c.days.map((weekday) => ({ weekday, start: '08:00', end: c.end })) }),
        ),
        referrals: x.members.map((m, i) =>
          ukrainian(`U${String(i).padStart(2, '0')}`, {
            municipality: m.municipality,
            threatenedIndustry: m.threatened,
            ...(m.deferral !== undefined ? deferred(addDays('2025-03-17', m.deferral)) : {}),
            ...(m.programmeEnd !== undefined ? { programmeEndsOn: addDays('2025-03-03', m.programmeEnd) } : {}),
          }),
        ),
        ...(x.cap !== undefined ? { interpreterCapacity: { uk: x.cap } } : {}),
        policy: { groupMeeting: { minutes: 180, maxParticipants: x.maxParticipants, daysBeforeIndividual: 2 } },
      })
      const lp = solve(p)
      const greedy = solve(p, { groups: { method: 'greedy' } })
      const seated = (out: Proposal) => groupsOf(out).reduce((n, g) => n + g.referralIds.length, 0)
      const problems = validateProposal(p, lp)
      if (problems.length > 0) throw new Error(`invalid LP plan: ${JSON.stringify(problems)}`)
      // Absent when no member can be planned at all (e.g. deferred past the programme's end).
      if (lp.stats.groupMethod !== 'lp' && lp.stats.groupMethod !== undefined) throw new Error(`groupMethod ${lp.stats.groupMethod}`)
      if (seated(lp) < seated(greedy)) throw new Error(`LP seats ${seated(lp)}, greedy ${seated(greedy)}`)
    }),
    { seed: 7, numRuns: 150 },
  )
  t.pass('valid, and never fewer seated than greedy, on 150 random instances')
})
