// Solver bench: flow vs greedy on one generated size, timed in this process, every proposal validated.
import { performance } from 'node:perf_hooks'
import { generateScenario } from '../fixtures/generate.ts'
import { ScenarioSchema } from '../src/schemas/scenario.ts'
import { scenarioProblem } from '../src/services/scenario.ts'
import { solve } from '../solver/solve.ts'
import { validateProposal } from '../solver/validate.ts'
import type { Method, Problem } from '../solver/types.ts'
import { median } from './stats.ts'

/** `shortage` scales counsellor hours (generator option): 1 leaves room for nearly everyone, 0.4 is a real squeeze. */
export type Size = { readonly referrals: number; readonly counsellors: number; readonly weeks: number; readonly runs: number; readonly shortage?: number }

export type MethodResult = {
  readonly method: Method
  readonly medianMs: number
  readonly heapDelta: number
  readonly scheduled: number
  readonly withinDeadline: number
  readonly outcome: string
  readonly violations: number
}

export function problemFor(size: Size, seed = 1): Problem {
  const scenario = ScenarioSchema.parse(generateScenario({ seed, referrals: size.referrals, counsellors: size.counsellors, weeks: size.weeks, shortage: size.shortage ?? 1 }))
  return scenarioProblem(scenario)
}

export function benchMethod(problem: Problem, method: Method, runs: number): MethodResult {
  const times: number[] = []
  let heapDelta = 0
  let last: ReturnType<typeof solve> | undefined
  for (let i = 0; i < runs; i++) {
    const heapBefore = process.memoryUsage().heapUsed
    const t0 = performance.now()
    last = solve(problem, { method })
    times.push(performance.now() - t0)
    // Heap still held right after the run: what the proposal and any retained model cost.
    heapDelta = Math.max(heapDelta, process.memoryUsage().heapUsed - heapBefore)
  }
  const p = last!
  return {
    method,
    medianMs: median(times),
    heapDelta,
    scheduled: p.stats.scheduled,
    withinDeadline: p.stats.withinDeadline,
    outcome: p.stats.outcome,
    violations: validateProposal(problem, p).length,
  }
}
