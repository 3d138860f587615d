// Ukraine track: the group meetings this run must plan before the members' individual sessions.
// Languages are formed in turn (first seen in priority order), each booked in the DayBook before
// the next. A language is formed by a small MIP (formLp) where its model stays small; otherwise, or
// when the MIP gives no proven integral optimum, by the hand-coordinator's chunking (formGreedy).
// Either way a meeting's time is reserved before anything else is placed; prepare() then checks the
// plan against the priority order (meeting-order.ts) and plans again without the counsellor-days
// a meeting may not take.

import { addDays, daysBetween } from './calendar.ts'
import type { BookDay, DayBook } from './daybook.ts'
import { fitOn } from './daybook.ts'
import { solveMip } from './lp.ts'
import type { Explanation, GroupMethod, GroupOptions, IsoDate, Policy, Referral } from './types.ts'

export type GroupCandidate = {
  readonly referral: Referral
  /** The last date the individual session may fall on. */
  readonly latest: IsoDate
}

export type PlannedGroup = {
  readonly language: string
  readonly day: BookDay
  readonly start: number
  readonly members: readonly Referral[]
}

export type GroupPlan = {
  readonly groups: readonly PlannedGroup[]
  /** Referrals left without a group meeting in the horizon, with why. */
  readonly awaiting: ReadonlyMap<string, Awaiting>
  /** How the languages were formed; null when no language needed a meeting. */
  readonly method: GroupMethod | 'mixed' | null
}

/**
 * Stage A's size past which a language goes to greedy. Measured on this machine: A alone at 7,300
 * variables in 0.23 s, but closing meetings re-solves it up to twice per date: 1,600 variables
 * took 0.3 s in all, 7,300 took 5 s.
 */
export const MAX_LP_VARIABLES = 3_000

/**
 * Stage B's MIP size past which meetings are closed by repeated LPs instead. Measured on 120 random
 * instances: up to 200 variables at most 62 ms; 200-350 mostly under 0.5 s but once 5 s without a
 * proven optimum. Closing by LPs came within 1.2 % of B's objective (waiting days plus meetings).
 */
export const MAX_MEETING_MIP_VARIABLES = 200

/** B's time limit: a safety net only, 30 times the slowest measured below the size limit. */
const MEETING_MIP_TIMEOUT_MS = 2_000

const DEFAULT_OPTIONS: Required<GroupOptions> = { method: 'lp', maxVariables: MAX_LP_VARIABLES, maxMeetingVariables: MAX_MEETING_MIP_VARIABLES }

/** What the planning of one language needs to know about the run. */
type Context = {
  readonly book: DayBook
  readonly policy: Policy
  readonly leadDate: IsoDate
  readonly lastGroupDay: IsoDate
  readonly owns: (counsellorId: string, municipality: string) => boolean
  /** Group meetings already planned in this run (other languages) between two dates: explanations name them. */
  readonly meetingsBetween: (from: IsoDate, to: IsoDate) => number
  /** Counsellor-days a meeting of this language may not use: its time is needed by someone ranked above (meeting-order.ts). */
  readonly closed: (language: string, day: BookDay) => boolean
}

type LanguagePlan = { readonly groups: readonly PlannedGroup[]; readonly awaiting: ReadonlyMap<string, Awaiting> }

/** Why a member is not seated in this run: the English detail and the same as data. */
export type Awaiting = { readonly detail: string; readonly explanation: Explanation }

/**
 * `candidates` in priority order. `owns(counsellorId, municipality)` says whether a counsellor is a
 * fixed contact of a municipality. `closed(language, day)`: a counsellor-day no meeting of that
 * language may use (prepare() closes those where a meeting took time someone ranked above needed).
 */
export function planGroups(
  candidates: readonly GroupCandidate[],
  book: DayBook,
  policy: Policy,
  runDate: IsoDate,
  horizonEnd: IsoDate,
  owns: (counsellorId: string, municipality: string) => boolean,
  options: GroupOptions = {},
  closed: (language: string, day: BookDay) => boolean = () => false,
): GroupPlan {
  const opts = { ...DEFAULT_OPTIONS, ...options }
  const groups: PlannedGroup[] = []
  const ctx: Context = {
    book,
    policy,
    leadDate: addDays(runDate, policy.leadDays.ukraine),
    lastGroupDay: addDays(horizonEnd, -policy.groupMeeting.daysBeforeIndividual),
    owns,
    meetingsBetween: (from, to) => groups.filter((g) => g.day.date >= from && g.day.date <= to).length,
    closed,
  }
  const byLanguage = new Map<string, GroupCandidate[]>()
  for (const c of candidates) byLanguage.set(c.referral.language, [...(byLanguage.get(c.referral.language) ?? []), c])

  const awaiting = new Map<string, Awaiting>()
  const used = new Set<GroupMethod>()
  for (const [language, list] of byLanguage) {
    const lp = opts.method === 'lp' ? formLp(language, list, ctx, opts) : null
    const plan = lp ?? formGreedy(language, list, ctx)
    used.add(lp ? 'lp' : 'greedy')
    groups.push(...plan.groups)
    for (const [id, why] of plan.awaiting) awaiting.set(id, why)
  }
  const method = used.size === 0 ? null : used.size === 2 ? 'mixed' : [...used][0]!
  return { groups, awaiting, method }
}

/** The first date a referral can meet: the interpreter's lead time, or its deferral if later. */
function earliestOf(r: Referral, ctx: Context): IsoDate {
  return r.deferredUntil !== undefined && r.deferredUntil > ctx.leadDate ? r.deferredUntil : ctx.leadDate
}

/** The last date a member can meet and still have its individual session `gap` days later. */
function latestMeetingOf(c: GroupCandidate, ctx: Context): IsoDate {
  const d = addDays(c.latest, -ctx.policy.groupMeeting.daysBeforeIndividual)
  return d < ctx.lastGroupDay ? d : ctx.lastGroupDay
}

function noRoomWhy(language: string, from: IsoDate, to: IsoDate, ctx: Context, otherMeetings: number): Awaiting {
  const minutes = ctx.policy.groupMeeting.minutes
  const others = otherMeetings > 0 ? ` (${otherMeetings} group meetings in other languages take counsellor time then)` : ''
  return {
    detail: `no counsellor has a free ${minutes}-minute block with a ${language} interpreter for a group meeting between ${from} and ${to}${others}`,
    explanation: { code: 'group-meeting-no-room', language, minutes, from, until: to, otherMeetings },
  }
}

// ---- the MIP ----

/** Priority tiers in the objective: classes stay few, while a higher tier still wins a contested seat. */
const TIERS = 4

/** Waiting days (summed over members) one more meeting must save: a meeting takes 3 hours of a counsellor. */
export const MEETING_DAYS = 14

/**
 * Members with the same window and priority tier are interchangeable, so the models count them per
 * class: z[k,d] members of class k meet on date d. A date holds at most min(counsellor blocks free,
 * interpreters left) meetings of maxParticipants. The counsellor is chosen per meeting afterwards
 * (own counsellor first): on a date it changes neither who is seated nor when nor how many
 * meetings. Two stages, because one MIP over all levels at once left the library's
 * branch-and-bound without an integral answer in 5 s on 1,000 variables when seats were short:
 *
 * A. who is seated, then fewer waiting days: every date offers all its seats, which makes the
 *    model a transportation problem (totally unimodular: the LP optimum is whole, no branching).
 *    Seating on dates with fixed seats is a matching (a matroid), so the most members and the
 *    best by priority coincide; a higher tier wins a contested seat.
 * B. fewer meetings: each class keeps exactly its seats from A, on the dates A opened; integer
 *    y[d] meetings on date d, Σ_k z[k,d] ≤ maxParticipants·y[d]; minimise waiting days plus
 *    MEETING_DAYS per meeting. Where B is larger than `limits.maxMeetingVariables` or gives no proven
 *    integral optimum, closeMeetings does the same by repeated transportation problems instead.
 *
 * Null when A is larger than `limits.maxVariables` or not solved (the caller falls back to greedy).
 * Books nothing until it has a plan.
 */
function formLp(language: string, list: readonly GroupCandidate[], ctx: Context, limits: Required<GroupOptions>): LanguagePlan | null {
  const { book, policy } = ctx
  const { minutes, maxParticipants } = policy.groupMeeting
  const members = list.map((c, rank) => ({
    c,
    from: earliestOf(c.referral, ctx),
    to: latestMeetingOf(c, ctx),
    tier: Math.floor((rank * TIERS) / list.length),
  }))

  // Dates that can hold at least one meeting of this language, and how many.
  const rooms: { date: IsoDate; meetings: number }[] = []
  for (const [date, sameDay] of book.byDate) {
    let blocks = 0
    for (const x of sameDay) if (!ctx.closed(language, x)) blocks += book.capacity(x, minutes)
    const meetings = Math.min(blocks, book.interpreterLeft(language, date))
    if (meetings >= 1) rooms.push({ date, meetings })
  }

  // Classes in priority order of their first member; members keep priority order inside.
  const classes = new Map<string, { from: IsoDate; tier: number; refs: Referral[]; dates: number[] }>()
  for (const m of members) {
    const key = `${m.from}|${m.to}|${m.tier}`
    const k = classes.get(key)
    if (k) k.refs.push(m.c.referral)
    else {
      const dates = rooms.flatMap((r, i) => (r.date >= m.from && r.date <= m.to ? [i] : []))
      classes.set(key, { from: m.from, tier: m.tier, refs: [m.c.referral], dates })
    }
  }
  const seatable = [...classes.values()].filter((k) => k.dates.length > 0)
  const z = (ki: number, d: number): string => `z${ki}_${d}`
  const wait = (ki: number, d: number): number => daysBetween(seatable[ki]!.from, rooms[d]!.date)
  /** Seated members per date and class, from a solution's z values. */
  const seatsFrom = (values: ReadonlyMap<string, number>): Map<number, Map<number, number>> => {
    const on = new Map<number, Map<number, number>>()
    seatable.forEach((k, ki) => {
      for (const d of k.dates) {
        const count = values.get(z(ki, d)) ?? 0
        if (count > 0) on.set(d, (on.get(d) ?? new Map<number, number>()).set(ki, count))
      }
    })
    return on
  }

  let seatsOn = new Map<number, Map<number, number>>()
  if (seatable.length > 0) {
    const dayNumbers = seatable.flatMap((k) => k.dates)
    const span = daysBetween(rooms[Math.min(...dayNumbers)]!.date, rooms[Math.max(...dayNumbers)]!.date) + 1
    // Each level outweighs everything below it over all members.
    const step = list.length * span + 1
    const seat = list.length * TIERS * step
    const variablesA: Record<string, Record<string, number>> = {}
    const constraintsA: Record<string, { max: number }> = {}
    seatable.forEach((k, ki) => {
      constraintsA[`class${ki}`] = { max: k.refs.length }
      for (const d of k.dates) {
        constraintsA[`seats${d}`] = { max: maxParticipants * rooms[d]!.meetings }
        variablesA[z(ki, d)] = { value: seat + (TIERS - 1 - k.tier) * step - wait(ki, d), [`class${ki}`]: 1, [`seats${d}`]: 1 }
      }
    })
    if (Object.keys(variablesA).length > limits.maxVariables) return null
    const a = solveMip({ direction: 'max', objective: 'value', constraints: constraintsA, variables: variablesA, integers: Object.keys(variablesA) })
    if (a.outcome !== 'optimal') return null
    seatsOn = seatsFrom(a.values)
    const b = fewerMeetings(seatable, rooms, seatsOn, maxParticipants, z, wait, limits.maxMeetingVariables) ?? closeMeetings(seatable, seatsOn, maxParticipants, z, wait)
    seatsOn = seatsFrom(b)
  }

  // Members to dates: inside a class, higher priority meets earlier.
  const onDate = new Map<number, Referral[]>()
  const seated = new Set<string>()
  seatable.forEach((k, ki) => {
    let next = 0
    for (const d of k.dates) {
      const count = seatsOn.get(d)?.get(ki) ?? 0
      const take = k.refs.slice(next, next + count)
      next += count
      onDate.set(d, [...(onDate.get(d) ?? []), ...take])
      for (const r of take) seated.add(r.id)
    }
  })

  const awaiting = new Map<string, Awaiting>()
  for (const m of members) {
    if (seated.has(m.c.referral.id)) continue
    const gap = policy.groupMeeting.daysBeforeIndividual
    const why: Awaiting =
      m.from > m.to
        ? {
            detail: `a group meeting on or after ${m.from} leaves no date for the individual session ${gap} days later before ${m.c.latest}`,
            explanation: { code: 'group-meeting-no-date', from: m.from, gap, until: m.c.latest },
          }
        : rooms.some((r) => r.date >= m.from && r.date <= m.to)
          ? {
              detail: `the ${language} group meetings that can be held between ${m.from} and ${m.to} are full (${maxParticipants} each; no counsellor block or ${language} interpreter left for another)`,
              explanation: { code: 'group-meeting-full', language, seats: maxParticipants, from: m.from, until: m.to },
            }
          : noRoomWhy(language, m.from, m.to, ctx, ctx.meetingsBetween(m.from, m.to))
    awaiting.set(m.c.referral.id, why)
  }

  const groups: PlannedGroup[] = []
  for (const d of [...onDate.keys()].sort((a, b) => a - b)) {
    for (const meeting of splitMeetings(onDate.get(d)!, maxParticipants)) {
      const municipality = mostCommon(meeting.map((r) => r.municipality))
      const sameDay = (book.byDate.get(rooms[d]!.date) ?? []).filter((x) => !ctx.closed(language, x))
      const ordered = [...sameDay.filter((x) => ctx.owns(x.counsellorId, municipality)), ...sameDay.filter((x) => !ctx.owns(x.counsellorId, municipality))]
      let placed: [BookDay, number] | null = null
      for (const x of ordered) {
        const start = fitOn(x, minutes)
        if (start !== null) {
          placed = [x, start]
          break
        }
      }
      // rooms[d].meetings counted these blocks: a miss here is a bug, not a shortage.
      if (placed === null) throw new Error(`group planning: no block left on ${rooms[d]!.date} that the model counted`)
      book.book(placed[0], placed[1], minutes, language)
      groups.push({ language, day: placed[0], start: placed[1], members: meeting })
    }
  }
  return { groups, awaiting }
}

/**
 * Stage B of formLp: with each class's seats fixed, as few meetings as the waiting days allow.
 * The z values, or null (closeMeetings takes over) when the model is too large or not solved to
 * a proven integral optimum.
 */
function fewerMeetings(
  seatable: readonly { readonly dates: readonly number[] }[],
  rooms: readonly { readonly meetings: number }[],
  seatsOn: ReadonlyMap<number, ReadonlyMap<number, number>>,
  maxParticipants: number,
  z: (ki: number, d: number) => string,
  wait: (ki: number, d: number) => number,
  maxVariables: number,
): ReadonlyMap<string, number> | null {
  const seatsOf = seatsPerClass(seatsOn)
  const constraints: Record<string, { max?: number; equal?: number }> = {}
  const variables: Record<string, Record<string, number>> = {}
  seatable.forEach((k, ki) => {
    const seats = seatsOf.get(ki) ?? 0
    if (seats === 0) return
    constraints[`class${ki}`] = { equal: seats }
    for (const d of k.dates) {
      if (!seatsOn.has(d)) continue
      variables[z(ki, d)] = { cost: wait(ki, d), [`class${ki}`]: 1, [`seats${d}`]: 1 }
      if (variables[`y${d}`] !== undefined) continue
      constraints[`seats${d}`] = { max: 0 }
      constraints[`meetings${d}`] = { max: rooms[d]!.meetings }
      variables[`y${d}`] = { cost: MEETING_DAYS, [`seats${d}`]: -maxParticipants, [`meetings${d}`]: 1 }
    }
  })
  if (Object.keys(variables).length > maxVariables) return null
  const result = solveMip({ direction: 'min', objective: 'cost', constraints, variables, integers: Object.keys(variables) }, { timeoutMs: MEETING_MIP_TIMEOUT_MS })
  return result.outcome === 'optimal' ? result.values : null
}

/** Seats stage A gave each class, over all dates: what stage B must keep. */
function seatsPerClass(seatsOn: ReadonlyMap<number, ReadonlyMap<number, number>>): Map<number, number> {
  const seatsOf = new Map<number, number>()
  for (const byClass of seatsOn.values()) for (const [ki, count] of byClass) seatsOf.set(ki, (seatsOf.get(ki) ?? 0) + count)
  return seatsOf
}

/**
 * Stage B where its MIP is too large: close meetings one at a time while that costs fewer than
 * MEETING_DAYS waiting days. Each try is the transportation problem again (whole without
 * branching): each class keeps its seats, every date keeps the meetings it has but the one tried
 * loses one. Tries go emptiest meeting first; two passes. Returns the z values.
 */
function closeMeetings(
  seatable: readonly { readonly dates: readonly number[] }[],
  seatsOn: ReadonlyMap<number, ReadonlyMap<number, number>>,
  maxParticipants: number,
  z: (ki: number, d: number) => string,
  wait: (ki: number, d: number) => number,
): ReadonlyMap<string, number> {
  const seatsOf = seatsPerClass(seatsOn)
  let values = new Map<string, number>()
  let waiting = 0
  for (const [d, byClass] of seatsOn)
    for (const [ki, count] of byClass) {
      values.set(z(ki, d), count)
      waiting += count * wait(ki, d)
    }
  const countOn = (vals: ReadonlyMap<string, number>): Map<number, number> => {
    const on = new Map<number, number>()
    seatable.forEach((k, ki) => {
      for (const d of k.dates) {
        const n = vals.get(z(ki, d)) ?? 0
        if (n > 0) on.set(d, (on.get(d) ?? 0) + n)
      }
    })
    return on
  }
  const meetingsOn = (counts: ReadonlyMap<number, number>): Map<number, number> =>
    new Map([...counts].map(([d, n]) => [d, Math.ceil(n / maxParticipants)]))
  let open = meetingsOn(countOn(values))

  const transport = (meetings: ReadonlyMap<number, number>) => {
    const constraints: Record<string, { max?: number; equal?: number }> = {}
    const variables: Record<string, Record<string, number>> = {}
    seatable.forEach((k, ki) => {
      const seats = seatsOf.get(ki) ?? 0
      if (seats === 0) return
      constraints[`class${ki}`] = { equal: seats }
      for (const d of k.dates) {
        const m = meetings.get(d) ?? 0
        if (m === 0) continue
        constraints[`seats${d}`] = { max: m * maxParticipants }
        variables[z(ki, d)] = { cost: wait(ki, d), [`class${ki}`]: 1, [`seats${d}`]: 1 }
      }
    })
    return solveMip({ direction: 'min', objective: 'cost', constraints, variables, integers: Object.keys(variables) })
  }

  for (let pass = 0; pass < 2; pass++) {
    let closed = false
    const counts = countOn(values)
    // The emptiest meeting first: its members are the fewest to move.
    const inEmptiest = (d: number): number => counts.get(d)! - maxParticipants * (open.get(d)! - 1)
    const order = [...open.keys()].sort((a, b) => inEmptiest(a) - inEmptiest(b) || a - b)
    for (const d of order) {
      const m = open.get(d) ?? 0
      if (m === 0) continue
      const r = transport(new Map(open).set(d, m - 1))
      if (r.outcome !== 'optimal' || r.objective - waiting >= MEETING_DAYS) continue
      values = new Map(r.values)
      waiting = r.objective
      open = meetingsOn(countOn(values))
      closed = true
    }
    if (!closed) break
  }
  return values
}

/**
 * The members meeting on one date, split into as few meetings as the cap allows, sizes within one
 * of each other; members of the same municipality kept together so each meeting can go to its
 * own counsellor.
 */
function splitMeetings(members: readonly Referral[], maxParticipants: number): Referral[][] {
  const count = Math.ceil(members.length / maxParticipants)
  const perMunicipality = new Map<string, number>()
  for (const r of members) perMunicipality.set(r.municipality, (perMunicipality.get(r.municipality) ?? 0) + 1)
  const sorted = members
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        perMunicipality.get(b.r.municipality)! - perMunicipality.get(a.r.municipality)! ||
        (a.r.municipality < b.r.municipality ? -1 : a.r.municipality > b.r.municipality ? 1 : 0) ||
        a.i - b.i,
    )
    .map((x) => x.r)
  const meetings: Referral[][] = []
  let next = 0
  for (let i = 0; i < count; i++) {
    const size = Math.floor(members.length / count) + (i < members.length % count ? 1 : 0)
    meetings.push(sorted.slice(next, next + size))
    next += size
  }
  return meetings
}

// ---- the hand-coordinator's chunking (the fallback) ----

/**
 * Members are grouped by the first date they can meet, then in priority order, up to
 * maxParticipants; each group goes on the earliest counsellor-day with a free block and an
 * interpreter, the main municipality's own counsellor preferred on that day.
 */
function formGreedy(language: string, candidates: readonly GroupCandidate[], ctx: Context): LanguagePlan {
  const { book, policy, lastGroupDay } = ctx
  const { minutes, maxParticipants, daysBeforeIndividual: gap } = policy.groupMeeting
  // Members who can meet on the same date go together, so one member's deferral does not hold
  // back the rest; on the same date, priority order (stable sort) decides who fills a group first.
  const list = [...candidates].sort((a, b) => {
    const ea = earliestOf(a.referral, ctx)
    const eb = earliestOf(b.referral, ctx)
    return ea < eb ? -1 : ea > eb ? 1 : 0
  })
  const groups: PlannedGroup[] = []
  const awaiting = new Map<string, Awaiting>()
  for (let i = 0; i < list.length; i += maxParticipants) {
    const chunk = list.slice(i, i + maxParticipants)
    // The meeting always has an interpreter, and no member may be deferred past it.
    let earliest = ctx.leadDate
    for (const c of chunk) if (earliestOf(c.referral, ctx) > earliest) earliest = earliestOf(c.referral, ctx)
    const municipality = mostCommon(chunk.map((c) => c.referral.municipality))
    const found = findDay(book, earliest, lastGroupDay, minutes, language, (id) => ctx.owns(id, municipality), (x) => ctx.closed(language, x))
    if (found === null) {
      for (const c of chunk) awaiting.set(c.referral.id, noRoomWhy(language, earliest, lastGroupDay, ctx, ctx.meetingsBetween(earliest, lastGroupDay)))
      continue
    }
    const [day, start] = found
    // A member whose individual session could not follow the meeting in time waits for a later one.
    const members: Referral[] = []
    for (const c of chunk) {
      if (addDays(day.date, gap) <= c.latest) members.push(c.referral)
      else
        awaiting.set(c.referral.id, {
          detail: `the first group meeting with room, on ${day.date}, leaves no date for the individual session ${gap} days later before ${c.latest}`,
          explanation: { code: 'group-meeting-no-date', from: day.date, gap, until: c.latest },
        })
    }
    if (members.length === 0) continue
    book.book(day, start, minutes, language)
    groups.push({ language, day, start, members })
  }
  return { groups, awaiting }
}

function findDay(
  book: DayBook,
  from: IsoDate,
  to: IsoDate,
  minutes: number,
  language: string,
  isOwn: (counsellorId: string) => boolean,
  closed: (day: BookDay) => boolean,
): [BookDay, number] | null {
  for (const [date, allDay] of book.byDate) {
    if (date < from || date > to) continue
    if (book.interpreterLeft(language, date) < 1) continue
    // On the first date with room, the own counsellor goes first.
    const sameDay = allDay.filter((x) => !closed(x))
    const ordered = [...sameDay.filter((x) => isOwn(x.counsellorId)), ...sameDay.filter((x) => !isOwn(x.counsellorId))]
    for (const x of ordered) {
      const start = fitOn(x, minutes)
      if (start !== null) return [x, start]
    }
  }
  return null
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>()
  let best = values[0] ?? ''
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1)
    if ((counts.get(v) ?? 0) > (counts.get(best) ?? 0)) best = v
  }
  return best
}
