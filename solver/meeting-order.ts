// Group meetings inside the priority order. A meeting is held for its members, so it ranks as its
// highest-ranked member does: its counsellor block and interpreter may come only from
// participants ranked below that member, and a member of another language ranked above it must not
// lose the block it needed for its own meeting.
//
// checkMeetings replays the run's first-session requests in priority order on counts alone (who
// is served, not where: augmenting paths in the model's network), and takes each meeting's
// capacity out of the counsellor-day and the interpreter at the meeting's rank. If that leaves a
// request ranked above it unserved, the meeting took capacity that request needed: a violation.
// prepare() then closes that counsellor-day to meetings of that language, with every other one a
// quick look at the residual network says the meeting could not take at that rank either, and
// plans again; after MAX_MEETING_ROUNDS (model.ts) meetings still in the way are not held.
//
// Why this keeps the flow exact: the flow serves requests in priority order on the final model (the
// one with the meetings), and the served set of a prefix of requests is the greedy one of a
// matroid. A meeting that leaves the prefix above it servable leaves that prefix's served set
// unchanged, so requests ranked above a meeting are served exactly as if the meeting were not held.
// (That is a statement about the flow; the greedy baseline serves the same final model its own way.)

import type { BookDay, DayBook } from './daybook.ts'
import { fitOn } from './daybook.ts'
import type { PlannedGroup } from './groups.ts'
import type { Model } from './model.ts'
import type { Ranked } from './priority.ts'
import { compareRanked, waitedTooLong } from './priority.ts'
import type { IsoDate, PriorityRule, Problem, Referral } from './types.ts'

/** A member left without a meeting, with the dates its meeting could have had. */
export type Unseated = { readonly referral: Referral; readonly from: IsoDate; readonly until: IsoDate }

/** How a referral ranks for a group meeting: the ukraine track has no deadline. */
export function groupRank(r: Referral, problem: Pick<Problem, 'runDate' | 'policy'>): Ranked {
  return { referral: r, deadline: null, withinDeadline: false, overdue: waitedTooLong(r, problem.runDate, problem.policy) }
}

/** A meeting ranks as its highest-ranked member. */
export function meetingRank(g: PlannedGroup, rules: readonly PriorityRule[], problem: Pick<Problem, 'runDate' | 'policy'>): Ranked {
  let best = groupRank(g.members[0]!, problem)
  for (const m of g.members) {
    const x = groupRank(m, problem)
    if (compareRanked(rules, x, best) < 0) best = x
  }
  return best
}

/**
 * What the check found: `violations`, indices of the meetings in `groups` that take capacity
 * someone ranked above needed; `closed`, `language|day index` of every counsellor-day a meeting of
 * that language could not have used at that rank either (so the next plan does not try them one
 * by one). `fresh`: the days before any meeting (a copy the check books into); `model`: the model
 * built with these meetings in place; `languageOrder` the order the
 * languages were planned in (a later language could not use what an earlier one had taken).
 */
export type MeetingCheck = { readonly violations: ReadonlySet<number>; readonly closed: ReadonlySet<string> }

export function checkMeetings(
  problem: Problem,
  fresh: DayBook,
  model: Model,
  groups: readonly PlannedGroup[],
  unseated: readonly Unseated[],
  languageOrder: ReadonlyMap<string, number>,
  rules: readonly PriorityRule[],
): MeetingCheck {
  const violations = new Set<number>()
  const closed = new Set<string>()
  if (groups.length === 0) return { violations, closed }
  const { policy } = problem
  const longest = new Int32Array(model.dates.length)
  for (const r of model.referrals) for (const c of r.candidates) longest[c.date] = Math.max(longest[c.date]!, r.minutes)

  const R = model.referrals.length
  const cdBase = R
  const sink = cdBase + model.days.length
  const poolBase = sink + 1
  let nodes = poolBase + model.dates.length
  const langNode = new Map<string, number>()
  const counts = new Counts()
  const cdArc = new Int32Array(model.days.length)
  const lateArcs: number[][] = model.referrals.map(() => [])
  // Arcs are added after the node count is known: collect them first.
  const pending: [number, number, number, boolean, number][] = []
  // Own and other counsellors of a date are one arc here: counts do not care whose day it is.
  const lastOn = new Int32Array(model.dates.length).fill(-1)
  for (const r of model.referrals) {
    const startsWithin = r.deadline !== null && r.deadline >= r.window.earliest
    for (const c of r.candidates) {
      if (lastOn[c.date] === r.index) continue
      lastOn[c.date] = r.index
      let to = poolBase + c.date
      if (r.limitedLanguage !== null) {
        const key = `${r.limitedLanguage}|${c.date}`
        let n = langNode.get(key)
        if (n === undefined) {
          n = nodes
          nodes += 2
          langNode.set(key, n)
        }
        to = n
      }
      pending.push([r.index, to, 1, !(c.late && startsWithin), c.late && startsWithin ? r.index : -1])
    }
  }
  counts.init(nodes, sink)
  // Arcs toward the sink first: a node's forward arcs are then scanned before the many reverse
  // arcs of the referrals that reach it, and the look-ahead finds a free counsellor-day at once.
  model.days.forEach((m, d) => {
    const day = fresh.days[d]!
    const l = m.dateIndex >= 0 ? longest[m.dateIndex]! : 0
    cdArc[d] = counts.arc(cdBase + d, sink, l > 0 ? fresh.capacity(day, l) : 0, true)
  })
  model.dates.forEach((t, i) => {
    for (const d of t.days) counts.arc(poolBase + i, cdBase + d, INF, true)
  })
  const langArc = new Map<string, number>()
  for (const [key, n] of langNode) {
    const [language, dateIndex] = key.split('|') as [string, string]
    const t = model.dates[Number(dateIndex)]!
    langArc.set(key, counts.arc(n, n + 1, Math.max(0, fresh.interpreterLeft(language, t.date)), true))
    for (const d of t.days) counts.arc(n + 1, cdBase + d, INF, true)
  }
  for (const [from, to, cap, on, late] of pending) {
    const k = counts.arc(from, to, cap, on)
    if (late >= 0) lateArcs[late]!.push(k)
  }

  const order = groups.map((g, i) => ({ g, i, rank: meetingRank(g, rules, problem) })).sort((a, b) => compareRanked(rules, a.rank, b.rank) || a.i - b.i)
  const waiting = unseated.map((u) => ({ ...u, rank: groupRank(u.referral, problem) }))
  const interpretersTaken = new Map<string, number>()
  const heldOn = new Set<string>()
  /** Counsellor-days where a meeting of `language` would take capacity someone served so far needs. */
  const closeAll = (language: string): void => {
    const reach = counts.reachingSink()
    const minutes = policy.groupMeeting.minutes
    for (const day of fresh.days) {
      const dateIndex = model.days[day.index]!.dateIndex
      const l = dateIndex >= 0 ? longest[dateIndex]! : 0
      const key = `${language}|${day.index}`
      if (l === 0 || heldOn.has(key) || fitOn(day, minutes) === null) continue
      const probe: BookDay = { ...day, free: [...day.free] }
      fresh.book(probe, fitOn(day, minutes)!, minutes, null)
      const need = fresh.capacity(day, l) - fresh.capacity(probe, l)
      const lang = langArc.get(`${language}|${dateIndex}`)
      if (!counts.mayGive(cdArc[day.index]!, need, reach) || (lang !== undefined && !counts.mayGive(lang, 1, reach))) closed.add(key)
    }
  }
  const hold = (m: (typeof order)[number]): void => {
    const { g } = m
    // Another language planned first took a block a member of this one ranked above needed.
    const wronged = waiting.some(
      (w) =>
        w.referral.language !== g.language &&
        (languageOrder.get(g.language) ?? 0) < (languageOrder.get(w.referral.language) ?? 0) &&
        compareRanked(rules, w.rank, m.rank) < 0 &&
        g.day.date >= w.from &&
        g.day.date <= w.until &&
        fresh.interpreterLeft(w.referral.language, g.day.date) - (interpretersTaken.get(`${w.referral.language}|${g.day.date}`) ?? 0) >= 1,
    )
    const day = fresh.days[g.day.index]!
    const dateIndex = model.days[g.day.index]!.dateIndex
    const l = dateIndex >= 0 ? longest[dateIndex]! : 0
    const probe: BookDay = { ...day, free: [...day.free] }
    const before = l > 0 ? fresh.capacity(day, l) : 0
    fresh.book(probe, g.start, policy.groupMeeting.minutes, null)
    const after = l > 0 ? fresh.capacity(probe, l) : 0
    const lang = langArc.get(`${g.language}|${dateIndex}`)
    const ok = !wronged && counts.take([[cdArc[g.day.index]!, before - after], ...(lang !== undefined ? [[lang, 1] as [number, number]] : [])])
    if (!ok) {
      violations.add(m.i)
      closed.add(`${g.language}|${g.day.index}`)
      if (!wronged) closeAll(g.language)
      return
    }
    heldOn.add(`${g.language}|${g.day.index}`)
    fresh.book(day, g.start, policy.groupMeeting.minutes, null)
    const key = `${g.language}|${g.day.date}`
    interpretersTaken.set(key, (interpretersTaken.get(key) ?? 0) + 1)
  }

  const served = new Uint8Array(R)
  let next = 0
  for (const q of model.requests) {
    while (next < order.length && compareRanked(rules, order[next]!.rank, q.ranked) <= 0) hold(order[next++]!)
    if (next === order.length) break // nothing ranked below can change a meeting's verdict
    if (served[q.ref]) continue
    if (!q.withinDeadline) for (const k of lateArcs[q.ref]!) counts.enable(k)
    if (counts.augment(q.ref)) served[q.ref] = 1
  }
  while (next < order.length) hold(order[next++]!)
  return { violations, closed }
}

const INF = 1 << 30

/**
 * A residual network on counts only: breadth-first augmenting paths (arc 2k forward, 2k+1 its
 * reverse). Each node keeps its forward arcs and, apart, the reverse arcs that carry flow back: a
 * date's node is reached by thousands of referrals, and scanning their empty reverse arcs made
 * every search slow.
 */
class Counts {
  private sink = -1
  private readonly to: number[] = []
  private readonly cap: number[] = []
  private readonly on: number[] = []
  private out: number[][] = []
  private back: number[][] = []
  private backPos: number[] = []
  private dead = new Uint8Array(0)
  private seen = new Int32Array(0)
  private via = new Int32Array(0)
  private stamp = 0
  private queue = new Int32Array(0)
  private sinkArc = new Int32Array(0)
  /** Capacity changes (arc, value before) while take() may still undo them. */
  private log: number[] | null = null

  init(nodes: number, sink: number): void {
    this.sink = sink
    this.out = Array.from({ length: nodes }, () => [])
    this.back = Array.from({ length: nodes }, () => [])
    this.dead = new Uint8Array(nodes)
    this.seen = new Int32Array(nodes)
    this.via = new Int32Array(nodes)
    this.queue = new Int32Array(nodes)
    this.sinkArc = new Int32Array(nodes).fill(-1)
  }

  arc(u: number, v: number, cap: number, on: boolean): number {
    const k = this.to.length
    if (v === this.sink) this.sinkArc[u] = k
    this.to.push(v, u)
    this.cap.push(cap, 0)
    this.on.push(on ? 1 : 0, on ? 1 : 0)
    this.backPos.push(-1, -1)
    this.out[u]!.push(k)
    return k
  }

  enable(k: number): void {
    this.on[k] = this.on[k ^ 1] = 1
  }

  /** One unit from a request's node to the sink; a failed search closes what it reached for good. */
  augment(source: number): boolean {
    this.dead[source] = 0
    return this.push(source, this.sink, -1, true)
  }

  /**
   * Take `units` of capacity off each arc, rerouting the units they carry; false (and nothing
   * changed) if some unit has nowhere else to go.
   */
  take(cuts: readonly (readonly [number, number])[]): boolean {
    // Changes are logged so a refusal can undo them (copying every capacity cost more than the search).
    const log: number[] = []
    this.log = log
    let rerouted = false
    for (const [k, units] of cuts) {
      for (let i = 0; i < units; i++) {
        if (this.cap[k]! > 0) {
          this.add(k, -1)
          continue
        }
        if (this.cap[k ^ 1] === 0) break // no capacity left to take
        // Send the unit on arc k around it, then drop it from k.
        if (!this.push(this.to[k ^ 1]!, this.to[k]!, k >> 1, false)) {
          this.log = null
          for (let j = log.length - 2; j >= 0; j -= 2) this.cap[log[j]!] = log[j + 1]!
          this.rebuildBack()
          return false
        }
        this.add(k ^ 1, -1)
        rerouted = true
      }
    }
    this.log = null
    // A reroute may open a way out of a set an earlier search closed (less slack alone cannot).
    if (rerouted) this.dead.fill(0)
    return true
  }

  /** Nodes with a residual path to the sink. */
  reachingSink(): Uint8Array {
    const n = this.out.length
    const into: number[][] = Array.from({ length: n }, () => [])
    for (let a = 0; a < this.to.length; a++) if (this.cap[a]! > 0 && this.on[a]) into[this.to[a]!]!.push(a)
    const reach = new Uint8Array(n)
    const queue = [this.sink]
    reach[this.sink] = 1
    for (let i = 0; i < queue.length; i++) {
      for (const a of into[queue[i]!]!) {
        const u = this.to[a ^ 1]!
        if (reach[u]) continue
        reach[u] = 1
        queue.push(u)
      }
    }
    return reach
  }

  /**
   * Whether arc k may give up `units` of capacity: from its slack, or by sending what it carries
   * on from its tail another way to the sink (`reach`). False is certain (not one unit past the
   * slack has another way); true may still be refused by take(), which decides for a meeting
   * actually planned. Used to close counsellor-days in bulk.
   */
  mayGive(k: number, units: number, reach: Uint8Array): boolean {
    if (units <= this.cap[k]!) return true
    const u = this.to[k ^ 1]!
    for (const a of [...this.out[u]!, ...this.back[u]!]) if (a >> 1 !== k >> 1 && this.cap[a]! > 0 && this.on[a] && reach[this.to[a]!]) return true
    return false
  }

  /** Change arc a's residual capacity, keeping the lists of reverse arcs that carry flow. */
  private add(a: number, d: number): void {
    const before = this.cap[a]!
    this.log?.push(a, before)
    this.cap[a] = before + d
    if ((a & 1) === 0) return
    const tail = this.to[a ^ 1]!
    if (before === 0 && d > 0) {
      this.backPos[a] = this.back[tail]!.length
      this.back[tail]!.push(a)
    } else if (before > 0 && before + d === 0) {
      const list = this.back[tail]!
      const last = list.pop()!
      if (last !== a) {
        list[this.backPos[a]!] = last
        this.backPos[last] = this.backPos[a]!
      }
      this.backPos[a] = -1
    }
  }

  private rebuildBack(): void {
    for (const list of this.back) list.length = 0
    for (let a = 1; a < this.to.length; a += 2) {
      this.backPos[a] = -1
      if (this.cap[a]! > 0) {
        const tail = this.to[a ^ 1]!
        this.backPos[a] = this.back[tail]!.length
        this.back[tail]!.push(a)
      }
    }
  }

  /** The breadth-first search's queue end (push and visit share it). */
  private tail = 0

  /**
   * Follow arc a in push's search: true when it reaches `t`. A method, not a closure made per
   * search: tsx (keepNames) wraps every named closure as it is made, a seventh of prepare's time.
   */
  private visit(a: number, t: number, skipPair: number, closeOnFail: boolean, stamp: number): boolean {
    const { to, cap, on, dead, seen, via, sinkArc } = this
    if (cap[a]! <= 0 || !on[a] || a >> 1 === skipPair) return false
    const v = to[a]!
    if (seen[v] === stamp || (closeOnFail && dead[v])) return false
    seen[v] = stamp
    via[v] = a
    if (v === t) return true
    // Look ahead: a free arc from v straight to the sink ends the search (most do, two arcs out).
    if (t === this.sink) {
      const b = sinkArc[v]!
      if (b >= 0 && cap[b]! > 0 && b >> 1 !== skipPair) {
        via[t] = b
        return true
      }
    }
    this.queue[this.tail++] = v
    return false
  }

  private push(s: number, t: number, skipPair: number, closeOnFail: boolean): boolean {
    const { to, out, back, dead, seen, queue } = this
    const stamp = ++this.stamp
    seen[s] = stamp
    queue[0] = s
    let head = 0
    this.tail = 1
    let found = false
    search: while (head < this.tail) {
      const u = queue[head++]!
      for (const a of out[u]!) if (this.visit(a, t, skipPair, closeOnFail, stamp)) {
        found = true
        break search
      }
      for (const a of back[u]!) if (this.visit(a, t, skipPair, closeOnFail, stamp)) {
        found = true
        break search
      }
    }
    if (!found) {
      if (closeOnFail) for (let i = 0; i < this.tail; i++) dead[queue[i]!] = 1
      return false
    }
    for (let v = t; v !== s; ) {
      const a = this.via[v]!
      this.add(a, -1)
      this.add(a ^ 1, 1)
      v = to[a ^ 1]!
    }
    return true
  }
}
