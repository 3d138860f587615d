// Solver bench jobs, each run in a fresh child process by bench/run.ts so that one job's heap and
// peak RSS do not leak into the next:
//   time:    flow and greedy on one generated problem, runs alternating between the two so that a
//            busy machine slows both alike; the ratio to greedy is measured in that same process.
//   peak:    one solve by one method; the process's peak RSS (getrusage maxRSS).
//            `method: null` builds the problem only: the baseline to compare with.
// Child entry: node --import tsx bench/solver.ts '<job as JSON>' prints one JSON line.
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { generateScenario, REGIMES, type RegimeName } from '../fixtures/generate.ts'
import { prepare } from '../solver/model.ts'
import { ScenarioSchema } from '../src/schemas/scenario.ts'
import { scenarioProblem } from '../src/services/scenario.ts'
import { solve } from '../solver/solve.ts'
import { validateProposal } from '../solver/validate.ts'
import type { Method, Problem, Proposal } from '../solver/types.ts'
import { median } from './stats.ts'

/**
 * A generated week: a named regime of fixtures/generate.ts (default: the generator's defaults) at
 * this size; `shortage`, when given, scales counsellor hours on top of the regime.
 */
export type Size = { readonly referrals: number; readonly counsellors: number; readonly weeks: number; readonly runs: number; readonly regime?: RegimeName; readonly shortage?: number }

export type MethodResult = {
  readonly method: Method
  readonly medianMs: number
  /** The first solve in the process, untimed in the median. */
  readonly firstMs: number
  readonly scheduled: number
  readonly withinDeadline: number
  readonly outcome: string
  readonly violations: number
}

export type Job =
  | { readonly mode: 'time'; readonly size: Size; readonly seed: number; readonly validate: boolean }
  | { readonly mode: 'peak'; readonly size: Size; readonly seed: number; readonly method: Method | null }

/**
 * `groupsMs`: the group-meeting LP's share, the median over the runs of preparing the model with
 * LP-formed meetings less preparing it with greedy chunking (both exclude the assignment).
 */
export type TimeResult = { readonly flow: MethodResult; readonly greedy: MethodResult; readonly groupsMs: number }
export type PeakResult = { readonly peakRss: number }

export function problemFor(size: Size, seed = 1): Problem {
  const regime = REGIMES[size.regime ?? 'default']
  const scenario = generateScenario({
    ...regime, seed, referrals: size.referrals, counsellors: size.counsellors, weeks: size.weeks,
    ...(size.shortage !== undefined && { shortage: size.shortage }),
  })
  return scenarioProblem(ScenarioSchema.parse(scenario))
}

/**
 * `runs` solves per method, interleaved, after one untimed first solve each: the service solves in
 * long-lived workers, so its solves after the first run on compiled code. The first solve (in a
 * fresh process: parsing and compiling the solver too) is reported apart as `firstMs`. Figures of
 * the last proposal (solve is deterministic).
 */
export function timeBoth(problem: Problem, runs: number, validate = true): TimeResult {
  const methods: readonly Method[] = ['greedy', 'flow']
  const times = new Map<Method, number[]>(methods.map((m) => [m, []]))
  const first = new Map<Method, number>()
  const last = new Map<Method, Proposal>()
  const groups: number[] = []
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now()
    prepare(problem)
    const t1 = performance.now()
    prepare(problem, { method: 'greedy' })
    if (i > 0) groups.push(Math.max(0, 2 * t1 - t0 - performance.now()))
    // Which goes first alternates, so that neither always pays for the garbage the other left.
    for (const method of i % 2 === 0 ? methods : [...methods].reverse()) {
      const t0 = performance.now()
      const p = solve(problem, { method })
      const ms = performance.now() - t0
      if (i === 0) first.set(method, ms)
      else times.get(method)!.push(ms)
      last.set(method, p)
    }
  }
  const result = (method: Method): MethodResult => {
    const p = last.get(method)!
    return {
      method,
      medianMs: median(times.get(method)!),
      firstMs: first.get(method)!,
      scheduled: p.stats.scheduled,
      withinDeadline: p.stats.withinDeadline,
      outcome: p.stats.outcome,
      violations: validate ? validateProposal(problem, p).length : -1,
    }
  }
  return { flow: result('flow'), greedy: result('greedy'), groupsMs: median(groups) }
}

export function peakOf(problem: Problem, method: Method | null): PeakResult {
  if (method !== null) solve(problem, { method })
  // maxRSS is in KiB (Linux getrusage): the high-water mark of the whole process.
  return { peakRss: process.resourceUsage().maxRSS * 1024 }
}

export function runJob(job: Job): TimeResult | PeakResult {
  const problem = problemFor(job.size, job.seed)
  return job.mode === 'time' ? timeBoth(problem, job.size.runs, job.validate) : peakOf(problem, job.method)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const job = JSON.parse(process.argv[2] ?? '') as Job
  process.stdout.write(JSON.stringify(runJob(job)) + '\n')
}
