// The replay engine: a scenario lived week by week. Every Monday the allocation runs over what is
// known that day (referrals referred by then, absences begun by then, sessions booked earlier,
// pinned) and is committed; then each day passes: an absence that begins cancels its sessions,
// the day's sessions are held, cancelled or missed (seeded), and the week's figures are taken.
// The solver stays pure: everything that "happens" lives here.

import { addDays, daysBetween, hoursBetween, mondayOf, parseHhMm, toOsloDateTime } from '../../solver/calendar.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import { deadlineOf } from '../../solver/rules/index.ts'
import { isLateCancellation } from '../../solver/rules/late-cancellation.ts'
import { solve } from '../../solver/solve.ts'
import type { Counsellor, IsoDate, Policy, PolicyInput, Problem, Reason, Referral, Session } from '../../solver/types.ts'
import type { Scenario } from '../schemas/scenario.ts'
import { DEFAULT_HORIZON_WEEKS, scenarioPolicyOn, toSolverCounsellor, toSolverReferral } from '../services/scenario.ts'
import { guidanceHours } from './hours.ts'
import { summarise, type ReplayMetrics, type WeekMetrics } from './metrics.ts'
import type { ReplayPolicy } from './policies.ts'
import { targetOf } from './targets.ts'

/** Why a referral is still waiting at the end: the last run's reason, or an event after it. */
export type PendingReason = Reason | 'awaiting-next-run'

/** What became of one referral by the end of the replay. */
export type ReferralOutcome =
  | { readonly status: 'held'; readonly firstOn: IsoDate }
  | { readonly status: 'booked'; readonly firstOn: IsoDate }
  | { readonly status: 'pending'; readonly reason: PendingReason }
  /** Withdrawn (scenario `withdrawnOn`) before a first session was held. */
  | { readonly status: 'withdrawn'; readonly on: IsoDate }

/** A session that took place (or was missed), with what happened to it. */
export type HeldSession = Session & { readonly outcome: 'held' | 'no-show' }

export type ReplayOptions = {
  /** Overrides the scenario's seed (no-shows and cancellations). */
  readonly seed?: number | undefined
  /** Per allocation run; past it the solver hands over to greedy. */
  readonly timeLimitMs?: number | undefined
  /** Staff added to the scenario's (capacity planning's virtual counsellors). */
  readonly extraCounsellors?: ((from: IsoDate, policy: Policy) => readonly Counsellor[]) | undefined
  /** Called after each simulated week (progress bars). */
  readonly onWeek?: ((done: number, total: number) => void) | undefined
}

export type ReplayRun = {
  readonly metrics: ReplayMetrics
  /** Every session whose day came, held or missed, in order. */
  readonly sessions: readonly HeldSession[]
  /** Per referral id (pseudonymous), for the referrals known within the period. */
  readonly outcomes: ReadonlyMap<string, ReferralOutcome>
  /** The same referrals as the solver saw them (pseudonymous). */
  readonly referrals: ReadonlyMap<string, Referral>
}

/**
 * A number in [0, 1) fixed by the seed and a key. Draws are keyed by participant and attempt, not
 * taken from one stream, so the same participant misses the same appointment under every policy:
 * policies are compared on the same luck.
 */
export function keyedRandom(seed: number, key: string): number {
  // FNV-1a over the key, then a mulberry32 round to spread the bits.
  let h = 0x811c9dc5 ^ (seed >>> 0)
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  let t = (h + 0x6d2b79f5) >>> 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** The scenario's policy with the replay policy's fields laid over it (nested objects merged). */
export function mergePolicyInput(base: PolicyInput | undefined, over: PolicyInput): PolicyInput {
  const b = base ?? {}
  return {
    ...b,
    ...over,
    ...((b.leadDays || over.leadDays) && { leadDays: { ...b.leadDays, ...over.leadDays } }),
    ...((b.sessionMinutes || over.sessionMinutes) && { sessionMinutes: { ...b.sessionMinutes, ...over.sessionMinutes } }),
    ...((b.groupMeeting || over.groupMeeting) && { groupMeeting: { ...b.groupMeeting, ...over.groupMeeting } }),
    ...((b.workingDay || over.workingDay) && { workingDay: { ...b.workingDay, ...over.workingDay } }),
  }
}

/** The replay's period: `from`..`to`, else the first referral's Monday and 52 weeks. */
export function replayPeriod(s: Scenario): { from: IsoDate; to: IsoDate } {
  const firstReferred = s.referrals.reduce<IsoDate | undefined>((m, r) => {
    const d = r.referredOn ?? r.settledOn
    return m === undefined || d < m ? d : m
  }, undefined)
  const from = s.from ?? s.runDate ?? firstReferred ?? '2025-01-06'
  return { from, to: s.to ?? addDays(mondayOf(from), 52 * 7 - 1) }
}

type State = {
  referral: Referral
  withdrawnOn?: IsoDate
  firstHeld?: Session
  groupHeld: boolean
  followupHeld: boolean
  reason?: PendingReason
}

const dateOf = (s: Session): IsoDate => s.start.slice(0, 10)
const minutesOf = (s: Session): number => Math.round(hoursBetween(s.start, s.end) * 60)
const membersOf = (s: Session): readonly string[] => (s.kind === 'group' ? s.referralIds : [s.referralId])

export function simulate(scenario: Scenario, replayPolicy: ReplayPolicy, opts: ReplayOptions = {}): ReplayRun {
  const { from, to } = replayPeriod(scenario)
  // Each week the version in force that week (a scenario's policy may be dated versions), under the replay policy's overrides.
  const policyOn = (d: IsoDate): Policy => resolvePolicy(mergePolicyInput(scenarioPolicyOn(scenario, d), replayPolicy.overrides), d)
  const horizonWeeks = scenario.horizonWeeks ?? DEFAULT_HORIZON_WEEKS
  const seed = opts.seed ?? scenario.seed ?? 1
  const attempts = new Map<string, number>()
  const noShowRate = scenario.noShowRate ?? 0
  const cancellationRate = scenario.cancellationRate ?? 0

  const counsellors: Counsellor[] = [...scenario.counsellors.map(toSolverCounsellor), ...(opts.extraCounsellors?.(from, policyOn(from)) ?? [])]
  // Referrals referred after the period never enter it; they are not part of the accounts.
  const states = new Map<string, State>()
  for (const r of scenario.referrals) {
    const referral = toSolverReferral(r, from)
    if (referral.referredOn <= to) states.set(referral.id, { referral, groupHeld: false, followupHeld: false, ...(r.withdrawnOn !== undefined && { withdrawnOn: r.withdrawnOn }) })
  }
  // Looked up each simulated morning: by date, not by a scan of every referral.
  const withdrawalsOn = new Map<IsoDate, string[]>()
  for (const st of states.values()) if (st.withdrawnOn !== undefined) withdrawalsOn.set(st.withdrawnOn, [...(withdrawalsOn.get(st.withdrawnOn) ?? []), st.referral.id])
  const byReferredOn = [...states.values()].sort((a, b) => (a.referral.referredOn < b.referral.referredOn ? -1 : a.referral.referredOn > b.referral.referredOn ? 1 : 0))

  // Booked (committed, not yet come) sessions by date; earlier bookings of the scenario come first.
  const booked = new Map<IsoDate, Session[]>()
  const book = (s: Session) => {
    const { pinned: _pinned, ...clean } = s
    const list = booked.get(dateOf(s))
    if (list) list.push(clean)
    else booked.set(dateOf(s), [clean])
  }
  for (const s of scenario.bookings ?? []) {
    const { id: _id, ...session } = s
    if (dateOf(session as Session) >= from) book(session as Session)
  }

  const held: HeldSession[] = []
  const weeks: WeekMetrics[] = []
  let week: Omit<WeekMetrics, 'backlog' | 'known' | 'withinDeadlineShareToDate' | 'withinTargetShareToDate'> | undefined
  const interpreterOrders: Record<string, number> = {}
  let solveMs = 0

  /** Takes a booked session off the calendar, and every later booked session of its members (they depended on it). */
  const drop = (s: Session, at: string, policy: Policy) => {
    const list = booked.get(dateOf(s))
    if (list) booked.set(dateOf(s), list.filter((x) => x !== s))
    for (const id of membersOf(s)) {
      const st = states.get(id)
      if (st) st.reason = 'awaiting-next-run'
      for (const [d, l] of booked) {
        if (d < dateOf(s)) continue
        for (const later of l) {
          if (later.start > s.start && later.kind !== 'group' && later.referralId === id && booked.get(d)?.includes(later)) cancel(later, at, policy)
        }
      }
    }
  }
  /** A cancellation: late by the one rule the service uses (the interpreter service's notice, else lateCancellationHours). */
  const cancel = (s: Session, at: string, policy: Policy) => {
    if (week) {
      week.cancellations++
      const language = s.kind === 'group' ? s.language : (states.get(s.referralId)?.referral.language ?? null)
      if (isLateCancellation({ start: s.start, interpreted: s.interpreterOrderBy !== undefined, language }, at, policy)) week.lateCancellations++
    }
    drop(s, at, policy)
  }

  /** Cancels a withdrawn participant's bookings from `day` on; a group meeting loses the member, or goes if none is left. */
  const withdraw = (id: string, day: IsoDate, at: string, policy: Policy) => {
    for (const [d, l] of [...booked]) {
      if (d < day) continue
      for (const s of [...l]) {
        if (!membersOf(s).includes(id) || !booked.get(d)?.includes(s)) continue
        if (s.kind === 'group' && s.referralIds.length > 1) booked.set(d, booked.get(d)!.map((x) => (x === s ? { ...s, referralIds: s.referralIds.filter((m) => m !== id) } : x)))
        else cancel(s, at, policy)
      }
    }
  }

  const firstMonday = mondayOf(from)
  const totalWeeks = Math.floor(daysBetween(firstMonday, to) / 7) + 1
  let next = 0
  for (let w = 0; w < totalWeeks; w++) {
    const monday = addDays(firstMonday, 7 * w)
    const sunday = addDays(monday, 6)
    const policy = policyOn(monday)
    let newReferrals = 0
    while (next < byReferredOn.length && byReferredOn[next]!.referral.referredOn <= sunday) {
      if (byReferredOn[next]!.referral.referredOn >= monday) newReferrals++
      next++
    }
    week = { week: monday, newReferrals, sessionsHeld: 0, firstSessionsHeld: 0, groupMeetingsHeld: 0, hoursHeld: 0, availableHours: 0, utilisation: null, cancellations: 0, lateCancellations: 0, noShows: 0, interpreterOrders: 0, solveMs: 0 }

    // ---- Monday: allocate over what is known today, commit. ----
    const future: Session[] = []
    for (const [d, l] of booked) if (d >= monday) future.push(...l)
    const open: Referral[] = []
    const pinnedPast: Session[] = []
    for (const st of states.values()) {
      if (st.referral.referredOn > monday || (st.withdrawnOn !== undefined && st.withdrawnOn <= monday)) continue
      const done = st.firstHeld !== undefined && (st.referral.meetings === 1 || st.followupHeld)
      if (done) continue
      open.push(st.groupHeld ? { ...st.referral, groupMeetingDone: true } : st.referral)
      // The first session held earlier stays pinned: the solver counts the follow-up's gap from it.
      if (st.firstHeld) pinnedPast.push(st.firstHeld)
    }
    const problem: Problem = {
      runDate: monday,
      horizonWeeks,
      policy,
      // Absences are known from their first day only.
      counsellors: counsellors.map((c) => ({ ...c, absences: c.absences.filter((a) => a.from <= monday) })),
      referrals: open,
      pinned: [...pinnedPast, ...future].map((s) => ({ ...s, pinned: true })),
      ...(scenario.interpreterCapacity !== undefined && { interpreterCapacity: scenario.interpreterCapacity }),
    }
    if (open.length > 0) {
      const proposal = solve(problem, { method: replayPolicy.method, ...(opts.timeLimitMs !== undefined && { timeLimitMs: opts.timeLimitMs }) })
      week.solveMs = proposal.stats.solveMs
      solveMs += proposal.stats.solveMs
      for (const u of proposal.unassigned) {
        const st = states.get(u.referralId)
        if (st) st.reason = u.reason
      }
      for (const s of proposal.sessions) {
        if (s.pinned) continue
        book(s)
        for (const id of membersOf(s)) {
          const st = states.get(id)
          if (st) delete st.reason
        }
        if (s.interpreterOrderBy !== undefined) {
          const language = s.kind === 'group' ? s.language : (states.get(s.referralId)?.referral.language ?? 'unknown')
          interpreterOrders[language] = (interpreterOrders[language] ?? 0) + 1
          week.interpreterOrders++
        }
      }
    }

    // ---- The week passes, day by day. ----
    const dayStart = parseHhMm(policy.workingDay.start)
    for (let i = 0; i < 7; i++) {
      const day = addDays(monday, i)
      // An absence that begins today is known this morning: its sessions are cancelled.
      const morning = toOsloDateTime(day, dayStart)
      // A withdrawal is known the morning it happens: the participant's bookings are cancelled.
      for (const id of withdrawalsOn.get(day) ?? []) withdraw(id, day, morning, policy)
      for (const c of counsellors) {
        for (const a of c.absences) {
          if (a.from !== day) continue
          for (const [d, l] of [...booked]) {
            if (d < day || d < a.from || d > a.to) continue
            for (const s of [...l]) if (s.counsellorId === c.id && booked.get(d)?.includes(s)) cancel(s, morning, policy)
          }
        }
      }
      const today = (booked.get(day) ?? []).slice().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : membersOf(a)[0]! < membersOf(b)[0]! ? -1 : 1))
      for (const s of today) {
        if (!booked.get(day)?.includes(s)) continue // cancelled along with an earlier one today
        if (s.kind === 'group') {
          // A group meeting is held for its members (no-shows are drawn for individual sessions only).
          for (const id of s.referralIds) {
            const st = states.get(id)
            if (st) st.groupHeld = true
          }
          held.push({ ...s, outcome: 'held' })
          week.sessionsHeld++
          week.groupMeetingsHeld++
          week.hoursHeld += minutesOf(s) / 60
          continue
        }
        const key = `${s.referralId}:${s.kind}`
        const attempt = (attempts.get(key) ?? 0) + 1
        attempts.set(key, attempt)
        const draw = keyedRandom(seed, `${key}:${attempt}`)
        if (draw < cancellationRate) {
          // The participant cancels with a notice drawn between none and a week.
          const noticeHours = keyedRandom(seed, `${key}:${attempt}:notice`) * 7 * 24
          const at = new Date(Date.parse(s.start) - noticeHours * 3_600_000).toISOString()
          cancel(s, at, policy)
          continue
        }
        const st = states.get(s.referralId)
        if (draw < cancellationRate + noShowRate) {
          week.noShows++
          held.push({ ...s, outcome: 'no-show' })
          drop(s, s.start, policy)
          continue
        }
        held.push({ ...s, outcome: 'held' })
        week.sessionsHeld++
        week.hoursHeld += minutesOf(s) / 60
        if (st) {
          if (s.kind === 'individual') {
            st.firstHeld = s
            week.firstSessionsHeld++
          } else st.followupHeld = true
        }
      }
      booked.delete(day)
    }

    week.availableHours = guidanceHours(counsellors, monday, sunday, policy)
    week.utilisation = week.availableHours > 0 ? week.hoursHeld / week.availableHours : null
    let known = 0
    let backlog = 0
    let decided = 0
    let met = 0
    let targetDecided = 0
    let targetMet = 0
    for (const st of states.values()) {
      if (st.referral.referredOn > sunday) continue
      known++
      const gone = st.withdrawnOn !== undefined && st.withdrawnOn <= sunday && !st.firstHeld
      if (gone) continue
      if (!st.firstHeld) backlog++
      const target = targetOf(st.referral, policy).date
      const inTime = st.firstHeld !== undefined && dateOf(st.firstHeld) <= target
      if (inTime) targetMet++
      if (inTime || target <= sunday) targetDecided++
      const deadline = deadlineOf(st.referral, policy)
      if (deadline === null) continue
      const ok = st.firstHeld !== undefined && dateOf(st.firstHeld) <= deadline
      if (ok) met++
      if (ok || deadline <= sunday) decided++
    }
    weeks.push({ ...week, known, backlog, withinDeadlineShareToDate: decided > 0 ? met / decided : null, withinTargetShareToDate: targetDecided > 0 ? targetMet / targetDecided : null })
    opts.onWeek?.(w + 1, totalWeeks)
  }

  // ---- The accounts: every referral known in the period ends held, booked or pending with a reason. ----
  const outcomes = new Map<string, ReferralOutcome>()
  const firstBooked = new Map<string, IsoDate>()
  for (const [d, l] of booked) for (const s of l) if (s.kind === 'individual') firstBooked.set(s.referralId, d)
  for (const [id, st] of states) {
    if (st.firstHeld) outcomes.set(id, { status: 'held', firstOn: dateOf(st.firstHeld) })
    else if (st.withdrawnOn !== undefined && st.withdrawnOn <= to) outcomes.set(id, { status: 'withdrawn', on: st.withdrawnOn })
    else if (firstBooked.has(id)) outcomes.set(id, { status: 'booked', firstOn: firstBooked.get(id)! })
    else outcomes.set(id, { status: 'pending', reason: st.reason ?? 'awaiting-next-run' })
  }
  const metrics = summarise({
    policy: replayPolicy,
    from,
    to,
    weeks,
    states: [...states.values()].map((st) => ({ referral: st.referral, outcome: outcomes.get(st.referral.id)! })),
    deadlineOf: (r) => deadlineOf(r, policyOn(from)),
    targetOf: (r) => targetOf(r, policyOn(from)).date,
    interpreterOrders,
    solveMs,
    seed,
  })
  return { metrics, sessions: held, outcomes, referrals: new Map([...states].map(([id, st]) => [id, st.referral])) }
}
