// Group meetings inside the priority order, checked independently of meeting-order.ts on seeded
// centres: for every meeting a run holds, the flow on the run's model serves the requests ranked
// above the meeting exactly as it does on the same model with that meeting's counsellor block and
// interpreter given back. So no meeting took capacity someone ranked above it needed.
import t from 'tap'
import { generateScenario, REGIMES } from '../../fixtures/generate.ts'
import { emptyUsage } from '../../solver/greedy.ts'
import { meetingRank } from '../../solver/meeting-order.ts'
import type { Model } from '../../solver/model.ts'
import { prepare } from '../../solver/model.ts'
import { flowAssign } from '../../solver/network.ts'
import { compareRanked, rankingRules } from '../../solver/priority.ts'
import { solve } from '../../solver/solve.ts'
import { validateProposal } from '../../solver/validate.ts'
import { ScenarioSchema } from '../../src/schemas/scenario.ts'
import { scenarioProblem } from '../../src/services/scenario.ts'

/** Per request in order: served as that request asked (a request within the deadline only on a day up to it). */
function servedAsAsked(model: Model): boolean[] {
  const usage = emptyUsage(model)
  flowAssign(model, usage, Infinity)
  return model.requests.map((q) => {
    const d = usage.assigned[q.ref]!
    if (d < 0) return false
    const deadline = model.referrals[q.ref]!.deadline
    return !q.withinDeadline || deadline === null || model.days[d]!.date <= deadline
  })
}

let meetings = 0
let contested = 0
for (const [regime, seeds] of [['group-meetings', [1, 2, 3, 4, 5, 6]], ['scarce', [1, 2, 3]], ['default', [1, 2, 3]]] as const) {
  for (const seed of seeds) {
    t.test(`${regime}, seed ${seed}: no meeting takes capacity a request ranked above it needed`, async (t) => {
      const problem = scenarioProblem(ScenarioSchema.parse(generateScenario({ ...REGIMES[regime], seed, referrals: 90, counsellors: 3, weeks: 5 })))
      t.same(validateProposal(problem, solve(problem)), [], 'the proposal breaks no hard rule')
      const prep = prepare(problem)
      const rules = rankingRules(problem.policy)
      const held = servedAsAsked(prep.model)
      const minutes = problem.policy.groupMeeting.minutes
      for (const g of prep.groups) {
        meetings++
        // The same model with this meeting's block and interpreter free again.
        const book = prep.before.clone()
        for (const other of prep.groups) if (other !== g) book.book(book.days[other.day.index]!, other.start, minutes, other.language)
        const day = prep.model.days[g.day.index]!
        const longest = Math.max(0, ...prep.model.referrals.filter((r) => r.candidates.some((c) => c.date === day.dateIndex)).map((r) => r.minutes))
        const capacity = longest > 0 ? book.capacity(book.days[g.day.index]!, longest) : 0
        if (capacity > day.capacity) contested++
        const key = `${g.language}|${day.date}`
        const interpreterLeft = new Map(prep.model.interpreterLeft)
        if (interpreterLeft.has(key)) interpreterLeft.set(key, interpreterLeft.get(key)! + 1)
        const without: Model = { ...prep.model, days: prep.model.days.map((d, i) => (i === g.day.index ? { ...d, capacity } : d)), interpreterLeft }
        const free = servedAsAsked(without)
        const rank = meetingRank(g, rules, problem)
        const above = prep.model.requests.flatMap((q, i) => (compareRanked(rules, q.ranked, rank) < 0 ? [i] : []))
        t.same(
          above.filter((i) => held[i]),
          above.filter((i) => free[i]),
          `meeting ${g.language} ${g.day.date}: the ${above.length} requests ranked above it are served as without it`,
        )
      }
    })
  }
}
t.test('the seeds hold meetings, some on days others could have used', async (t) => {
  t.ok(meetings >= 10, `${meetings} meetings checked`)
  t.ok(contested >= 1, `${contested} of them on a counsellor-day that had room for more sessions without them`)
})
