// The policies an analyst compares side by side: built-in names or a policy JSON file.

import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { Method, PolicyInput } from '../../solver/types.ts'
import { PolicyInputSchema } from '../schemas/policy.ts'
import { describeIssues, ScenarioError } from '../services/scenario.ts'

/** How one replay allocates: the solver's method and the settings laid over the scenario's policy. */
export type ReplayPolicy = {
  /** The column heading: a built-in name or the file's base name. */
  readonly name: string
  readonly method: Method
  /** Fields laid over the scenario's own policy (the file's, or a built-in's rule order). */
  readonly overrides: PolicyInput
}

/** The built-ins of issue 4: two hand-coordinator baselines and two optimiser rule orders. */
export const BUILT_IN_POLICIES: Readonly<Record<string, ReplayPolicy>> = {
  // First referred, first served: what a coordinator does with a queue and a calendar.
  fifo: { name: 'fifo', method: 'greedy', overrides: { priority: ['waiting-time'] } },
  // Earliest deadline first, still by hand (greedy).
  edf: { name: 'edf', method: 'greedy', overrides: { priority: ['deadline', 'waiting-time'] } },
  // The solver with the contract's default rule order.
  optimised: { name: 'optimised', method: 'flow', overrides: { priority: ['deadline', 'threatened-industry', 'programme-time', 'waiting-time'] } },
  // Trøndelag's 2020 order (004): threatened industry first.
  'corona-2020': { name: 'corona-2020', method: 'flow', overrides: { priority: ['threatened-industry', 'deadline', 'programme-time', 'waiting-time'] } },
}

const PolicyFileSchema = PolicyInputSchema.extend({ method: z.enum(['flow', 'greedy']).optional(), name: z.string().min(1).max(40).optional() })

/** A built-in name, or a path to a policy file (PolicyInputSchema plus optional "method" and "name"). */
export function resolveReplayPolicy(spec: string): ReplayPolicy {
  const builtIn = BUILT_IN_POLICIES[spec]
  if (builtIn) return builtIn
  if (!spec.endsWith('.json')) {
    throw new ScenarioError(`unknown policy ${spec}: use ${Object.keys(BUILT_IN_POLICIES).join(', ')} or a policy .json file`)
  }
  let json: unknown
  try {
    json = JSON.parse(readFileSync(spec, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new ScenarioError(`cannot read policy ${spec}: ${e.code ?? e.message}`)
  }
  const parsed = PolicyFileSchema.safeParse(json)
  if (!parsed.success) throw new ScenarioError(`${spec} is not a valid policy: ${describeIssues(parsed.error)}`)
  const { method, name, ...overrides } = parsed.data
  const base = spec.split(/[\\/]/).pop()!.replace(/\.json$/, '')
  return { name: name ?? base, method: method ?? 'flow', overrides: overrides as PolicyInput }
}

/** The scenario's own policy as a replay policy (the default when --policy is not given). */
export function scenarioPolicy(hasPolicy: boolean): ReplayPolicy {
  return hasPolicy ? { name: 'scenario', method: 'flow', overrides: {} } : BUILT_IN_POLICIES['optimised']!
}
