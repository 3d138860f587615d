import t from 'tap'
import { generateScenario } from '../fixtures/generate.ts'
import { ScenarioSchema } from '../src/schemas/scenario.ts'
import { scenarioProblem } from '../src/services/scenario.ts'
import { solve } from '../solver/solve.ts'
import { validateProposal } from '../solver/validate.ts'

t.test('the same seed gives the same scenario, another seed a different one', async (t) => {
  const a = generateScenario({ seed: 7, referrals: 200, counsellors: 8, weeks: 6 })
  const b = generateScenario({ seed: 7, referrals: 200, counsellors: 8, weeks: 6 })
  const c = generateScenario({ seed: 8, referrals: 200, counsellors: 8, weeks: 6 })
  t.same(a, b, 'seeded generation is deterministic')
  t.not(JSON.stringify(a.referrals), JSON.stringify(c.referrals), 'a different seed changes the referrals')
})

t.test('generated scenarios parse as scenario files and have the requested sizes and mixes', async (t) => {
  const s = generateScenario({ seed: 1, referrals: 2000, counsellors: 30, weeks: 6 })
  const parsed = ScenarioSchema.safeParse(s)
  t.ok(parsed.success, `ScenarioSchema accepts it${parsed.success ? '' : ': ' + parsed.error.message}`)
  t.equal(s.referrals.length, 2000, 'referral count as asked')
  t.equal(s.counsellors.length, 30, 'counsellor count as asked')
  const threatened = s.referrals.filter((r) => r.threatenedIndustry).length / 2000
  t.ok(threatened > 0.2 && threatened < 0.3, `20-30% threatened (got ${threatened})`)
  t.ok(s.referrals.every((r) => r.settledOn < s.runDate! && (r.referredOn ?? '') < s.runDate!), 'settled and referred before the run date')
  t.ok(s.referrals.some((r) => r.deferredUntil) && s.referrals.some((r) => r.meetings === 2), 'some deferred, some with two meetings')
  t.ok(Object.keys(s.interpreterCapacity ?? {}).length >= 2, 'interpreter caps for at least two languages')
  const langs = new Map<string, number>()
  for (const r of s.referrals) langs.set(r.language, (langs.get(r.language) ?? 0) + 1)
  t.ok((langs.get('ar') ?? 0) > (langs.get('ur') ?? 0) * 3, 'language frequencies are skewed (Zipf-like)')
  t.ok(s.referrals.every((r) => !('participant' in r)), 'no participant names in generated referrals')
})

t.test('a generated scenario solves without violating any hard rule', async (t) => {
  const s = generateScenario({ seed: 3, referrals: 300, counsellors: 8, weeks: 6 })
  const problem = scenarioProblem(ScenarioSchema.parse(s))
  const proposal = solve(problem)
  t.ok(proposal.sessions.length > 50, `sessions are planned (${proposal.sessions.length})`)
  t.same(validateProposal(problem, proposal), [], 'validateProposal finds no violation')
})
