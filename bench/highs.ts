// The optimum of referrals within deadline from HiGHS, on the solver's own aggregated model
// (buildModel): x[r,date] = referral r gets its first session on `date`, on or before its deadline.
// Per date, sessions ≤ the summed capacity of that date's counsellor-days; per limited language
// and date, ≤ the interpreter capacity. Pooling the counsellors of a date loses nothing for this
// count: every counsellor-day of a date is a candidate for every referral whose window holds the
// date (own counsellors only cost less). So with status Optimal it is the model's first-level
// optimum; past the time limit we report HiGHS's dual bound, which still bounds it from above.
import highsModule from 'highs'
import type { Highs } from 'highs'
import { buildModel } from '../solver/solve.ts'
import type { Problem } from '../solver/types.ts'

export type HighsResult = {
  /** HiGHS model status: 'Optimal', 'Time limit', ... */
  readonly status: string
  /** Best integer solution found (the optimum when status is Optimal). */
  readonly value: number
  /** Upper bound on within deadline (equals value when Optimal). */
  readonly bound: number
  readonly ms: number
  readonly variables: number
}

const STATUS: Readonly<Record<number, string>> = { 7: 'Optimal', 8: 'Infeasible', 13: 'Time limit', 17: 'Interrupted' }

/** The model as CPLEX LP text: maximise first sessions within deadline. Empty when nothing can count. */
export function withinDeadlineLp(problem: Problem): { lp: string; variables: number } {
  const model = buildModel(problem)
  const vars: string[] = []
  const perDate = new Map<number, string[]>()
  const perLanguageDate = new Map<string, string[]>()
  const perReferral: string[] = []
  for (const r of model.referrals) {
    if (r.deadline === null) continue // only ordinary referrals count within deadline
    const mine: string[] = []
    const seen = new Set<number>()
    for (const c of r.candidates) {
      if (c.late || seen.has(c.date)) continue
      seen.add(c.date)
      const v = `x${r.index}_${c.date}`
      vars.push(v)
      mine.push(v)
      perDate.set(c.date, [...(perDate.get(c.date) ?? []), v])
      if (r.limitedLanguage) {
        const key = `${r.limitedLanguage}|${model.dates[c.date]!.date}`
        perLanguageDate.set(key, [...(perLanguageDate.get(key) ?? []), v])
      }
    }
    if (mine.length) perReferral.push(`r${r.index}: ${mine.join(' + ')} <= 1`)
  }
  if (vars.length === 0) return { lp: '', variables: 0 }
  const rows: string[] = [...perReferral]
  for (const [date, vs] of perDate) {
    const capacity = model.dates[date]!.days.reduce((sum, d) => sum + model.days[d]!.capacity, 0)
    rows.push(`d${date}: ${vs.join(' + ')} <= ${capacity}`)
  }
  let li = 0
  for (const [key, vs] of perLanguageDate) {
    const left = model.interpreterLeft.get(key)
    if (left !== undefined) rows.push(`l${li++}: ${vs.join(' + ')} <= ${left}`)
  }
  const lp = ['Maximize', ` obj: ${vars.join(' + ')}`, 'Subject To', ...rows.map((r) => ` ${r}`), 'Binary', ...vars.map((v) => ` ${v}`), 'End'].join('\n')
  return { lp, variables: vars.length }
}

export async function highsWithinDeadline(problem: Problem, timeLimitSec: number): Promise<HighsResult> {
  const { lp, variables } = withinDeadlineLp(problem)
  if (variables === 0) return { status: 'Empty', value: 0, bound: 0, ms: 0, variables }
  // highs ships CJS typings whose default export TypeScript sees as the module under NodeNext; at
  // runtime the default import is the loader function.
  const loadHighs = highsModule as unknown as () => Promise<Highs>
  const highs = await loadHighs()
  const t0 = performance.now()
  return highs.withModel({ format: 'lp', data: lp }, (m) => {
    m.options.set({ time_limit: timeLimitSec, mip_rel_gap: 0, output_flag: false })
    const run = m.run()
    const ms = performance.now() - t0
    const value = Math.round(m.getObjectiveValue())
    // Round the dual bound down only within solver tolerance: it is an upper bound on an integer.
    const bound = Math.floor(Number(m.info.get('mip_dual_bound')) + 1e-6)
    return { status: STATUS[run.modelStatus] ?? `status ${run.modelStatus}`, value, bound: Math.max(value, bound), ms, variables }
  })
}
