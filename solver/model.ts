// The aggregated assignment model: each referral's candidate counsellor-days (times of day are
// assigned afterwards), each counsellor-day's capacity in sessions, interpreter capacity per
// language per day, and the requests in priority order. flow.ts and greedy.ts both solve it.
//
// For benchmarks (e.g. HiGHS): `buildModel(problem)` (solve.ts) returns the model solve() optimises,
// after the group meetings are placed (and checked against the priority order, meeting-order.ts).
// Variables x[r][d] ∈ {0,1} for each referral r and each day d in its candidates (objective
// cost: the candidate's cost). Rows: Σ_d x[r][d] ≤ 1 per referral; Σ_r x[r][d] ≤
// days[d].capacity per counsellor-day; for each `language|date` in interpreterLeft,
// Σ x[r][d] over referrals with that limitedLanguage and days on that date ≤ its value. solve()
// serves `requests` lexicographically in order (a within-deadline request counts only on candidates
// not `late`); with the deadline rule first, compare: max #within-deadline, then #scheduled, then
// min Σ cost. solve() then fills time the model leaves uncounted (mixed session lengths), so its
// stats may exceed the model's optimum there; with one session length they count the same.

import { addDays, fromOsloDateTime } from './calendar.ts'
import type { BookDay, DayBook } from './daybook.ts'
import { createDayBook, interpreterLanguage } from './daybook.ts'
import type { PlannedGroup } from './groups.ts'
import { planGroups } from './groups.ts'
import type { Unseated } from './meeting-order.ts'
import { checkMeetings, groupRank } from './meeting-order.ts'
import type { Ranked } from './priority.ts'
import { compareRanked, rankingRules, waitedTooLong } from './priority.ts'
import { eligibility } from './rules/index.ts'
import type { Blocked } from './rules/rule.ts'
import type { Eligibility, GroupMethod, GroupOptions, IsoDate, Problem, Referral, Session, Window } from './types.ts'

/** Days a non-own counsellor must save before it wins over the municipality's own counsellor. */
export const OWN_PENALTY = 10

/**
 * Cost of a first session so late that its follow-up (secondMeetingGapDays later) cannot come
 * before the programme ends: more than any day offset or counsellor preference, so the first
 * session goes where the second can follow it wherever the model has such a date. It is a cost,
 * not a rule: who is served is decided by priority first (flow.ts), so this never leaves a
 * referral without its first session; it only chooses among the dates of those served.
 */
export const FOLLOWUP_LATE_PENALTY = 1000

/** Counsellor-days of one date that cost a referral the same: its own counsellors', or everyone else's. */
export type Candidate = {
  /** Index into `dates`. */
  readonly date: number
  /** Indices into `days`, all on that date. Shared between referrals: never mutate. */
  readonly days: readonly number[]
  /** Calendar days after the run date, plus OWN_PENALTY for another municipality's counsellor, plus FOLLOWUP_LATE_PENALTY where the follow-up could not follow. */
  readonly cost: number
  /** After the referral's deadline. */
  readonly late: boolean
  readonly own: boolean
}

export type ModelReferral = {
  readonly index: number
  readonly referral: Referral
  readonly minutes: number
  readonly window: Window
  readonly deadline: IsoDate | null
  /** Interpreter language that counts against a limited capacity, or null. */
  readonly limitedLanguage: string | null
  /** Sorted by date, own counsellors first on a date. */
  readonly candidates: readonly Candidate[]
  readonly hasOwn: boolean
}

export type ModelDay = {
  readonly counsellorId: string
  readonly date: IsoDate
  /** Index into `dates`. */
  readonly dateIndex: number
  /** Calendar days after the run date. */
  readonly offset: number
  /** Sessions of the longest length that uses it which still fit (and the daily cap allows). */
  readonly capacity: number
}

/** One request: a referral asking for a first session, within its deadline or anywhere in its window. */
export type Request = { readonly ref: number; readonly withinDeadline: boolean; readonly ranked: Ranked }

export type Model = {
  readonly days: readonly ModelDay[]
  /** The horizon's dates that have counsellor-days, in order, with those days. */
  readonly dates: readonly { readonly date: IsoDate; readonly days: readonly number[] }[]
  readonly referrals: readonly ModelReferral[]
  /** Interpreted sessions left per `language|date`, only for limited languages. */
  readonly interpreterLeft: ReadonlyMap<string, number>
  /** In priority order. A referral's late request comes after its within-deadline one. */
  readonly requests: readonly Request[]
}

/** Everything solve() derives before assigning: the state of the days and who is where. */
export type Prepared = {
  readonly horizonEnd: IsoDate
  readonly book: DayBook
  /** The days before this run placed anything (read it, or clone it to book into). */
  readonly before: DayBook
  readonly model: Model
  readonly groups: readonly PlannedGroup[]
  /** How the group meetings were formed (null: none needed). */
  readonly groupMethod: GroupMethod | 'mixed' | null
  /** Referrals that cannot be planned this run, with the reason. */
  readonly blocked: ReadonlyMap<string, Blocked>
  /** Referral id → date of its pinned individual session. */
  readonly pinnedFirst: ReadonlyMap<string, { readonly date: IsoDate; readonly counsellorId: string }>
  readonly pinnedFollowup: ReadonlySet<string>
  readonly owns: (counsellorId: string, municipality: string) => boolean
}

export function horizonEndOf(problem: Problem): IsoDate {
  return addDays(problem.runDate, 7 * problem.horizonWeeks - 1)
}

/**
 * Planning rounds before prepare() stops re-planning and drops the meetings still taking capacity
 * someone ranked above needed. Each round closes at least one counsellor-day to a language; the
 * scenarios and benchmarks need one to three.
 */
const MAX_MEETING_ROUNDS = 12

export function prepare(problem: Problem, groupOptions: GroupOptions = {}): Prepared {
  const { policy, runDate } = problem
  const horizonEnd = horizonEndOf(problem)
  const municipalitiesOf = new Map(problem.counsellors.map((c) => [c.id, new Set(c.municipalities)]))
  const owns = (id: string, m: string): boolean => municipalitiesOf.get(id)?.has(m) ?? false

  const pinnedFirst = new Map<string, { date: IsoDate; counsellorId: string }>()
  const pinnedFollowup = new Set<string>()
  const pinnedGroupOn = new Map<string, IsoDate>()
  for (const s of problem.pinned) {
    const date = dateOf(s)
    if (s.kind === 'group') for (const id of s.referralIds) pinnedGroupOn.set(id, date)
    else if (s.kind === 'individual') pinnedFirst.set(s.referralId, { date, counsellorId: s.counsellorId })
    else pinnedFollowup.add(s.referralId)
  }

  const ctx = { runDate, horizonEnd, policy }
  const ineligible = new Map<string, Blocked>()
  const open: { referral: Referral; el: Extract<Eligibility, { ok: true }> }[] = []
  for (const r of problem.referrals) {
    if (pinnedFirst.has(r.id)) continue
    const groupMeetingOn = pinnedGroupOn.get(r.id)
    const el = eligibility(r, groupMeetingOn !== undefined ? { ...ctx, groupMeetingOn } : ctx)
    if (!el.ok) ineligible.set(r.id, { reason: el.reason, detail: el.detail, explanation: el.explanation })
    else open.push({ referral: r, el })
  }

  // Group meetings first: they fix the members' earliest dates. Priority order decides who is
  // grouped first (ranked as a referral with no deadline: the ukraine track has none).
  const rules = rankingRules(policy)
  const needGroup = open.filter((o) => o.el.needsGroupMeeting).sort((a, b) => compareRanked(rules, groupRank(a.referral, problem), groupRank(b.referral, problem)))
  const languageOrder = new Map<string, number>()
  for (const o of needGroup) if (!languageOrder.has(o.referral.language)) languageOrder.set(o.referral.language, languageOrder.size)

  // The days before this run places anything: every planning round and check starts from a copy.
  const base = createDayBook(problem, horizonEnd)
  /** The model with these meetings booked; members without one wait for the reason given. */
  const build = (groups: readonly PlannedGroup[], awaiting: ReadonlyMap<string, Blocked>, method: Prepared['groupMethod']): Prepared => {
    const book = base.clone()
    const placed = groups.map((g) => ({ ...g, day: book.days[g.day.index]! }))
    for (const g of placed) book.book(g.day, g.start, policy.groupMeeting.minutes, g.language)
    const blocked = new Map(ineligible)
    for (const [id, why] of awaiting) blocked.set(id, why)
    const groupOn = new Map<string, IsoDate>()
    for (const g of placed) for (const m of g.members) groupOn.set(m.id, g.day.date)
    const eligible: { referral: Referral; window: Window; minutes: number }[] = []
    for (const { referral, el } of open) {
      if (!el.needsGroupMeeting) {
        eligible.push({ referral, window: el.window, minutes: el.minutes })
        continue
      }
      const on = groupOn.get(referral.id)
      if (on === undefined) continue // awaiting, recorded above
      const again = eligibility(referral, { ...ctx, groupMeetingOn: on })
      if (again.ok) eligible.push({ referral, window: again.window, minutes: again.minutes })
      else blocked.set(referral.id, { reason: again.reason, detail: again.detail, explanation: again.explanation })
    }
    const model = buildFromBook(problem, book, eligible, owns)
    return { horizonEnd, book, before: base, model, groups: placed, groupMethod: method, blocked, pinnedFirst, pinnedFollowup, owns }
  }

  // Plan, check the meetings in priority order (meeting-order.ts), close the counsellor-days where a
  // meeting took capacity someone ranked above needed, and plan again.
  const closed = new Set<string>()
  for (let round = 1; ; round++) {
    const plan = planGroups(
      needGroup.map((o) => ({ referral: o.referral, latest: o.el.window.latest })),
      base.clone(),
      policy,
      runDate,
      horizonEnd,
      owns,
      groupOptions,
      (language, day) => closed.has(`${language}|${day.index}`),
    )
    const awaiting = new Map<string, Blocked>()
    const unseated: Unseated[] = []
    const byId = new Map(needGroup.map((o) => [o.referral.id, o.referral]))
    for (const [id, why] of plan.awaiting) {
      awaiting.set(id, { reason: 'awaiting-group-meeting', ...why })
      const e = why.explanation
      if (e.code === 'group-meeting-no-room' || e.code === 'group-meeting-full') unseated.push({ referral: byId.get(id)!, from: e.from, until: e.until })
    }
    const prep = build(plan.groups, awaiting, plan.method)
    const { violations, closed: found } = checkMeetings(problem, base.clone(), prep.model, prep.groups, unseated, languageOrder, rules)
    if (violations.size === 0) return prep
    if (round < MAX_MEETING_ROUNDS) {
      for (const key of found) closed.add(key)
      continue
    }
    // Past the last round the meetings still in the way are not held; their members wait.
    for (const i of violations)
      for (const m of plan.groups[i]!.members)
        awaiting.set(m.id, {
          reason: 'awaiting-group-meeting',
          detail: `a group meeting in this run would take counsellor time or an interpreter that participants ranked above need before ${horizonEnd}, so none is planned yet`,
          explanation: { code: 'group-meeting-takes-priority', until: horizonEnd },
        })
    return build(
      plan.groups.filter((_, i) => !violations.has(i)),
      awaiting,
      plan.method,
    )
  }
}

/** The model solve() optimises for this problem (see the file comment). */
export function buildModel(problem: Problem): Model {
  return prepare(problem).model
}

function buildFromBook(
  problem: Problem,
  book: DayBook,
  eligible: readonly { referral: Referral; window: Window; minutes: number }[],
  owns: (counsellorId: string, municipality: string) => boolean,
): Model {
  const caps = problem.interpreterCapacity ?? {}
  const dates = [...book.byDate].map(([date, sameDay]) => ({ date, days: sameDay.map((d) => d.index) }))
  const longestOnDate = new Int32Array(dates.length)
  // Per municipality: each date's days split into own counsellors' and the rest, shared by its referrals.
  const split = new Map<string, { hasOwn: boolean; own: number[][]; others: number[][] }>()
  const splitFor = (m: string) => {
    let x = split.get(m)
    if (!x) {
      const isOwn = (d: number) => owns(book.days[d]!.counsellorId, m)
      x = {
        hasOwn: problem.counsellors.some((c) => owns(c.id, m)),
        own: dates.map((t) => t.days.filter(isOwn)),
        others: dates.map((t) => t.days.filter((d) => !isOwn(d))),
      }
      split.set(m, x)
    }
    return x
  }
  const referrals: ModelReferral[] = eligible.map(({ referral, window, minutes }, index) => {
    const deadline = window.deadline
    const { hasOwn, own, others } = splitFor(referral.municipality)
    const candidates: Candidate[] = []
    // Two meetings and a programme that ends: the last first-session date that leaves room for the follow-up.
    const lastForFollowup = referral.meetings === 2 && referral.programmeEndsOn !== undefined ? addDays(referral.programmeEndsOn, -problem.policy.secondMeetingGapDays) : undefined
    dates.forEach(({ date, days }, i) => {
      if (date < window.earliest || date > window.latest) return
      const late = deadline !== null && date > deadline
      const offset = book.days[days[0]!]!.day + (lastForFollowup !== undefined && date > lastForFollowup ? FOLLOWUP_LATE_PENALTY : 0)
      const mine = own[i]!
      const rest = others[i]!
      if (mine.length > 0) candidates.push({ date: i, days: mine, cost: offset, late, own: true })
      if (rest.length > 0) candidates.push({ date: i, days: rest, cost: offset + (hasOwn ? OWN_PENALTY : 0), late, own: false })
    })
    // A date's own and other days together are all its days: the longest session per date is enough.
    for (const c of candidates) longestOnDate[c.date] = Math.max(longestOnDate[c.date]!, minutes)
    const language = interpreterLanguage(referral)
    const limitedLanguage = language !== null && caps[language] !== undefined ? language : null
    return { index, referral, minutes, window, deadline, limitedLanguage, candidates, hasOwn }
  })
  // Counting sessions of the longest length that may use a day keeps every assignment packable;
  // time left over by shorter sessions is filled afterwards.
  const dateIndex = new Map(dates.map((t, i) => [t.date, i]))
  const days: ModelDay[] = book.days.map((d: BookDay) => {
    const i = dateIndex.get(d.date) ?? -1
    const longest = i >= 0 ? longestOnDate[i]! : 0
    return { counsellorId: d.counsellorId, date: d.date, dateIndex: i, offset: d.day, capacity: longest > 0 ? book.capacity(d, longest) : 0 }
  })
  const interpreterLeft = new Map<string, number>()
  for (const r of referrals) {
    if (r.limitedLanguage === null) continue
    for (const c of r.candidates) {
      const date = dates[c.date]!.date
      interpreterLeft.set(`${r.limitedLanguage}|${date}`, Math.max(0, book.interpreterLeft(r.limitedLanguage, date)))
    }
  }
  return { days, dates, referrals, interpreterLeft, requests: requestsOf(referrals, problem) }
}

/**
 * The requests in priority order. An ordinary referral whose deadline falls inside its window
 * first asks for a date on or before it; only if that fails does it ask for the rest of its window.
 */
function requestsOf(referrals: readonly ModelReferral[], problem: Problem): Request[] {
  const rules = rankingRules(problem.policy)
  const out: Request[] = []
  for (const r of referrals) {
    const d = r.deadline
    const overdue = waitedTooLong(r.referral, problem.runDate, problem.policy)
    const ranked = (withinDeadline: boolean): Ranked => ({ referral: r.referral, deadline: d, withinDeadline, overdue })
    if (d === null || d < r.window.earliest) out.push({ ref: r.index, withinDeadline: false, ranked: ranked(false) })
    else if (d >= r.window.latest) out.push({ ref: r.index, withinDeadline: true, ranked: ranked(true) })
    else {
      out.push({ ref: r.index, withinDeadline: true, ranked: ranked(true) })
      out.push({ ref: r.index, withinDeadline: false, ranked: ranked(false) })
    }
  }
  // Without the deadline rule a referral's two requests tie on every rule: the within one first.
  return out.sort((a, b) => compareRanked(rules, a.ranked, b.ranked) || Number(a.withinDeadline ? 0 : 1) - Number(b.withinDeadline ? 0 : 1))
}

/** The Oslo date a session falls on. */
export function dateOf(s: Session): IsoDate {
  return fromOsloDateTime(s.start).date
}
