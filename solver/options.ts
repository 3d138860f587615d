// "When can she be seen?": the earliest feasible sessions for one referral on the centre as it
// stands, and the check a direct booking of one of them must pass. Options are read off the same
// day book a run plans on (booked sessions taken out, interpreter capacity counted); a booking is
// judged by the proposal validator, so no rule is written twice.

import { addDays, epochMs, fromOsloDateTime, interpreterOrderBy, toOsloDateTime } from './calendar.ts'
import { createDayBook, interpreterLanguage } from './daybook.ts'
import { horizonEndOf } from './model.ts'
import type { Ranked } from './priority.ts'
import { compareRanked } from './priority.ts'
import { deadlineOf, eligibility } from './rules/index.ts'
import type { Explanation, IndividualSession, IsoDate, IsoDateTime, Policy, Problem, Proposal, Reason, Referral, Session, Violation } from './types.ts'
import { validateProposal } from './validate.ts'

export type SessionOption = {
  readonly counsellorId: string
  readonly start: IsoDateTime
  readonly end: IsoDateTime
  /** `individual` for a first session; `followup` once the first is booked and a second is owed. */
  readonly kind: 'individual' | 'followup'
  /** Referrals the latest plan gives this time (or the day's last interpreter or session) by priority, who would lose it. */
  readonly displaces: readonly string[]
}

export type OptionsResult =
  | { readonly ok: true; readonly options: readonly SessionOption[] }
  | { readonly ok: false; readonly reason: Reason | 'already-scheduled'; readonly detail: string; readonly explanation: Explanation }

type Wanted = { kind: 'individual' | 'followup'; earliest: IsoDate; latest: IsoDate; minutes: number }

/** What session the referral still needs, between which dates; or why it needs none now. */
function wanted(problem: Problem, r: Referral): Wanted | Extract<OptionsResult, { ok: false }> {
  const { policy, runDate } = problem
  const horizonEnd = horizonEndOf(problem)
  const mine = problem.pinned.filter((s) => (s.kind === 'group' ? s.referralIds.includes(r.id) : s.referralId === r.id))
  const first = mine.find((s) => s.kind === 'individual')
  const minutes = policy.sessionMinutes[r.track]
  if (first) {
    if (r.meetings !== 2 || mine.some((s) => s.kind === 'followup')) return { ok: false, reason: 'already-scheduled', detail: `${r.id} already has its sessions booked`, explanation: { code: 'options-already-scheduled' } }
    const gap = addDays(fromOsloDateTime(first.start).date, policy.secondMeetingGapDays)
    const lead = addDays(runDate, r.interpreter ? policy.leadDays[r.track] : policy.noticeDays)
    let latest = horizonEnd
    if (r.programmeEndsOn !== undefined && addDays(r.programmeEndsOn, -1) < latest) latest = addDays(r.programmeEndsOn, -1)
    return { kind: 'followup', earliest: gap > lead ? gap : lead, latest, minutes }
  }
  const group = mine.find((s) => s.kind === 'group')
  const ctx = { runDate, horizonEnd, policy, ...(group && { groupMeetingOn: fromOsloDateTime(group.start).date }) }
  const el = eligibility(r, ctx)
  if (!el.ok) return el
  if (el.needsGroupMeeting) return { ok: false, reason: 'awaiting-group-meeting', detail: `${r.id} attends a group meeting first; none is booked yet`, explanation: { code: 'options-group-meeting-first' } }
  return { kind: 'individual', earliest: el.window.earliest, latest: el.window.latest, minutes: el.minutes }
}

/**
 * Up to `limit` options, earliest first (one per counsellor-day: its first free time); on the same
 * start the municipality's own counsellor first, then those that displace no one. `planned` are
 * the latest plan's new sessions (not yet booked): who would lose what they get by priority.
 */
export function optionsFor(problem: Problem, referralId: string, opts: { readonly limit: number; readonly planned?: readonly Session[] }): OptionsResult {
  const r = problem.referrals.find((x) => x.id === referralId)
  if (!r) return { ok: false, reason: 'no-capacity-in-horizon', detail: `${referralId} is not open for planning`, explanation: { code: 'options-not-open' } }
  const w = wanted(problem, r)
  if ('ok' in w) return w
  const { policy } = problem
  const book = createDayBook(problem, horizonEndOf(problem))
  const language = interpreterLanguage(r)
  const own = new Set(problem.counsellors.filter((c) => c.municipalities.includes(r.municipality)).map((c) => c.id))
  const referrals = new Map(problem.referrals.map((x) => [x.id, x]))
  const plannedOn = indexPlanned(opts.planned ?? [], referralId, (id) => referrals.get(id)?.language ?? null)
  const rankOf = (id: string): Ranked | null => {
    const x = referrals.get(id)
    return x ? { referral: x, deadline: deadlineOf(x, policy), withinDeadline: false } : null
  }
  const lowest = (ids: readonly string[]): string[] => {
    const ranked = ids.map(rankOf).filter((x): x is Ranked => x !== null).sort((a, b) => compareRanked(policy.priority, a, b))
    const last = ranked[ranked.length - 1]
    return last ? [last.referral.id] : []
  }

  const found: (SessionOption & { own: boolean; ms: number })[] = []
  for (const d of book.days) {
    if (d.date < w.earliest || d.date > w.latest || d.sessionsLeft <= 0) continue
    if (language !== null && book.interpreterLeft(language, d.date) < 1) continue
    const slot = d.free.find(([s, e]) => e - s >= w.minutes)
    if (!slot) continue
    const start = slot[0]
    const displaces = new Set<string>()
    const onDay = plannedOn.byDay.get(`${d.counsellorId}|${d.date}`) ?? []
    for (const p of onDay) if (p.start < start + w.minutes && p.end > start) for (const id of p.ids) displaces.add(id)
    // The day's last session or the language's last interpreter, if the plan uses them: the lowest-ranked loses it.
    const rest = onDay.filter((p) => !p.ids.some((id) => displaces.has(id)))
    if (rest.length >= d.sessionsLeft) for (const id of lowest(rest.flatMap((p) => p.ids))) displaces.add(id)
    if (language !== null) {
      const sameLanguage = (plannedOn.byLanguage.get(`${language}|${d.date}`) ?? []).filter((p) => !p.ids.some((id) => displaces.has(id)))
      if (sameLanguage.length >= book.interpreterLeft(language, d.date)) for (const id of lowest(sameLanguage.flatMap((p) => p.ids))) displaces.add(id)
    }
    const startIso = toOsloDateTime(d.date, start)
    found.push({ counsellorId: d.counsellorId, start: startIso, end: toOsloDateTime(d.date, start + w.minutes), kind: w.kind, displaces: [...displaces].sort(), own: own.has(d.counsellorId), ms: epochMs(startIso) })
  }
  found.sort((a, b) => a.ms - b.ms || Number(b.own) - Number(a.own) || a.displaces.length - b.displaces.length || (a.counsellorId < b.counsellorId ? -1 : 1))
  return { ok: true, options: found.slice(0, opts.limit).map(({ own: _o, ms: _m, ...o }) => o) }
}

type PlannedSlot = { start: number; end: number; ids: readonly string[] }

function indexPlanned(planned: readonly Session[], except: string, languageOf: (referralId: string) => string | null) {
  const byDay = new Map<string, PlannedSlot[]>()
  const byLanguage = new Map<string, PlannedSlot[]>()
  for (const s of planned) {
    if (s.pinned) continue
    const ids = (s.kind === 'group' ? s.referralIds : [s.referralId]).filter((id) => id !== except)
    if (ids.length === 0) continue
    const a = fromOsloDateTime(s.start)
    const slot = { start: a.minute, end: fromOsloDateTime(s.end).minute, ids }
    const key = `${s.counsellorId}|${a.date}`
    byDay.set(key, [...(byDay.get(key) ?? []), slot])
    if (s.interpreterOrderBy !== undefined) {
      const language = s.kind === 'group' ? s.language : languageOf(s.referralId)
      if (language !== null) byLanguage.set(`${language}|${a.date}`, [...(byLanguage.get(`${language}|${a.date}`) ?? []), slot])
    }
  }
  return { byDay, byLanguage }
}

/** The session a direct booking of (counsellor, start) makes for the referral, as a run would write it. */
export function bookingSession(problem: Problem, r: Referral, counsellorId: string, start: IsoDateTime): IndividualSession {
  const { policy } = problem
  const hasFirst = problem.pinned.some((s) => s.kind === 'individual' && s.referralId === r.id)
  const kind = hasFirst && r.meetings === 2 ? 'followup' : 'individual'
  const at = fromOsloDateTime(start)
  const base = { referralId: r.id, counsellorId, kind, start: toOsloDateTime(at.date, at.minute), end: toOsloDateTime(at.date, at.minute + policy.sessionMinutes[r.track]) } as const
  return r.interpreter ? { ...base, interpreterOrderBy: orderBy(at.date, at.minute, policy) } : base
}

function orderBy(date: IsoDate, minute: number, policy: Policy): IsoDateTime {
  return interpreterOrderBy(date, minute, policy)
}

/**
 * The rules a direct booking breaks, by their names in explanations (`overlap`, `absence`,
 * `lead-time`, ...): the validator's findings on the booked sessions plus this one, less what it
 * finds without it (a booking is not refused for another session's trouble).
 */
export function checkBooking(problem: Problem, referralId: string, session: Session): Violation[] {
  const r = problem.referrals.find((x) => x.id === referralId)
  if (!r) return [{ rule: 'referral-exists', detail: `${referralId} is not open for booking (withdrawn, completed or unknown)` }]
  const only: Problem = { ...problem, referrals: [r] }
  const scheduled = problem.pinned.some((s) => s.kind === 'individual' && s.referralId === r.id)
  const pinned = problem.pinned.map((s) => ({ ...s, pinned: true }))
  const unassigned = scheduled ? [] : [{ referralId: r.id, reason: 'no-capacity-in-horizon' as const, detail: '' }]
  const base = (sessions: readonly Session[], open: boolean): Proposal => ({
    runDate: problem.runDate,
    status: 'proposed',
    sessions,
    unassigned: open ? unassigned : [],
    deadlineBreaches: [],
    stats: { referrals: 1, scheduled: 0, withinDeadline: 0, solveMs: 0, method: 'greedy', outcome: 'feasible', sessions: 0, groupMeetings: 0, followups: 0, unassigned: 0, deadlineBreaches: 0, objective: [] },
  })
  const key = (v: Violation) => `${v.rule}|${v.detail}`
  const before = new Set(validateProposal(only, base(pinned, true)).map(key))
  const late = session.kind === 'individual' && deadlineOf(r, problem.policy)
  const withIt = base([...pinned, session], session.kind !== 'individual')
  const breach = late && fromOsloDateTime(session.start).date > late ? [{ referralId: r.id, deadline: late, plannedOn: fromOsloDateTime(session.start).date, reason: 'no-capacity-before-deadline' as const, detail: '' }] : []
  return validateProposal(only, { ...withIt, deadlineBreaches: breach }).filter((v) => !before.has(key(v)) && v.rule !== 'accounted-once')
}
