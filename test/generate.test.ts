import t from 'tap'
import { generateScenario, REGIMES } from '../fixtures/generate.ts'
import { addDays, addMonths, parseHhMm, workingDaysBetween } from '../solver/calendar.ts'
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

t.test('generated scenarios have the contention that separates the optimiser from greedy', async (t) => {
  const s = generateScenario({ seed: 1, referrals: 2000, counsellors: 30, weeks: 6 })
  const runDate = s.runDate!
  const horizonEnd = addDays(runDate, 7 * 6 - 1)
  const capped = s.counsellors.filter((c) => c.maxSessionsPerDay === 2).length
  t.ok(capped > 5 && capped < 20, `some counsellors hold at most 2 sessions a day (${capped} of 30)`)
  t.equal(s.counsellors.filter((c) => c.weekly.length < 5).length, 10, 'every third counsellor works part-time days')
  const workingDays = workingDaysBetween(runDate, horizonEnd).length
  for (const [language, cap] of Object.entries(s.interpreterCapacity ?? {})) {
    const demand = s.referrals.filter((r) => r.interpreter && r.language === language).length
    t.ok(cap >= 1 && cap <= Math.ceil(demand / workingDays), `${language}: ${cap} interpreters a day, no more than its mean daily demand (${demand} over ${workingDays} days)`)
  }
  t.ok(Object.keys(s.interpreterCapacity ?? {}).length >= 6, 'the rarer languages all have a daily interpreter cap')
  const ordinary = s.referrals.filter((r) => r.track === 'ordinary')
  const inHorizon = ordinary.filter((r) => {
    const d = addMonths(r.settledOn, 3)
    return d >= addDays(runDate, 7) && d <= horizonEnd
  }).length
  t.ok(inHorizon / ordinary.length > 0.6, `most ordinary deadlines fall in the horizon after the lead week (${inHorizon} of ${ordinary.length})`)
  const uninterpreted = s.referrals.filter((r) => !r.interpreter).length / s.referrals.length
  t.ok(uninterpreted > 0.05 && uninterpreted < 0.2, `interpreted and uninterpreted referrals mixed (${uninterpreted} without)`)
})

t.test('counsellor capacity is stratified: another seed keeps the same weekly hours', async (t) => {
  const a = generateScenario({ seed: 1, referrals: 100, counsellors: 12, weeks: 6 })
  const b = generateScenario({ seed: 2, referrals: 100, counsellors: 12, weeks: 6 })
  t.same(a.counsellors.map((c) => c.weekly), b.counsellors.map((c) => c.weekly), 'weekly hours do not depend on the seed')
  const shorter = generateScenario({ seed: 1, referrals: 100, counsellors: 12, weeks: 6, shortage: 0.5 })
  const minutes = (x: typeof a) => x.counsellors.flatMap((c) => c.weekly).reduce((sum, w) => sum + parseHhMm(w.end) - parseHhMm(w.start), 0)
  t.ok(minutes(shorter) < 0.6 * minutes(a), `shortage 0.5 about halves the hours (${minutes(shorter)} vs ${minutes(a)} minutes a week)`)
})

t.test('on a generated instance the optimiser keeps more referrals within deadline than greedy', async (t) => {
  // Seed 2 at 500 × 10 is one of the instances where the coupled limits bite (bench/README.md
  // shows how often across seeds). Failing after a solver change means the optimiser regressed;
  // after a generator change, check the bench's seed table before choosing another instance.
  const problem = scenarioProblem(ScenarioSchema.parse(generateScenario({ seed: 2, referrals: 500, counsellors: 10, weeks: 6 })))
  const flow = solve(problem, { method: 'flow' })
  const greedy = solve(problem, { method: 'greedy' })
  t.ok(flow.stats.withinDeadline > greedy.stats.withinDeadline, `flow ${flow.stats.withinDeadline} > greedy ${greedy.stats.withinDeadline} within deadline`)
  t.same(validateProposal(problem, flow), [], 'the flow proposal breaks no hard rule')
})

t.test('named regimes: each gives the week it names, and on each the flow is valid and never behind greedy', async (t) => {
  const issue = generateScenario({ ...REGIMES['issue-week'], seed: 1 })
  t.ok(issue.counsellors.every((c) => c.weekly.length === 5 && c.weekly.every((w) => w.start === '08:00' && w.end === '15:30') && c.maxSessionsPerDay === 3), 'issue-week: everyone Mon-Fri 08:00-15:30, at most 3 a day')
  t.ok(issue.referrals.every((r) => r.track === 'ordinary' && r.competenceMappingDone && r.deferredUntil === undefined), 'issue-week: all ordinary and ready')
  t.same(issue.interpreterCapacity, {}, 'issue-week: no interpreter caps')
  t.ok(issue.counsellors.every((c) => c.absences.length === 0), 'issue-week: nobody absent')
  const uniform = generateScenario({ ...REGIMES.uniform, seed: 1 })
  t.ok(uniform.counsellors.every((c) => c.weekly.length === 5 && c.maxSessionsPerDay === undefined), 'uniform: everyone full-time and uncapped')
  t.same(uniform.interpreterCapacity, {}, 'uniform: no interpreter caps')
  const ukraine = generateScenario({ ...REGIMES['issue-week-ukraine'], seed: 1 }).referrals.filter((r) => r.track === 'ukraine').length / 2000
  t.ok(ukraine > 0.3 && ukraine < 0.37, `issue-week-ukraine: a third ukraine (got ${ukraine})`)
  t.equal(generateScenario({ ...REGIMES['long-26w'], seed: 1 }).horizonWeeks, 26, 'long-26w: 26 weeks')

  for (const [name, regime] of Object.entries(REGIMES)) {
    const s = generateScenario({ ...regime, referrals: 150, counsellors: 5, weeks: Math.min(regime.weeks, 8), seed: 3 })
    const problem = scenarioProblem(ScenarioSchema.parse(s))
    const flow = solve(problem, { method: 'flow' })
    const greedy = solve(problem, { method: 'greedy' })
    t.same(validateProposal(problem, flow), [], `${name}: the flow breaks no hard rule`)
    t.ok(flow.stats.withinDeadline >= greedy.stats.withinDeadline, `${name}: within deadline ${flow.stats.withinDeadline} >= greedy's ${greedy.stats.withinDeadline}`)
  }
})
