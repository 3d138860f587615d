// The hand-checked scenarios in fixtures/rules/, one per eligibility rule: each referral's
// eligibility must be what fixtures/rules/expected.json says.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { addDays } from '../../../solver/calendar.ts'
import { eligibility, type RuleContext } from '../../../solver/rules/index.ts'
import { loadScenario, scenarioProblem } from '../../../src/services/scenario.ts'

const dir = fileURLToPath(new URL('../../../fixtures/rules/', import.meta.url))
type Expected = { reason: string } | { earliest: string; latest: string; deadline: string | null; needsGroupMeeting: boolean }
const { scenarios } = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as { scenarios: Record<string, Record<string, Expected>> }

for (const [name, expected] of Object.entries(scenarios)) {
  t.test(`fixtures/rules/${name}.json`, async (t) => {
    const problem = scenarioProblem(loadScenario(`${dir}${name}.json`))
    const horizonEnd = addDays(problem.runDate, 7 * problem.horizonWeeks - 1)
    t.same(problem.referrals.map((r) => r.id).sort(), Object.keys(expected).sort(), 'every referral has an expectation')
    for (const r of problem.referrals) {
      const group = problem.pinned.find((s) => s.kind === 'group' && s.referralIds.includes(r.id))
      const ctx: RuleContext = { runDate: problem.runDate, horizonEnd, policy: problem.policy, ...(group && { groupMeetingOn: group.start.slice(0, 10) }) }
      const got = eligibility(r, ctx)
      const want = expected[r.id]
      const summary = got.ok ? { ...got.window, needsGroupMeeting: got.needsGroupMeeting } : { reason: got.reason }
      t.same(summary, want, `${r.id}: ${got.ok ? 'eligible' : `${got.reason} (${got.detail})`}`)
    }
  })
}
