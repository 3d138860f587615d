import t from 'tap'
import { emptyUsage, greedyAssign } from '../../solver/greedy.ts'
import { buildModel } from '../../solver/model.ts'
import { solve } from '../../solver/solve.ts'
import { counsellor, problem, referral } from './helpers.ts'

t.test('greedy puts each request on the earliest day with room, own counsellor first on that day', async (t) => {
  const p = problem({
    counsellors: [counsellor('OTHER', { maxSessionsPerDay: 1 }), counsellor('OWN', { municipalities: ['5001'], maxSessionsPerDay: 1 })],
    referrals: [referral('A'), referral('B'), referral('C')],
  })
  const model = buildModel(p)
  const usage = emptyUsage(model)
  greedyAssign(model, usage)
  const placed = model.referrals.map((r) => {
    const d = model.days[usage.assigned[r.index]!]
    return `${r.referral.id}:${d?.counsellorId}:${d?.date}`
  })
  t.same(placed, ['A:OWN:2025-03-05', 'B:OTHER:2025-03-05', 'C:OWN:2025-03-06'], 'A gets its own counsellor, B the other on the same day, C the next day')
})

t.test('greedy never moves anyone: the flow reroutes a higher-ranked referral and serves both', async (t) => {
  // Sessions fit on Wednesday 5 and Wednesday 12 March. A (referred first) could take either;
  // B's programme ends on 6 March, so only the 5th is any use to it.
  const p = problem({
    counsellors: [counsellor('C1', { weekly: [{ weekday: 3, start: '09:00', end: '10:30' }] })],
    referrals: [
      referral('A', { track: 'ukraine', groupMeetingDone: true, referredOn: '2024-12-01' }),
      referral('B', { track: 'ukraine', groupMeetingDone: true, programmeEndsOn: '2025-03-06' }),
    ],
    policy: { priority: ['waiting-time'] },
  })
  const g = solve(p, { method: 'greedy' })
  t.equal(g.stats.scheduled, 1, 'greedy: A takes the earliest day and B is left out')
  const lost = g.unassigned.find((u) => u.referralId === 'B')
  t.equal(lost?.reason, 'lower-priority', 'B lost to a higher-ranked referral')
  t.same(lost?.takenBy, ['A'], 'naming A')
  t.equal(lost?.rule, 'waiting-time', 'ranked by waiting time')
  const f = solve(p)
  t.equal(f.stats.scheduled, 2, 'flow: A moves to the 12th and B gets the 5th')
})
