// The bundled scenarios run through solve(): the hand-checked allocation scenarios of
// fixtures/rules/ against fixtures/rules/allocation-expected.json, and the two regional fixtures
// against the features they exist to show.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { addDays, fromOsloDateTime, hoursBetween } from '../solver/calendar.ts'
import { solve } from '../solver/solve.ts'
import type { Problem, Proposal, Session } from '../solver/types.ts'
import { validateProposal } from '../solver/validate.ts'
import { loadScenario, scenarioProblem } from '../src/services/scenario.ts'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))

function run(file: string): { problem: Problem; proposal: Proposal } {
  const problem = scenarioProblem(loadScenario(`${fixtures}${file}`))
  return { problem, proposal: solve(problem) }
}

type Slot = { date: string; start: string; end: string; counsellor: string }
type Expected = {
  why: string
  session?: Slot
  followup?: Slot | null
  pinned?: Slot
  unassigned?: { reason: string; rule?: string; takenBy?: string[] }
  deadlineBreach?: string
}

const slot = (s: Session): Slot => ({ date: fromOsloDateTime(s.start).date, start: s.start.slice(11, 16), end: s.end.slice(11, 16), counsellor: s.counsellorId })

/** What the proposal did with one referral, in the expectation's shape. */
function outcome(problem: Problem, proposal: Proposal, id: string): Omit<Expected, 'why'> {
  const own = proposal.sessions.filter((s): s is Extract<Session, { referralId: string }> => s.kind !== 'group' && s.referralId === id)
  const out: Omit<Expected, 'why'> = {}
  const pinned = own.find((s) => s.pinned)
  const first = own.find((s) => s.kind === 'individual' && !s.pinned)
  if (pinned) out.pinned = slot(pinned)
  if (first) out.session = slot(first)
  if (problem.referrals.find((r) => r.id === id)?.meetings === 2) {
    const followup = own.find((s) => s.kind === 'followup')
    out.followup = followup ? slot(followup) : null
  }
  const u = proposal.unassigned.find((x) => x.referralId === id)
  if (u) out.unassigned = { reason: u.reason, ...(u.rule !== undefined && { rule: u.rule }), ...(u.takenBy !== undefined && { takenBy: [...u.takenBy] }) }
  const b = proposal.deadlineBreaches.find((x) => x.referralId === id)
  if (b) out.deadlineBreach = b.reason
  return out
}

const { scenarios } = JSON.parse(readFileSync(`${fixtures}rules/allocation-expected.json`, 'utf8')) as { scenarios: Record<string, Record<string, Expected>> }

for (const [name, expected] of Object.entries(scenarios)) {
  t.test(`fixtures/rules/${name}.json allocates as derived by hand`, async (t) => {
    const { problem, proposal } = run(`rules/${name}.json`)
    t.same(validateProposal(problem, proposal), [], 'the proposal breaks no hard rule')
    t.same(problem.referrals.map((r) => r.id).sort(), Object.keys(expected).sort(), 'every referral has an expectation')
    for (const [id, { why, ...want }] of Object.entries(expected)) t.same(outcome(problem, proposal, id), want, `${id}: ${why}`)
    for (const u of proposal.unassigned.filter((x) => x.rule !== undefined)) {
      t.match(u.detail, `(rule: ${u.rule})`, `${u.referralId}: the lower-priority detail names the rule that decided`)
    }
  })
}

t.test('trondelag-2020: a valid plan that puts threatened industries first and explains who waits', async (t) => {
  const { problem, proposal } = run('trondelag-2020.json')
  t.same(validateProposal(problem, proposal), [], 'the proposal breaks no hard rule')
  t.equal(problem.policy.priority[0], 'threatened-industry', '004: threatened industry is the first rule')
  const waiting = proposal.unassigned.filter((u) => u.reason === 'lower-priority' || u.reason.startsWith('no-capacity'))
  t.ok(waiting.length >= 5, `the shortage is visible: ${waiting.length} referrals wait for capacity`)
  const threatened = new Set(problem.referrals.filter((r) => r.threatenedIndustry).map((r) => r.id))
  t.ok(threatened.size >= 5, `the run has threatened-industry referrals (${threatened.size})`)
  t.same(waiting.filter((u) => threatened.has(u.referralId)).map((u) => u.referralId), [], 'no threatened-industry referral waits for capacity while others are served')
  // Under the first rule the count served is the most there can be: every threatened-industry
  // referral that may be planned at all is (the others are held back by a rule, not by capacity).
  const objective = proposal.stats.objective[0]
  t.equal(objective?.rule, 'threatened-industry', 'the first objective is the threatened-industry count')
  const heldByRule = proposal.unassigned.filter((u) => threatened.has(u.referralId) && u.reason !== 'lower-priority' && !u.reason.startsWith('no-capacity'))
  t.equal(objective?.value, threatened.size - heldByRule.length, 'every threatened-industry referral a rule does not hold back is served')
  t.equal(objective?.bound, objective?.value, 'and the proposal says so (its bound is the value)')
  for (const u of waiting) {
    t.equal(u.reason, 'lower-priority', `${u.referralId} is told it was lower priority`)
    t.ok(u.rule !== undefined && u.detail.includes(`(rule: ${u.rule})`), `${u.referralId}: the detail names the rule (${u.rule})`)
  }
  const pinned = proposal.sessions.filter((s) => s.pinned)
  t.equal(pinned.length, 6, '004: the six sessions held before the run are kept')
})

t.test('telemark-ukraine-2023: group meetings first, then individual sessions 2 days or more after', async (t) => {
  const { problem, proposal } = run('telemark-ukraine-2023.json')
  const { policy } = problem
  t.same(validateProposal(problem, proposal), [], 'the proposal breaks no hard rule')
  const groups = proposal.sessions.filter((s): s is Extract<Session, { kind: 'group' }> => s.kind === 'group')
  t.ok(groups.length >= 2, `group meetings are planned (${groups.length})`)
  const groupOn = new Map<string, string>()
  for (const g of groups) {
    const on = fromOsloDateTime(g.start).date
    t.ok(g.referralIds.length >= 1 && g.referralIds.length <= policy.groupMeeting.maxParticipants, `group ${g.start}: ${g.referralIds.length} members, at most ${policy.groupMeeting.maxParticipants}`)
    t.equal(hoursBetween(g.start, g.end) * 60, 180, `group ${g.start}: 180 minutes`)
    t.ok(on >= addDays(problem.runDate, policy.leadDays.ukraine), `group ${g.start}: the interpreter is ordered 14 days ahead of the run`)
    const languages = new Set(g.referralIds.map((id) => problem.referrals.find((r) => r.id === id)?.language))
    t.same([...languages], [g.language], `group ${g.start}: one language, ${g.language}`)
    for (const id of g.referralIds) groupOn.set(id, on)
  }
  const individuals = proposal.sessions.filter((s): s is Extract<Session, { referralId: string }> => s.kind === 'individual')
  t.ok(individuals.length >= 20, `individual sessions are planned (${individuals.length})`)
  for (const s of individuals) {
    const r = problem.referrals.find((x) => x.id === s.referralId)!
    t.equal(hoursBetween(s.start, s.end) * 60, 60, `${r.id}: a 1-hour session`)
    if (r.groupMeetingDone) continue
    const on = groupOn.get(r.id)
    t.ok(on !== undefined && fromOsloDateTime(s.start).date >= addDays(on, policy.groupMeeting.daysBeforeIndividual), `${r.id}: individual session ${s.start} at least 2 days after its group meeting (${on})`)
  }
})
