// The model as a network for flow.ts. Per referral one arc per date of its window:
//   referral → OWN(municipality, date)  cost: the date's cost for it (days after the run date, ...)
//   OWN(municipality, date) → CD(own counsellor, date)  cost 0
//   OWN(municipality, date) → POOL(date)  cost OWN_PENALTY
//   referral → POOL(date)  for a municipality without counsellors of its own
//   POOL(date) → CD(any counsellor, date) → sink (cap: the counsellor-day's capacity)
// The OWN node is shared by the municipality's referrals: a referral's own days and the pool
// cost what its candidates say, with one arc per date instead of one per own counsellor-day (half
// the arcs, and half of what each search scans). A referral whose interpreter language is limited
// goes through LANG(language, date) instead, whose single arc carries the interpreter capacity
// (own-counsellor preference is lost there: a unit of flow cannot remember its municipality after
// a shared node).

import { ArcList, INF_CAP, UnitFlow } from './flow.ts'
import type { Usage } from './greedy.ts'
import type { Model } from './model.ts'
import { OWN_PENALTY } from './model.ts'

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
  const arcs = new ArcList()
  model.days.forEach((d, i) => arcs.add(cdBase + i, sink, d.capacity, 0))

  // Shared nodes by index, made on first use, each with its arcs on: POOL per date, LANG (an in and
  // an out node) per limited language and date, OWN per municipality and date.
  const poolOf = new Int32Array(D).fill(-1)
  /** Per shared node: its arcs on to counsellor-days, with the day. */
  const outOf = new Map<number, { arc: number; day: number }[]>()
  /** Per OWN node: the pool it leads on to. */
  const poolOfOwn = new Map<number, number>()
  const pool = (date: number): number => {
    if (poolOf[date]! < 0) {
      const node = next++
      poolOf[date] = node
      outOf.set(node, model.dates[date]!.days.map((day) => ({ arc: arcs.add(node, cdBase + day, INF_CAP, 0), day })))
    }
    return poolOf[date]!
  }
  const langNode = new Map<string, number>()
  const lang = (language: string, date: number): number => {
    const key = `${language}|${model.dates[date]!.date}`
    let node = langNode.get(key)
    if (node === undefined) {
      node = next
      next += 2
      langNode.set(key, node)
      arcs.add(node, node + 1, model.interpreterLeft.get(key) ?? 0, 0)
      outOf.set(node, model.dates[date]!.days.map((day) => ({ arc: arcs.add(node! + 1, cdBase + day, INF_CAP, 0), day })))
    }
    return node
  }
  const municipalities = new Map<string, number>()
  for (const r of model.referrals) if (!municipalities.has(r.referral.municipality)) municipalities.set(r.referral.municipality, municipalities.size)
  const ownOf = new Int32Array(municipalities.size * D).fill(-1)
  /** The OWN node of a municipality on a date, given its own days there (none: the pool only). */
  const own = (municipality: number, date: number, days: readonly number[]): number => {
    let node = ownOf[municipality * D + date]!
    if (node < 0) {
      node = next++
      ownOf[municipality * D + date] = node
      outOf.set(node, days.map((day) => ({ arc: arcs.add(node, cdBase + day, INF_CAP, 0), day })))
      const to = pool(date)
      arcs.add(node, to, INF_CAP, OWN_PENALTY)
      poolOfOwn.set(node, to)
    }
    return node
  }

  // A referral's arcs are consecutive, by date; those after its deadline are the last of them.
  const firstArc = new Int32Array(R)
  const endArc = new Int32Array(R)
  const firstLate = new Int32Array(R)
  const scratchTo: number[] = []
  const scratchCost: number[] = []
  for (const r of model.referrals) {
    const startsWithin = r.deadline !== null && r.deadline >= r.window.earliest
    const limited = r.limitedLanguage
    const municipality = municipalities.get(r.referral.municipality)!
    // Candidates come by date, own counsellors first on a date: one arc per date, at the cost of
    // the cheapest way in (the own days, where the municipality has counsellors of its own).
    // The shared nodes are made (with their arcs) first, so that the referral's arcs are consecutive.
    scratchTo.length = scratchCost.length = 0
    let firstLateDate = -1
    let lastDate = -1
    for (const c of r.candidates) {
      if (c.date === lastDate) continue
      lastDate = c.date
      scratchTo.push(limited !== null ? lang(limited, c.date) : r.hasOwn ? own(municipality, c.date, c.own ? c.days : []) : pool(c.date))
      scratchCost.push(limited === null && r.hasOwn && !c.own ? c.cost - OWN_PENALTY : c.cost)
      if (c.late && startsWithin && firstLateDate < 0) firstLateDate = scratchTo.length - 1
    }
    firstArc[r.index] = arcs.length
    firstLate[r.index] = firstLateDate < 0 ? -1 : arcs.length + firstLateDate
    // After the deadline comes last (by date): those arcs are on only for the late request.
    scratchTo.forEach((to, i) => arcs.add(r.index, to, 1, scratchCost[i]!, firstLateDate < 0 || i < firstLateDate))
    endArc[r.index] = arcs.length
  }

  // Referral nodes (0..R-1) are settled, not looked ahead from: UnitFlow's constructor says why.
  const flow = new UnitFlow(next, sink, arcs, { lookAheadFrom: R })
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
    if (!q.withinDeadline && firstLate[q.ref]! >= 0) for (let a = firstLate[q.ref]!; a < endArc[q.ref]!; a++) flow.enableArc(a)
    if (flow.request(q.ref)) served[q.ref] = 1
  }

  // Read the assignment back: each shared node's units go to its days in request order; a unit
  // into an OWN node takes an own counsellor's day where one got units, else goes on to the pool.
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
    let through = -1
    for (let a = firstArc[q.ref]!; a < endArc[q.ref]! && through < 0; a++) if (flow.flowOn(a) > 0) through = arcs.to[a]!
    if (through < 0) continue
    let units = left.get(through)!
    // Into an OWN node: an own counsellor's day if one got units, else on through the pool.
    const onward = poolOfOwn.get(through)
    const shared = onward === undefined || units.size === 0
    if (onward !== undefined && units.size === 0) units = left.get(onward)!
    const first = units.keys().next()
    if (first.done) continue
    let day = first.value
    if (shared) {
      // Through a shared node the unit has forgotten whose it was: the referral's own counsellor
      // of that date first where its day got units (the flow's cost counts a language node's as own).
      const date = model.days[day]!.dateIndex
      const mine = r.candidates.find((c) => c.own && c.date === date)
      day = mine?.days.find((d) => units.has(d)) ?? day
    }
    const n = units.get(day)! - 1
    if (n > 0) units.set(day, n)
    else units.delete(day)
    assigned[q.ref] = day
    used[day]!++
    if (r.limitedLanguage !== null) {
      const key = `${r.limitedLanguage}|${model.days[day]!.date}`
      interpreterUsed.set(key, (interpreterUsed.get(key) ?? 0) + 1)
    }
  }
  return { handled, completed }
}
