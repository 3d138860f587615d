// Minimal-perturbation repair: move only the disrupted sessions, each to the place that changes
// least, without touching any other booking.
//
// It is the allocation's model with a cost for every change. Every disrupted session is one unit
// request; counsellor-days are nodes with their capacity in sessions (after every kept booking is
// taken out); a limited interpreter language passes through a node per language and date that
// carries its capacity; requests are served in priority order by the same unit min-cost flow
// (flow.ts), so a higher-ranked participant never loses a place to a lower-ranked one and the
// total cost of change is least for the set served. The costs:
//   the same time with another counsellor     SAME_TIME (+ OTHER_MUNICIPALITY if not one of theirs)
//   the same day at another time              SAME_DAY  (+ ...)
//   another day                               OTHER_DAY + DAY × days away (+ ...)
// The same time needs no new lead time (the interpreter order stands); any other time is a new
// booking and keeps the lead time counted from the run date (today), the deferral, the programme
// end and the order between a participant's sessions (group meeting, first session, follow-up).

import { addDays, daysBetween, fromOsloDateTime, interpreterOrderBy, toOsloDateTime } from './calendar.ts'
import type { BookDay } from './daybook.ts'
import { createDayBook } from './daybook.ts'
import type { BookedSession } from './disruptions.ts'
import { referralIdsOf } from './disruptions.ts'
import type { FlowArc } from './flow.ts'
import { INF_CAP, UnitFlow } from './flow.ts'
import { horizonEndOf } from './model.ts'
import type { Ranked } from './priority.ts'
import { compareRanked } from './priority.ts'
import { deadlineOf } from './rules/index.ts'
import type { InterpreterService } from './rules/late-cancellation.ts'
import { isLateCancellation } from './rules/late-cancellation.ts'
import type { DeadlineBreach, IsoDate, IsoDateTime, MinuteRange, Policy, Problem, Proposal, Referral, Session, Stats, Track, Unassigned } from './types.ts'

/** The costs of change, in the order the coordinator prefers them. */
export const CHANGE_COST = { SAME_TIME: 0, OTHER_MUNICIPALITY: 1, SAME_DAY: 10, OTHER_DAY: 20, DAY: 1 } as const

/** One disrupted session: where it was, where it goes (null: nowhere in the window), what it costs the interpreter service. */
export type Change = {
  readonly sessionId: string
  readonly from: { readonly counsellorId: string; readonly start: IsoDateTime }
  readonly to: { readonly counsellorId: string; readonly start: IsoDateTime } | null
  /** The interpreter must be ordered anew (the time changes). */
  readonly interpreterReorder: boolean
  /** Moving or dropping it now is later than the interpreter service's cancellation notice. */
  readonly lateCancellation: boolean
}

export type RepairStats = Stats & {
  /** Disrupted sessions this proposal changes (moved or dropped). */
  readonly changed: number
  /** The repair's objective: the total cost of change (CHANGE_COST), least for the sessions it places. */
  readonly changeCost: number
  readonly sameTime: number
  readonly sameDay: number
  readonly otherDay: number
  /** Disrupted sessions with no place in their window (to: null). */
  readonly dropped: number
}

export type RepairProposal = Omit<Proposal, 'sessions' | 'stats'> & {
  /** The kept bookings (pinned) and the moved sessions, each with the id of the booking it moves. */
  readonly sessions: readonly (Session & { readonly id?: string })[]
  readonly changes: readonly Change[]
  readonly stats: RepairStats
}

export type RepairInput = {
  /** runDate is today; pinned are the bookings that stay; referrals include those of the disrupted sessions (the proposal accounts for those only). */
  readonly problem: Problem
  readonly disrupted: readonly BookedSession[]
  /** The moment the repair is proposed: late cancellation counts from it. */
  readonly now: IsoDateTime
  readonly interpreterServices?: readonly InterpreterService[] | undefined
}

type Need = {
  readonly index: number
  readonly session: BookedSession
  readonly members: readonly Referral[]
  readonly minutes: number
  readonly date: IsoDate
  readonly start: number
  /** The interpreter language this session uses, or null. */
  readonly language: string | null
  /** Same date only from here (deferral, order of sessions); any time change also from `leadEarliest`. */
  readonly hardEarliest: IsoDate
  readonly leadEarliest: IsoDate
  readonly latest: IsoDate
  readonly municipalities: ReadonlySet<string>
}

type Option = { readonly day: BookDay; readonly cost: number }

export function repair(input: RepairInput): RepairProposal {
  const started = Date.now()
  const { problem, now } = input
  const { policy, runDate } = problem
  const horizonEnd = horizonEndOf(problem)
  const book = createDayBook(problem, horizonEnd)
  const owns = new Map(problem.counsellors.map((c) => [c.id, new Set(c.municipalities)]))
  const referrals = new Map(problem.referrals.map((r) => [r.id, r]))
  const hasOwn = (m: string) => problem.counsellors.some((c) => c.municipalities.includes(m))

  const needs = needsOf(input, referrals, horizonEnd)
  const caps = problem.interpreterCapacity ?? {}

  // ---- each need's options: counsellor-days and their cost of change ----
  const options: Option[][] = needs.map((n) => {
    const out: Option[] = []
    const own = (d: BookDay) => [...n.municipalities].some((m) => owns.get(d.counsellorId)?.has(m))
    const penalty = (d: BookDay) => ([...n.municipalities].some(hasOwn) && !own(d) ? CHANGE_COST.OTHER_MUNICIPALITY : 0)
    for (const d of book.days) {
      if (d.date < n.hardEarliest || d.date > n.latest || d.sessionsLeft <= 0) continue
      if (n.language !== null && book.interpreterLeft(n.language, d.date) < 1) continue
      let cost: number
      if (d.date === n.date && fits(d.free, n.start, n.minutes)) cost = CHANGE_COST.SAME_TIME
      else if (d.date < n.leadEarliest || !d.free.some(([s, e]) => e - s >= n.minutes)) continue
      else if (d.date === n.date) cost = CHANGE_COST.SAME_DAY
      else cost = CHANGE_COST.OTHER_DAY + CHANGE_COST.DAY * Math.abs(daysBetween(n.date, d.date))
      out.push({ day: d, cost: cost + penalty(d) })
    }
    return out.sort((a, b) => a.cost - b.cost || a.day.index - b.day.index)
  })

  // ---- the flow: requests in priority order, least total change ----
  const S = needs.length
  const cdNode = new Map<number, number>()
  let next = S
  for (const opts of options) for (const o of opts) if (!cdNode.has(o.day.index)) cdNode.set(o.day.index, next++)
  const langNode = new Map<string, number>()
  const arcs: FlowArc[] = []
  const arc = (from: number, to: number, cap: number, cost: number) => arcs.push({ from, to, cap, cost, enabled: true }) - 1
  const direct: { arc: number; day: number }[][] = needs.map(() => [])
  const viaLang: { arc: number; key: string }[][] = needs.map(() => [])
  const langOut = new Map<string, Map<number, number>>() // key -> day index -> arc
  needs.forEach((n, i) => {
    const limited = n.language !== null && caps[n.language] !== undefined
    if (!limited) {
      for (const o of options[i]!) direct[i]!.push({ arc: arc(i, cdNode.get(o.day.index)!, 1, o.cost), day: o.day.index })
      return
    }
    // A shared language node cannot remember per-day costs: its arc costs the need's cheapest day that date.
    const cheapest = new Map<IsoDate, number>()
    for (const o of options[i]!) if (!cheapest.has(o.day.date)) cheapest.set(o.day.date, o.cost)
    for (const [date, cost] of cheapest) {
      const key = `${n.language}|${date}`
      let node = langNode.get(key)
      if (node === undefined) {
        node = next
        next += 2
        langNode.set(key, node)
        arc(node, node + 1, Math.max(0, book.interpreterLeft(n.language!, date)), 0)
        langOut.set(key, new Map())
      }
      viaLang[i]!.push({ arc: arc(i, node, 1, cost), key })
      const outs = langOut.get(key)!
      for (const o of options[i]!) if (o.day.date === date && !outs.has(o.day.index)) outs.set(o.day.index, arc(node + 1, cdNode.get(o.day.index)!, INF_CAP, 0))
    }
  })
  const sink = next++
  for (const [day, node] of cdNode) {
    const longest = Math.max(...needs.filter((_, i) => options[i]!.some((o) => o.day.index === day)).map((n) => n.minutes))
    arc(node, sink, book.capacity(book.days[day]!, longest), 0)
  }
  const flow = new UnitFlow(next, sink, arcs)
  for (let i = 0; i < S; i++) flow.request(i)

  // ---- read the assignment back, then times of day in priority order ----
  const chosen = new Array<number>(S).fill(-1)
  const shared = new Map<string, Map<number, number>>()
  for (const [key, outs] of langOut) {
    const m = new Map<number, number>()
    for (const [day, a] of outs) if (flow.flowOn(a) > 0) m.set(day, flow.flowOn(a))
    shared.set(key, m)
  }
  for (let i = 0; i < S; i++) {
    const d = direct[i]!.find((x) => flow.flowOn(x.arc) > 0)
    if (d) {
      chosen[i] = d.day
      continue
    }
    const l = viaLang[i]!.find((x) => flow.flowOn(x.arc) > 0)
    if (!l) continue
    const units = shared.get(l.key)!
    const day = options[i]!.find((o) => (units.get(o.day.index) ?? 0) > 0)?.day.index ?? [...units.keys()][0]
    if (day === undefined) continue
    chosen[i] = day
    const left = (units.get(day) ?? 1) - 1
    if (left > 0) units.set(day, left)
    else units.delete(day)
  }

  const placed = new Array<{ day: BookDay; start: number; cost: number } | null>(S).fill(null)
  let fellBack = false
  for (let i = 0; i < S; i++) {
    const n = needs[i]!
    const tryDay = (d: BookDay): number | null => {
      if (d.sessionsLeft <= 0) return null
      if (n.language !== null && book.interpreterLeft(n.language, d.date) < 1) return null
      if (d.date === n.date && fits(d.free, n.start, n.minutes)) return n.start
      if (d.date < n.leadEarliest) return null
      return nearestStart(d.free, n.start, n.minutes)
    }
    const costAt = (d: BookDay, s: number) => options[i]!.find((o) => o.day === d)!.cost + (d.date === n.date && s !== n.start ? CHANGE_COST.SAME_DAY : 0)
    let at: { day: BookDay; start: number } | null = null
    if (chosen[i]! >= 0) {
      const d = book.days[chosen[i]!]!
      const s = tryDay(d)
      if (s !== null) at = { day: d, start: s }
    }
    if (!at) {
      // The day counts of the flow are exact for one session length; mixed lengths can leave a day
      // short, and then the cheapest option that still fits is taken.
      for (const o of options[i]!) {
        const s = tryDay(o.day)
        if (s === null) continue
        at = { day: o.day, start: s }
        fellBack = chosen[i]! >= 0
        break
      }
    }
    if (!at) continue
    book.book(at.day, at.start, n.minutes, n.language)
    placed[i] = { ...at, cost: costAt(at.day, at.start) }
  }

  // ---- the proposal ----
  const terms = { interpreterServices: input.interpreterServices, lateCancellationHours: policy.lateCancellationHours }
  const changes: Change[] = []
  const moved: (Session & { id: string })[] = []
  let changeCost = 0
  let sameTime = 0
  let sameDay = 0
  let otherDay = 0
  needs.forEach((n, i) => {
    const p = placed[i]
    const s = n.session
    const interpreted = n.language !== null
    const late = isLateCancellation({ start: s.start, interpreted, language: n.language }, now, terms)
    const from = { counsellorId: s.counsellorId, start: s.start }
    if (!p) {
      changes.push({ sessionId: s.id, from, to: null, interpreterReorder: false, lateCancellation: late })
      return
    }
    const start = toOsloDateTime(p.day.date, p.start)
    const sameStart = p.day.date === n.date && p.start === n.start
    changeCost += p.cost
    if (sameStart) sameTime++
    else if (p.day.date === n.date) sameDay++
    else otherDay++
    changes.push({ sessionId: s.id, from, to: { counsellorId: p.day.counsellorId, start }, interpreterReorder: interpreted && !sameStart, lateCancellation: interpreted && !sameStart && late })
    const end = toOsloDateTime(p.day.date, p.start + n.minutes)
    const orderBy = interpreterOrderBy(p.day.date, p.start, policy)
    const { pinned: _p, ...base } = s
    moved.push({ ...base, counsellorId: p.day.counsellorId, start, end, ...(interpreted && orderBy !== undefined ? { interpreterOrderBy: orderBy } : {}) } as Session & { id: string })
  })

  const sessions = [...problem.pinned.map((s) => ({ ...s, pinned: true })), ...moved]
  // Only the disrupted sessions' participants are in question; the problem's other referrals (kept for
  // the interpreter count of their bookings) are not this proposal's to account for.
  const affected = new Set(needs.flatMap((n) => n.members.map((r) => r.id)))
  const { unassigned, deadlineBreaches, scheduled, withinDeadline, threatened } = accountFor(problem, affected, sessions, moved, horizonEnd)
  const objective = policy.priority.map((rule) => ({ rule, value: rule === 'deadline' ? withinDeadline : rule === 'threatened-industry' ? threatened : scheduled }))
  const dropped = changes.filter((c) => c.to === null).length
  const stats: RepairStats = {
    referrals: affected.size,
    scheduled,
    withinDeadline,
    solveMs: Date.now() - started,
    method: 'flow',
    outcome: fellBack ? 'feasible' : 'optimal',
    sessions: moved.length,
    groupMeetings: moved.filter((s) => s.kind === 'group').length,
    followups: moved.filter((s) => s.kind === 'followup').length,
    unassigned: unassigned.length,
    deadlineBreaches: deadlineBreaches.length,
    objective,
    changed: changes.length,
    changeCost,
    sameTime,
    sameDay,
    otherDay,
    dropped,
  }
  return { runDate, status: 'proposed', sessions, unassigned, deadlineBreaches, changes, stats }
}

/** The disrupted sessions as needs, highest-ranked participant first, with the dates each may take. */
function needsOf(input: RepairInput, referrals: ReadonlyMap<string, Referral>, horizonEnd: IsoDate): Need[] {
  const { problem } = input
  const { policy, runDate } = problem
  const rankOf = (s: Session): Ranked | null => {
    const ranked = referralIdsOf(s)
      .map((id) => referrals.get(id))
      .filter((r): r is Referral => r !== undefined)
      .map((r) => ({ referral: r, deadline: deadlineOf(r, policy), withinDeadline: false }))
      .sort((a, b) => compareRanked(policy.priority, a, b))
    return ranked[0] ?? null
  }
  const ordered = [...input.disrupted].sort((a, b) => {
    const ra = rankOf(a)
    const rb = rankOf(b)
    if (ra && rb) return compareRanked(policy.priority, ra, rb) || Date.parse(a.start) - Date.parse(b.start)
    return ra ? -1 : rb ? 1 : Date.parse(a.start) - Date.parse(b.start)
  })
  // Every session of a participant, kept or disrupted, at its original date: the order between them holds.
  const all = [...problem.pinned, ...input.disrupted]
  const datesOf = (id: string, kind: Session['kind']) => all.filter((s) => s.kind === kind && referralIdsOf(s).includes(id)).map((s) => fromOsloDateTime(s.start).date)
  return ordered.map((s, index) => {
    const start = fromOsloDateTime(s.start)
    const end = fromOsloDateTime(s.end)
    const members = referralIdsOf(s).map((id) => referrals.get(id)).filter((r): r is Referral => r !== undefined)
    const track: Track = s.kind === 'group' ? 'ukraine' : (members[0]?.track ?? 'ordinary')
    const language = s.kind === 'group' ? s.language : s.interpreterOrderBy !== undefined ? (members[0]?.language ?? null) : null
    let hardEarliest = runDate
    let latest = horizonEnd
    const atLeast = (d: IsoDate) => {
      if (d > hardEarliest) hardEarliest = d
    }
    const atMost = (d: IsoDate) => {
      if (d < latest) latest = d
    }
    for (const r of members) {
      if (r.deferredUntil !== undefined) atLeast(r.deferredUntil)
      if (r.programmeEndsOn !== undefined) atMost(addDays(r.programmeEndsOn, -1))
      if (s.kind === 'group') for (const d of datesOf(r.id, 'individual')) atMost(addDays(d, -policy.groupMeeting.daysBeforeIndividual))
      if (s.kind === 'individual') {
        if (r.track === 'ukraine' && !r.groupMeetingDone) for (const d of datesOf(r.id, 'group')) atLeast(addDays(d, policy.groupMeeting.daysBeforeIndividual))
        for (const d of datesOf(r.id, 'followup')) atMost(addDays(d, -policy.secondMeetingGapDays))
      }
      if (s.kind === 'followup') for (const d of datesOf(r.id, 'individual')) atLeast(addDays(d, policy.secondMeetingGapDays))
    }
    const lead = addDays(runDate, language !== null ? policy.leadDays[track] : policy.noticeDays)
    return {
      index,
      session: s,
      members,
      minutes: end.minute - start.minute,
      date: start.date,
      start: start.minute,
      language,
      hardEarliest,
      leadEarliest: lead > hardEarliest ? lead : hardEarliest,
      latest,
      municipalities: new Set(members.map((r) => r.municipality)),
    }
  })
}

/** Every referral of the problem scheduled or unassigned once; deadline breaches of the moved first sessions. */
function accountFor(problem: Problem, affected: ReadonlySet<string>, sessions: readonly Session[], moved: readonly Session[], horizonEnd: IsoDate) {
  const { policy } = problem
  const firstOn = new Map<string, IsoDate>()
  for (const s of sessions) if (s.kind === 'individual') firstOn.set(s.referralId, fromOsloDateTime(s.start).date)
  const movedFirst = new Set(moved.filter((s) => s.kind === 'individual').map((s) => (s.kind === 'individual' ? s.referralId : '')))
  const groupOf = new Map<string, IsoDate>()
  for (const s of sessions) if (s.kind === 'group') for (const id of s.referralIds) groupOf.set(id, fromOsloDateTime(s.start).date)
  const unassigned: Unassigned[] = []
  const deadlineBreaches: DeadlineBreach[] = []
  let scheduled = 0
  let withinDeadline = 0
  let threatened = 0
  for (const r of problem.referrals) {
    if (!affected.has(r.id)) continue
    const on = firstOn.get(r.id)
    const deadline = deadlineOf(r, policy)
    if (on !== undefined) {
      scheduled++
      if (r.threatenedIndustry) threatened++
      if (deadline !== null && on <= deadline) withinDeadline++
      if (deadline !== null && on > deadline && movedFirst.has(r.id))
        deadlineBreaches.push({ referralId: r.id, deadline, plannedOn: on, reason: 'no-capacity-before-deadline', detail: `moved from a disrupted booking to ${on}, after the deadline ${deadline}: no counsellor had a free slot nearer`, explanation: { code: 'repair-moved-after-deadline', on, deadline } })
      continue
    }
    const group = groupOf.get(r.id)
    unassigned.push(
      group !== undefined
        ? { referralId: r.id, reason: 'awaiting-group-meeting', detail: `the group meeting is booked for ${group}; the individual session after it is planned by a later run`, explanation: { code: 'repair-awaiting-group', on: group } }
        : { referralId: r.id, reason: 'no-capacity-in-horizon', detail: `the booked session no longer fits and no counsellor has a free slot for it before ${horizonEnd}; the next run plans it again`, explanation: { code: 'repair-no-slot', until: horizonEnd } },
    )
    if (deadline !== null && deadline <= horizonEnd && r.track === 'ordinary')
      deadlineBreaches.push({ referralId: r.id, deadline, plannedOn: null, reason: 'no-capacity-before-deadline', detail: `the booked session no longer fits and no counsellor has a free slot before the deadline ${deadline}`, explanation: { code: 'repair-no-slot-before-deadline', deadline } })
  }
  return { unassigned, deadlineBreaches, scheduled, withinDeadline, threatened }
}

function fits(free: readonly MinuteRange[], start: number, minutes: number): boolean {
  return free.some(([s, e]) => start >= s && start + minutes <= e)
}

/** The start nearest `wanted` at which `minutes` fit in the free time, or null. */
function nearestStart(free: readonly MinuteRange[], wanted: number, minutes: number): number | null {
  let best: number | null = null
  for (const [s, e] of free) {
    if (e - s < minutes) continue
    const at = Math.min(Math.max(wanted, s), e - minutes)
    if (best === null || Math.abs(at - wanted) < Math.abs(best - wanted)) best = at
  }
  return best
}

/**
 * A plan run (not a repair) releases the disrupted sessions: their referrals are planned afresh.
 * Each release becomes a change: to the new session of the same referral and kind (which then
 * carries the booking's id, so commit moves it in place), or to nothing (commit cancels it).
 */
export function releaseChanges(
  disrupted: readonly BookedSession[],
  proposalSessions: readonly Session[],
  now: IsoDateTime,
  policy: Policy & { readonly interpreterServices?: readonly InterpreterService[] },
  languageOf: (referralId: string) => string | null,
): { sessions: (Session & { id?: string })[]; changes: Change[] } {
  const sessions: (Session & { id?: string })[] = [...proposalSessions]
  const taken = new Set<number>()
  const terms = { interpreterServices: policy.interpreterServices, lateCancellationHours: policy.lateCancellationHours }
  const changes = disrupted.map((d): Change => {
    const language = d.kind === 'group' ? d.language : d.interpreterOrderBy !== undefined ? languageOf(d.referralId) : null
    const late = isLateCancellation({ start: d.start, interpreted: language !== null, language }, now, terms)
    const from = { counsellorId: d.counsellorId, start: d.start }
    const i = d.kind === 'group' ? -1 : sessions.findIndex((s, k) => !taken.has(k) && !s.pinned && s.kind === d.kind && s.referralId === d.referralId)
    if (i < 0) return { sessionId: d.id, from, to: null, interpreterReorder: false, lateCancellation: late }
    taken.add(i)
    const s = sessions[i]!
    sessions[i] = { ...s, id: d.id }
    const sameStart = Date.parse(s.start) === Date.parse(d.start)
    return { sessionId: d.id, from, to: { counsellorId: s.counsellorId, start: s.start }, interpreterReorder: language !== null && !sameStart, lateCancellation: language !== null && !sameStart && late }
  })
  return { sessions, changes }
}
