// An upper bound on referrals within deadline from HiGHS, on the solver's own aggregated model
// (buildModel): x[r,date] = referral r gets its first session on `date`, before its deadline.
// Per date, sessions ≤ the summed capacity of that date's counsellor-days; per limited language
// and date, ≤ the interpreter capacity. It pools the counsellors of a date (ignoring which
// counsellor serves which municipality and minutes per session), so it is a relaxation: its
// optimum bounds what any exact assignment can reach.
import highsModule from 'highs'
import { buildModel } from '../solver/solve.ts'
import type { Problem } from '../solver/types.ts'

export type HighsResult = { readonly status: string; readonly bound: number; readonly ms: number; readonly variables: number }

export async function highsBound(problem: Problem, timeLimitSec: number): Promise<HighsResult> {
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
  if (vars.length === 0) return { status: 'empty', bound: 0, ms: 0, variables: 0 }
  const lp = ['Maximize', ` obj: ${vars.join(' + ')}`, 'Subject To', ...rows.map((r) => ` ${r}`), 'Binary', ...vars.map((v) => ` ${v}`), 'End'].join('\n')
  // highs ships CJS typings whose default export TypeScript sees as the module under NodeNext; at
  // runtime the default import is the loader function.
  const highsLoader = highsModule as unknown as () => Promise<{ solve(lp: string, options?: object): { Status: string; ObjectiveValue: number } }>
  const highs = await highsLoader()
  const t0 = performance.now()
  const solution = highs.solve(lp, { time_limit: timeLimitSec, mip_rel_gap: 0 })
  const ms = performance.now() - t0
  return { status: solution.Status, bound: Math.round(solution.ObjectiveValue), ms, variables: vars.length }
}
