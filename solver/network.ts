// The model as a network for flow.ts. Per referral only ~days × (1 + own counsellors) arcs:
//   referral → POOL(date)  cost: days after the run date (+ OWN_PENALTY if it has own counsellors)
//   referral → CD(own counsellor, date)  cost: days after the run date
//   POOL(date) → CD(any counsellor, date) → sink (cap: the counsellor-day's capacity)
// A referral whose interpreter language is limited goes through LANG(language, date) instead,
// whose single arc carries the interpreter capacity (own-counsellor preference is lost there: a
// unit of flow cannot remember its municipality after a shared node).

import { ArcList, INF_CAP, UnitFlow } from './flow.ts'
import type { Usage } from './greedy.ts'
import type { Model } from './model.ts'

export type FlowRun = {
  /** Requests handled before the time limit (all of them when it completed). */
  readonly handled: number
  readonly completed: boolean
}

/** Serve the model's requests in priority order with unit augmentations; writes `usage`. */
export function flowAssign(model: Model, usage: Usage, deadlineAt: number): FlowRun {
  const R = model.referrals.length
  const D = model.dates.length
  let next = R
  const cdBase = next
  next += model.days.length
  const sink = next++
  // Shared nodes by index, made on first use: POOL per date, LANG (an in and an out node) per
  // limited language and date.
  const poolOf = new Int32Array(D).fill(-1)
  const languages = new Map<string, number>()
  for (const r of model.referrals) if (r.limitedLanguage !== null && !languages.has(r.limitedLanguage)) languages.set(r.limitedLanguage, languages.size)
  const langOf = new Int32Array(languages.size * D).fill(-1)
  const sharedDate: number[] = []
  const sharedLang: string[] = []
  const arcs = new ArcList()
  const arc = (from: number, to: number, cap: number, cost: number, enabled = true): number => arcs.add(from, to, cap, cost, enabled)
  // Which referral last got an arc into a node: own and other counsellors of one date share a LANG node.
  const lastFrom = new Int32Array(next + 2 * langOf.length + D).fill(-1)

  const lateArcs: number[][] = model.referrals.map(() => [])
  const refArcs: { arc: number; node: number; day: number }[][] = model.referrals.map(() => [])
  for (const r of model.referrals) {
    const startsWithin = r.deadline !== null && r.deadline >= r.window.earliest
    const lang = r.limitedLanguage !== null ? languages.get(r.limitedLanguage)! : -1
    for (const c of r.candidates) {
      const late = c.late && startsWithin
      if (lang < 0 && c.own) {
        for (const d of c.days) {
          const a = arc(r.index, cdBase + d, 1, c.cost, !late)
          if (late) lateArcs[r.index]!.push(a)
          refArcs[r.index]!.push({ arc: a, node: cdBase + d, day: d })
        }
        continue
      }
      const slot = lang >= 0 ? lang * D + c.date : c.date
      const nodes = lang >= 0 ? langOf : poolOf
      let to = nodes[slot]!
      if (to < 0) {
        to = next
        next += lang >= 0 ? 2 : 1
        nodes[slot] = to
        sharedDate[to] = c.date
        if (lang >= 0) sharedLang[to] = r.limitedLanguage!
      }
      // Own candidates come first on a date, so the first arc to a shared node is the cheapest.
      if (lastFrom[to] === r.index) continue
      lastFrom[to] = r.index
      const a = arc(r.index, to, 1, c.cost, !late)
      if (late) lateArcs[r.index]!.push(a)
      refArcs[r.index]!.push({ arc: a, node: to, day: -1 })
    }
  }
  const outOf = new Map<number, { arc: number; day: number }[]>()
  for (const node of poolOf) {
    if (node < 0) continue
    outOf.set(node, model.dates[sharedDate[node]!]!.days.map((i) => ({ arc: arc(node, cdBase + i, INF_CAP, 0), day: i })))
  }
  for (const node of langOf) {
    if (node < 0) continue
    const date = model.dates[sharedDate[node]!]!
    arc(node, node + 1, model.interpreterLeft.get(`${sharedLang[node]!}|${date.date}`) ?? 0, 0)
    outOf.set(node, date.days.map((i) => ({ arc: arc(node + 1, cdBase + i, INF_CAP, 0), day: i })))
  }
  model.days.forEach((d, i) => arc(cdBase + i, sink, d.capacity, 0))

  const flow = new UnitFlow(next, sink, arcs)
  const served = new Uint8Array(R)
  let handled = 0
  let completed = true
  for (const q of model.requests) {
    if ((handled & 63) === 0 && Date.now() > deadlineAt) {
      completed = false
      break
    }
    handled++
    if (served[q.ref]) continue
    if (!q.withinDeadline) for (const a of lateArcs[q.ref]!) flow.enableArc(a)
    if (flow.request(q.ref)) served[q.ref] = 1
  }

  // Read the assignment back: direct arcs name their day; a shared node's units go to its days in
  // request order, own counsellor first where its day got units.
  const left = new Map<number, Map<number, number>>()
  for (const [node, outs] of outOf) {
    const m = new Map<number, number>()
    for (const o of outs) {
      const f = flow.flowOn(o.arc)
      if (f > 0) m.set(o.day, f)
    }
    left.set(node, m)
  }
  const { assigned, used, interpreterUsed } = usage
  const done = new Uint8Array(R)
  for (const q of model.requests) {
    if (!served[q.ref] || done[q.ref]) continue
    done[q.ref] = 1
    const r = model.referrals[q.ref]!
    const through = refArcs[q.ref]!.find((x) => flow.flowOn(x.arc) > 0)
    if (!through) continue
    let day = through.day
    const shared = left.get(through.node)
    if (shared) {
      const own = r.candidates.find((c) => c.own && c.days.some((d) => (shared.get(d) ?? 0) > 0))
      day = own?.days.find((d) => (shared.get(d) ?? 0) > 0) ?? [...shared.keys()][0] ?? -1
      if (day < 0) continue
      const n = (shared.get(day) ?? 0) - 1
      if (n > 0) shared.set(day, n)
      else shared.delete(day)
    }
    assigned[q.ref] = day
    used[day]!++
    if (r.limitedLanguage !== null) {
      const key = `${r.limitedLanguage}|${model.days[day]!.date}`
      interpreterUsed.set(key, (interpreterUsed.get(key) ?? 0) + 1)
    }
  }
  return { handled, completed }
}
