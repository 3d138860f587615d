// solve(problem, options): the weekly allocation.
//
// 1. prepare (model.ts): counsellor-days less pinned sessions, eligibility, group meetings placed
//    first (groups.ts: small LPs per language, greedy chunking as their fallback) and checked in
//    priority order (meeting-order.ts: none takes capacity someone ranked above its members
//    needed, else planned again without that counsellor-day), and each referral's candidate
//    counsellor-days.
// 2. assign first sessions to counsellor-days: the flow (exact lexicographic priority, network.ts)
//    or greedy (the hand-coordinator baseline, also the flow's fallback past the time limit).
// 3. times of day per counsellor-day with packDay; leftover time filled in priority order.
// 4. follow-ups on what is left; then explanations and stats.

import { packDay } from './availability.ts'
import { addDays, interpreterOrderBy, toOsloDateTime } from './calendar.ts'
import type { BookDay } from './daybook.ts'
import { fitOn, interpreterLanguage } from './daybook.ts'
import type { Holder, MeetingHolder, Taken, Why } from './explain.ts'
import { DateHolders, explainShortage, HolderList, keysOf, PlacedRanks } from './explain.ts'
import { emptyUsage, greedyAssign } from './greedy.ts'
import type { Model, ModelReferral, Prepared } from './model.ts'
import { OWN_PENALTY, prepare } from './model.ts'
import { groupRank, meetingRank } from './meeting-order.ts'
import { flowAssign } from './network.ts'
import type { Ranked } from './priority.ts'
import { compareRanked, rankingRules, waitedTooLong } from './priority.ts'
import { deadlineOf, leadTime } from './rules/index.ts'
import type {
  DeadlineBreach,
  FollowupUnplanned,
  IsoDate,
  Method,
  Outcome,
  Policy,
  Problem,
  Proposal,
  Referral,
  Session,
  SolveOptions,
  Stats,
  Unassigned,
} from './types.ts'

export type { Model } from './model.ts'

const DEFAULT_OPTIONS: Required<SolveOptions> = { method: 'flow', timeLimitMs: 20_000, groups: {} }

/** A first session placed in this run. */
type Placed = { readonly day: BookDay; readonly start: number; readonly ranked: Ranked }

export function solve(problem: Problem, options: SolveOptions = {}): Proposal {
  const opts = { ...DEFAULT_OPTIONS, ...options }
  const started = Date.now()
  const { policy } = problem
  const prep = prepare(problem, opts.groups)
  const { model, book } = prep

  // ---- 2. first sessions to counsellor-days ----
  const usage = emptyUsage(model)
  const method: Method = opts.method
  let outcome: Outcome
  if (method === 'greedy') {
    greedyAssign(model, usage)
    outcome = 'feasible'
  } else {
    const run = flowAssign(model, usage, started + opts.timeLimitMs)
    // Past the time limit greedy serves the requests the flow did not reach, around what it placed.
    if (!run.completed) greedyAssign(model, usage, run.handled)
    outcome = run.completed ? 'optimal' : 'timedout'
  }

  // ---- 3. times of day, then fill what shorter sessions left over ----
  const placed = new Map<number, Placed>()
  const rankOf = new Map<number, number>()
  model.requests.forEach((q, i) => {
    if (!rankOf.has(q.ref)) rankOf.set(q.ref, i)
  })
  const onDay = new Map<number, number[]>()
  for (let ref = 0; ref < model.referrals.length; ref++) {
    const d = usage.assigned[ref]!
    if (d < 0) continue
    const list = onDay.get(d)
    if (list) list.push(ref)
    else onDay.set(d, [ref])
  }
  for (const [d, refs] of onDay) {
    refs.sort((a, b) => (rankOf.get(a) ?? 0) - (rankOf.get(b) ?? 0))
    const day = book.days[d]!
    const { starts } = packDay(day.free, refs.map((ref) => model.referrals[ref]!.minutes))
    // The day's free time is taken all at once: packDay placed them without overlap.
    refs.forEach((ref, i) => {
      const s = starts[i]
      if (s === null || s === undefined) return
      const r = model.referrals[ref]!
      placed.set(ref, { day, start: s, ranked: rankedAt(r, day.date, problem) })
    })
    refs.forEach((ref) => {
      const p = placed.get(ref)
      if (p) book.book(day, p.start, model.referrals[ref]!.minutes, interpreterLanguage(model.referrals[ref]!.referral))
    })
  }
  fill(model, prep, placed, problem)

  // ---- 4. follow-ups ----
  const followups = planFollowups(problem, prep, placed)

  // ---- sessions ----
  const newSessions: Session[] = []
  for (const g of prep.groups) {
    newSessions.push({
      referralIds: g.members.map((m) => m.id),
      counsellorId: g.day.counsellorId,
      kind: 'group',
      language: g.language,
      start: toOsloDateTime(g.day.date, g.start),
      end: toOsloDateTime(g.day.date, g.start + policy.groupMeeting.minutes),
      interpreterOrderBy: orderBy(g.day.date, g.start, policy),
    })
  }
  for (const [ref, p] of placed) newSessions.push(individual(model.referrals[ref]!.referral, 'individual', p.day, p.start, model.referrals[ref]!.minutes, policy))
  newSessions.push(...followups.sessions)
  newSessions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.counsellorId < b.counsellorId ? -1 : a.counsellorId > b.counsellorId ? 1 : 0))
  const sessions: Session[] = [...problem.pinned.map((s) => ({ ...s, pinned: true })), ...newSessions]

  // ---- explanations ----
  const { unassigned, deadlineBreaches } = explainAll(problem, prep, placed)

  // ---- stats ----
  const firstOn = new Map<string, IsoDate>()
  for (const [id, p] of prep.pinnedFirst) firstOn.set(id, p.date)
  for (const [ref, p] of placed) firstOn.set(model.referrals[ref]!.referral.id, p.day.date)
  let scheduled = 0
  let withinDeadline = 0
  let threatened = 0
  for (const r of problem.referrals) {
    const on = firstOn.get(r.id)
    if (on === undefined) continue
    scheduled++
    if (r.threatenedIndustry) threatened++
    const deadline = deadlineOf(r, policy)
    if (deadline !== null && on <= deadline) withinDeadline++
  }
  // Serving requests in priority order maximises the first rule's count exactly (a matroid), for
  // the model: the model's day capacities are exact when every session has the same length, and
  // the group meetings are fixed before the flow runs (each one checked at its members' rank, so
  // requests ranked above a meeting are served as if it were not held: meeting-order.ts). Lower
  // levels are exact given the levels above: no bound.
  const exact = method === 'flow' && outcome === 'optimal' && new Set(model.referrals.map((r) => r.minutes)).size <= 1
  const objective = policy.priority.map((rule, i) => {
    const value = rule === 'deadline' ? withinDeadline : rule === 'threatened-industry' ? threatened : scheduled
    return i === 0 && exact ? { rule, value, bound: value } : { rule, value }
  })
  const stats: Stats = {
    referrals: problem.referrals.length,
    scheduled,
    withinDeadline,
    solveMs: Date.now() - started,
    method,
    outcome,
    sessions: newSessions.length,
    groupMeetings: prep.groups.length,
    followups: followups.sessions.length,
    ...(prep.groupMethod !== null ? { groupMethod: prep.groupMethod } : {}),
    followupsPending: followups.pending,
    unassigned: unassigned.length,
    deadlineBreaches: deadlineBreaches.length,
    objective,
  }
  return { runDate: problem.runDate, status: 'proposed', sessions, unassigned, deadlineBreaches, followupsUnplanned: followups.unplanned, stats }
}

/**
 * The model solve() optimises for this problem (model.ts's file comment), with the group meetings
 * solve() holds: benchmarks (HiGHS) bound the same model the proposal comes from.
 */
export function buildModel(problem: Problem, options: SolveOptions = {}): Model {
  return prepare(problem, options.groups).model
}

/** How a placed referral ranks: within its deadline if the date keeps it. */
function rankedAt(r: ModelReferral, date: IsoDate, problem: Problem): Ranked {
  return { referral: r.referral, deadline: r.deadline, withinDeadline: r.deadline !== null && date <= r.deadline, overdue: waitedTooLong(r.referral, problem.runDate, problem.policy) }
}

function individual(r: Referral, kind: 'individual' | 'followup', day: BookDay, start: number, minutes: number, policy: Policy): Session {
  const base = {
    referralId: r.id,
    counsellorId: day.counsellorId,
    kind,
    start: toOsloDateTime(day.date, start),
    end: toOsloDateTime(day.date, start + minutes),
  }
  const withAdvisor = r.advisorConsent ? base : { ...base, advisorAttends: false }
  return r.interpreter ? { ...withAdvisor, interpreterOrderBy: orderBy(day.date, start, policy) } : withAdvisor
}

const orderBy = interpreterOrderBy

/**
 * Requests still unserved, in priority order, on the time actually left: the model counts
 * sessions of the longest length a day may hold, so days that got shorter ones have room over.
 */
function fill(model: Model, prep: Prepared, placed: Map<number, Placed>, problem: Problem): void {
  const { book } = prep
  for (const q of model.requests) {
    if (placed.has(q.ref)) continue
    const r = model.referrals[q.ref]!
    const language = interpreterLanguage(r.referral)
    let best: { day: BookDay; start: number; cost: number } | null = null
    for (const c of r.candidates) {
      if (q.withinDeadline && c.late) break
      if (best && c.cost >= best.cost) continue
      if (language !== null && book.interpreterLeft(language, model.dates[c.date]!.date) < 1) continue
      for (const d of c.days) {
        const day = book.days[d]!
        const start = fitOn(day, r.minutes)
        if (start !== null) {
          best = { day, start, cost: c.cost }
          break
        }
      }
    }
    if (!best) continue
    book.book(best.day, best.start, r.minutes, language)
    placed.set(q.ref, { day: best.day, start: best.start, ranked: rankedAt(r, best.day.date, problem) })
  }
}

/**
 * `meetings: 2`: a follow-up at least secondMeetingGapDays after the first session (new or pinned),
 * same counsellor preferred, on the time left after every first session. One that cannot fall in
 * this horizon is simply not planned yet (counted as pending).
 */
function planFollowups(problem: Problem, prep: Prepared, placed: ReadonlyMap<number, Placed>): { sessions: Session[]; pending: number; unplanned: FollowupUnplanned[] } {
  const { policy } = problem
  const { book, model } = prep
  const firsts: { referral: Referral; date: IsoDate; counsellorId: string; minutes: number }[] = []
  const byId = new Map(problem.referrals.map((r) => [r.id, r]))
  for (const [id, p] of prep.pinnedFirst) {
    const r = byId.get(id)
    if (r) firsts.push({ referral: r, date: p.date, counsellorId: p.counsellorId, minutes: policy.sessionMinutes[r.track] })
  }
  for (const [ref, p] of placed) {
    const r = model.referrals[ref]!
    firsts.push({ referral: r.referral, date: p.day.date, counsellorId: p.day.counsellorId, minutes: r.minutes })
  }
  const rank = (r: Referral): Ranked => ({ referral: r, deadline: null, withinDeadline: false, overdue: waitedTooLong(r, problem.runDate, policy) })
  const rules = rankingRules(policy)
  firsts.sort((a, b) => compareRanked(rules, rank(a.referral), rank(b.referral)))

  const sessions: Session[] = []
  const unplanned: FollowupUnplanned[] = []
  let pending = 0
  for (const f of firsts) {
    const r = f.referral
    if (r.meetings !== 2 || prep.pinnedFollowup.has(r.id)) continue
    // A first session from an earlier run may be long past: the follow-up still needs the lead time.
    const gapDate = addDays(f.date, policy.secondMeetingGapDays)
    const leadDate = firstDateOf(r, problem, prep)
    const earliest = gapDate > leadDate ? gapDate : leadDate
    let latest = prep.horizonEnd
    if (r.programmeEndsOn !== undefined && r.programmeEndsOn < latest) latest = r.programmeEndsOn
    const until = policy.trackPeriods[r.track].until
    if (until !== undefined && until < latest) latest = until
    const language = interpreterLanguage(r)
    let best: { day: BookDay; start: number; cost: number } | null = null
    if (earliest <= latest) {
      for (const day of book.days) {
        if (day.date < earliest || day.date > latest) continue
        const cost = day.day + (day.counsellorId === f.counsellorId ? 0 : OWN_PENALTY)
        if (best && cost >= best.cost) continue
        if (language !== null && book.interpreterLeft(language, day.date) < 1) continue
        const start = fitOn(day, f.minutes)
        if (start !== null) best = { day, start, cost }
      }
    }
    if (!best) {
      pending++
      unplanned.push(followupWhy(r, earliest, latest, prep.horizonEnd))
      continue
    }
    book.book(best.day, best.start, f.minutes, language)
    sessions.push(individual(r, 'followup', best.day, best.start, f.minutes, policy))
  }
  return { sessions, pending, unplanned }
}

/** The first date a session of this referral may have under the lead-time rule (with its interpreter order). */
function firstDateOf(r: Referral, problem: Problem, prep: Prepared): IsoDate {
  const v = leadTime(r, { runDate: problem.runDate, horizonEnd: prep.horizonEnd, policy: problem.policy })
  return v.ok && v.earliest !== undefined ? v.earliest : problem.runDate
}

/** Why a follow-up is not planned: it can never fit before the programme (or the track) ends, it falls after this horizon, or there is no room. */
function followupWhy(r: Referral, earliest: IsoDate, latest: IsoDate, horizonEnd: IsoDate): FollowupUnplanned {
  const ends = r.programmeEndsOn
  if (ends !== undefined && earliest > ends)
    return {
      referralId: r.id,
      reason: 'programme-ended',
      detail: `the follow-up cannot come before ${earliest}, after the programme ends on ${ends}`,
      explanation: { code: 'followup-after-programme', earliest, programmeEndsOn: ends },
    }
  if (earliest > horizonEnd)
    return {
      referralId: r.id,
      reason: 'no-capacity-in-horizon',
      detail: `the follow-up comes no earlier than ${earliest}, after this run's horizon (${horizonEnd}); a later run plans it`,
      explanation: { code: 'followup-later', earliest, horizonEnd },
    }
  return {
    referralId: r.id,
    reason: 'no-capacity-in-horizon',
    detail: `no counsellor has a free slot for the follow-up between ${earliest} and ${latest}`,
    explanation: { code: 'followup-no-capacity', from: earliest, until: latest },
  }
}

function explainAll(problem: Problem, prep: Prepared, placed: ReadonlyMap<number, Placed>): { unassigned: Unassigned[]; deadlineBreaches: DeadlineBreach[] } {
  const { policy } = problem
  const { model, book } = prep
  const rules = rankingRules(policy)
  const holders = new Map<number, Holder[]>()
  for (const [ref, p] of placed) {
    const holder = { id: model.referrals[ref]!.referral.id, ranked: p.ranked, keys: keysOf(rules, p.ranked) }
    const list = holders.get(p.day.index)
    if (list) list.push(holder)
    else holders.set(p.day.index, [holder])
  }
  // Who sits on a referral's candidate days up to a date. Referrals of one municipality with the
  // same window share these days, so the list is built once per municipality, start and end.
  const ranks = new PlacedRanks([...holders.values()].flat())
  const onDates = new DateHolders(ranks, holders, model.dates)
  // Group meetings of this run, ranked as their highest-ranked member, by date.
  const meetingsOn: MeetingHolder[][] = model.dates.map(() => [])
  for (const g of prep.groups) meetingsOn[model.days[g.day.index]!.dateIndex]!.push({ language: g.language, on: g.day.date, keys: keysOf(rules, meetingRank(g, rules, problem)) })
  // Who sits on a referral's candidate days up to a date, sessions and meetings: every day of the
  // dates of its window up to it.
  const heldWithin = (m: ModelReferral, until: IsoDate): { sessions: Taken; meetings: MeetingHolder[] } => {
    const from = m.candidates[0]?.date ?? 0
    let last = from - 1
    for (const c of m.candidates) if (model.dates[c.date]!.date <= until) last = c.date
    return { sessions: onDates.within(m.candidates, from, last), meetings: meetingsOn.slice(from, last + 1).flat() }
  }
  // One ranking of the referral for every list it appears in: as its first request asked (within
  // its deadline where it could still make it), so a tie on the deadline is a tie in every list.
  const rankedAsAsked = (m: ModelReferral): Ranked => ({
    referral: m.referral,
    deadline: m.deadline,
    withinDeadline: m.deadline !== null && m.deadline >= m.window.earliest,
    overdue: waitedTooLong(m.referral, problem.runDate, policy),
  })
  const shortage = (m: ModelReferral, until: IsoDate): Why => {
    const toDeadline = until !== m.window.latest
    const held = heldWithin(m, until)
    const groupMeetings = held.meetings.length
    const meetings = groupMeetings > 0 ? `; ${groupMeetings} group meeting${groupMeetings === 1 ? '' : 's'} took counsellor time in those days` : ''
    const none: Why = {
      reason: toDeadline ? 'no-capacity-before-deadline' : 'no-capacity-in-horizon',
      detail: `no counsellor has a free ${m.minutes}-minute slot between ${m.window.earliest} and ${toDeadline ? 'the deadline ' : ''}${until} (absences, holidays and sessions already booked${meetings})`,
      explanation: { code: 'no-capacity', minutes: m.minutes, from: m.window.earliest, until, toDeadline, groupMeetings },
    }
    return explainShortage(m.window, rankedAsAsked(m), until, held.sessions, rules, none, held.meetings)
  }
  // A member left without a group meeting: where sessions or other languages' meetings ranked above
  // it took counsellor-days that could have held its meeting (a free block before this run placed
  // anything), it was outranked, and is told so.
  let blockDays: Set<number> | null = null
  const sessionsIn = new Map<string, HolderList>()
  const outranked = (r: Referral, blocked: Why): Why => {
    const e = blocked.explanation
    if (e.code !== 'group-meeting-no-room' && e.code !== 'group-meeting-full') return blocked
    if (blockDays === null) {
      const { before } = prep
      blockDays = new Set(before.days.filter((d) => before.capacity(d, policy.groupMeeting.minutes) > 0).map((d) => d.index))
    }
    const days = blockDays
    const could = (d: BookDay) => days.has(d.index) && d.date >= e.from && d.date <= e.until
    const span = `${e.from}|${e.until}`
    let sessions = sessionsIn.get(span)
    if (!sessions) {
      sessions = new HolderList(ranks, [...holders].flatMap(([d, list]) => (could(book.days[d]!) ? list : [])))
      sessionsIn.set(span, sessions)
    }
    const others = prep.groups
      .filter((g) => g.language !== r.language && could(g.day))
      .map((g) => ({ language: g.language, on: g.day.date, keys: keysOf(rules, meetingRank(g, rules, problem)) }))
    return explainShortage({ earliest: e.from, latest: e.until }, groupRank(r, problem), e.until, sessions, rules, blocked, others)
  }
  const modelOf = new Map(model.referrals.map((r) => [r.referral.id, r]))
  const placedOf = new Map<string, Placed>()
  for (const [ref, p] of placed) placedOf.set(model.referrals[ref]!.referral.id, p)

  const unassigned: Unassigned[] = []
  const deadlineBreaches: DeadlineBreach[] = []
  for (const r of problem.referrals) {
    const booked = prep.pinnedFirst.get(r.id)
    if (booked) {
      // Kept from an earlier run, and still a miss: every missed deadline stays reported.
      const deadline = deadlineOf(r, policy)
      if (deadline !== null && booked.date > deadline) {
        deadlineBreaches.push({
          referralId: r.id,
          deadline,
          plannedOn: booked.date,
          reason: 'no-capacity-before-deadline',
          detail: `booked in an earlier run for ${booked.date}, after the deadline ${deadline}; booked sessions are kept (that run's proposal says why no earlier date was found)`,
          explanation: { code: 'booked-after-deadline', on: booked.date, deadline },
        })
      }
      continue
    }
    const p = placedOf.get(r.id)
    const m = modelOf.get(r.id)
    const deadline = deadlineOf(r, policy)
    let why: Why | undefined
    if (!p) {
      const blocked = prep.blocked.get(r.id)
      if (blocked) why = blocked.reason === 'awaiting-group-meeting' ? outranked(r, blocked) : blocked
      else if (m) why = shortage(m, m.window.latest)
      else
        why = {
          reason: 'no-capacity-in-horizon',
          detail: 'no counsellor has free time in this run',
          explanation: { code: 'no-capacity', minutes: policy.sessionMinutes[r.track], from: problem.runDate, until: prep.horizonEnd, toDeadline: false, groupMeetings: 0 },
        }
      unassigned.push({ referralId: r.id, ...why })
    }
    // A deadline breach: the first session after the deadline, or none while the deadline falls in the horizon.
    if (deadline === null) continue
    const plannedOn = p ? p.day.date : null
    if (plannedOn !== null ? plannedOn <= deadline : deadline > prep.horizonEnd) continue
    let breach: Why
    if (m && deadline < m.window.earliest) {
      const passed = deadline < problem.runDate
      breach =
        r.deferredUntil !== undefined && r.deferredUntil > deadline
          ? { reason: 'deferred', detail: `deferred until ${r.deferredUntil}, after the deadline ${deadline}`, explanation: { code: 'deferred', until: r.deferredUntil, deadline } }
          : {
              reason: 'lead-time',
              detail: passed
                ? `the deadline ${deadline} had passed before this run (${problem.runDate}); the first possible date is ${m.window.earliest}`
                : `the deadline ${deadline} falls before the first possible date ${m.window.earliest}`,
              explanation: { code: 'deadline-before-earliest', deadline, earliest: m.window.earliest, passed },
            }
    } else if (m && why?.reason === 'lower-priority') {
      // Unplanned and outranked: the breach says what the unassigned entry says, by the same rule.
      breach = why
    } else if (m) {
      breach = shortage(m, deadline)
    } else {
      breach = why ?? {
        reason: 'no-capacity-before-deadline',
        detail: `no session before the deadline ${deadline}`,
        explanation: { code: 'no-capacity', minutes: policy.sessionMinutes[r.track], from: problem.runDate, until: deadline, toDeadline: true, groupMeetings: 0 },
      }
    }
    deadlineBreaches.push({
      referralId: r.id,
      deadline,
      plannedOn,
      reason: breach.reason === 'no-capacity-in-horizon' ? 'no-capacity-before-deadline' : breach.reason,
      detail: breach.detail,
      explanation: breach.explanation,
      ...(breach.rule !== undefined && { rule: breach.rule }),
    })
  }
  return { unassigned, deadlineBreaches }
}
