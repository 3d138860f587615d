// The hand-coordinator baseline, and the optimiser's fallback when its time limit is hit: requests
// in priority order, each to the earliest counsellor-day with room (own counsellor preferred on
// that day), never moving anyone already placed.

import type { Model } from './model.ts'

/** What an assignment has used so far; greedy continues from any such state. */
export type Usage = {
  /** Per model referral: index of its counsellor-day, or -1. */
  readonly assigned: Int32Array
  /** Sessions placed per counsellor-day. */
  readonly used: Int32Array
  /** Interpreted sessions placed per `language|date`. */
  readonly interpreterUsed: Map<string, number>
}

export function emptyUsage(model: Model): Usage {
  return { assigned: new Int32Array(model.referrals.length).fill(-1), used: new Int32Array(model.days.length), interpreterUsed: new Map() }
}

/** Serve model.requests[from..] greedily on top of `usage` (mutated). */
export function greedyAssign(model: Model, usage: Usage, from = 0): void {
  const { assigned, used, interpreterUsed } = usage
  for (let i = from; i < model.requests.length; i++) {
    const q = model.requests[i]!
    if (assigned[q.ref]! >= 0) continue
    const r = model.referrals[q.ref]!
    // Candidates are sorted by date, own counsellors first on a date: the first with room wins.
    search: for (const c of r.candidates) {
      if (q.withinDeadline && c.late) break
      const key = r.limitedLanguage !== null ? `${r.limitedLanguage}|${model.dates[c.date]!.date}` : null
      if (key !== null && (interpreterUsed.get(key) ?? 0) >= (model.interpreterLeft.get(key) ?? 0)) continue
      for (const d of c.days) {
        if (used[d]! >= model.days[d]!.capacity) continue
        assigned[q.ref] = d
        used[d]!++
        if (key !== null) interpreterUsed.set(key, (interpreterUsed.get(key) ?? 0) + 1)
        break search
      }
    }
  }
}
