// The only import of javascript-lp-solver. It keeps a dense tableau, so it is meant for small
// subproblems (group formation per language, ~1,000 variables), never the full model. Its answers
// are checked here rather than trusted: past its timeout it may hand back a fractional relaxation,
// so every integer variable is checked and the outcome says so.

import lib from 'javascript-lp-solver'
import type { Model as LibraryModel, SolverAPI } from 'javascript-lp-solver'

// The package ships CommonJS typings, so under NodeNext TypeScript takes the default import for
// the whole module; at run time Node loads its ES build, whose default export is the solver.
const solver = lib as unknown as SolverAPI

/** A mixed-integer program in the library's JSON shape, without its options. */
export type MipModel = {
  readonly direction: 'max' | 'min'
  /** Rows: at most / at least / exactly. */
  readonly constraints: Readonly<Record<string, { readonly max?: number; readonly min?: number; readonly equal?: number }>>
  /** Per variable: its objective coefficient under `objective`, and its coefficient in each row. */
  readonly variables: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** The objective's name among the variables' coefficients. */
  readonly objective: string
  /** Variables that must take whole values. */
  readonly integers: readonly string[]
}

export type MipOutcome = 'optimal' | 'infeasible' | 'unbounded' | 'timedout' | 'fractional'

export type MipResult = {
  readonly outcome: MipOutcome
  /** Variable values, whole numbers for the integers (zeros left out); empty unless optimal. */
  readonly values: ReadonlyMap<string, number>
  readonly objective: number
  readonly ms: number
}

export type MipOptions = {
  /** A safety net only: callers bound the model's size so that this is never reached. */
  readonly timeoutMs?: number
}

const DEFAULTS: Required<MipOptions> = { timeoutMs: 5_000 }

/** How far from a whole number a value may be and still count as one. */
const INTEGRALITY = 1e-6

export function solveMip(model: MipModel, options: MipOptions = {}): MipResult {
  const opts = { ...DEFAULTS, ...options }
  const started = Date.now()
  const ints: Record<string, 1> = {}
  for (const v of model.integers) ints[v] = 1
  const json: LibraryModel = {
    optimize: model.objective,
    opType: model.direction,
    constraints: { ...model.constraints },
    variables: { ...model.variables },
    ints,
    timeout: opts.timeoutMs,
  }
  const raw = solver.Solve(json) as { feasible: boolean; bounded?: boolean; result: number; [k: string]: unknown }
  const ms = Date.now() - started
  const none = new Map<string, number>()
  if (!raw.feasible) return { outcome: 'infeasible', values: none, objective: NaN, ms }
  if (raw.bounded === false) return { outcome: 'unbounded', values: none, objective: NaN, ms }
  // The library does not say it stopped early; the clock does.
  if (ms >= opts.timeoutMs) return { outcome: 'timedout', values: none, objective: raw.result, ms }
  const values = new Map<string, number>()
  for (const name of Object.keys(model.variables)) {
    const v = raw[name]
    if (typeof v === 'number' && v !== 0) values.set(name, v)
  }
  for (const name of model.integers) {
    const v = values.get(name)
    if (v === undefined) continue
    if (Math.abs(v - Math.round(v)) > INTEGRALITY) return { outcome: 'fractional', values: none, objective: raw.result, ms }
    if (Math.round(v) === 0) values.delete(name)
    else values.set(name, Math.round(v))
  }
  return { outcome: 'optimal', values, objective: raw.result, ms }
}
