// The replay's figures: per week (taken as the week passes, in simulate.ts) and overall.

import { addDays, daysBetween } from '../../solver/calendar.ts'
import type { IsoDate, Method, Referral, Track } from '../../solver/types.ts'
import type { ReplayPolicy } from './policies.ts'
import { TARGET_BASES } from './targets.ts'
import type { ReferralOutcome } from './simulate.ts'

export type WeekMetrics = {
  /** The week's Monday (its allocation run). */
  readonly week: IsoDate
  readonly newReferrals: number
  /** Referrals referred by the week's end. */
  readonly known: number
  /** Known referrals without a first session held by the week's end. */
  readonly backlog: number
  /** Sessions held: individual, follow-up and group meetings. */
  sessionsHeld: number
  firstSessionsHeld: number
  groupMeetingsHeld: number
  hoursHeld: number
  /** Counsellor-hours of working time, with the absences as they turned out. */
  availableHours: number
  /** hoursHeld / availableHours; null in a week with no counsellor time. */
  utilisation: number | null
  cancellations: number
  /** Interpreted sessions cancelled closer than policy.lateCancellationHours to their start. */
  lateCancellations: number
  noShows: number
  /** Interpreter orders placed by this week's run. */
  interpreterOrders: number
  solveMs: number
  /** Of ordinary referrals whose deadline has passed or who were seen in time by the week's end: the share seen in time. */
  readonly withinDeadlineShareToDate: number | null
  /** The same over every referral, against its target date (targets.ts: the deadline, or a stated service target). */
  readonly withinTargetShareToDate: number | null
}

export type Distribution = { readonly n: number; readonly median: number | null; readonly p90: number | null }

export type ReplayMetrics = {
  readonly policy: string
  readonly method: Method
  readonly seed: number
  readonly from: IsoDate
  readonly to: IsoDate
  /** Every referral referred within the period, once: held + booked + pending + withdrawn = referrals. */
  readonly accounts: {
    readonly referrals: number
    readonly held: number
    /** First session booked after the period's end. */
    readonly booked: number
    readonly pending: number
    readonly pendingByReason: Readonly<Record<string, number>>
    /** Withdrawn (scenario `withdrawnOn`) before a first session: out of every share and wait below. */
    readonly withdrawn: number
  }
  readonly ordinary: {
    readonly referrals: number
    /** Deadline passed within the period, or seen in time. */
    readonly decided: number
    readonly withinDeadline: number
    readonly share: number | null
  }
  /** Every referral against its target date (targets.ts): the deadline for ordinary, stated service targets for the others. */
  readonly target: {
    readonly referrals: number
    readonly decided: number
    readonly withinTarget: number
    readonly share: number | null
    readonly bases: Readonly<Record<Track, string>>
  }
  /** Settlement to first session held, days. */
  readonly daysToFirstSession: Distribution
  /** Referral to first session held, days, per priority class; `pending` still waiting at the end. */
  readonly waitingDays: Readonly<Record<string, Distribution & { readonly pending: number }>>
  readonly sessionsHeld: number
  readonly hoursHeld: number
  readonly availableHours: number
  readonly utilisation: number | null
  readonly cancellations: number
  readonly lateCancellations: number
  readonly noShows: number
  readonly interpreterOrders: Readonly<Record<string, number>>
  readonly solveMs: number
  readonly weeks: readonly WeekMetrics[]
}

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) }
}

/** The priority classes an analyst compares: threatened industry or not, and each track. */
function classesOf(r: Referral): string[] {
  return [r.threatenedIndustry ? 'threatened-industry' : 'other-industry', `track:${r.track satisfies Track}`]
}

export function summarise(input: {
  policy: ReplayPolicy
  from: IsoDate
  to: IsoDate
  weeks: readonly WeekMetrics[]
  states: readonly { referral: Referral; outcome: ReferralOutcome }[]
  deadlineOf: (r: Referral) => IsoDate | null
  targetOf: (r: Referral) => IsoDate
  interpreterOrders: Readonly<Record<string, number>>
  solveMs: number
  seed: number
}): ReplayMetrics {
  const { weeks, states } = input
  const pendingByReason: Record<string, number> = {}
  let held = 0
  let booked = 0
  let pending = 0
  let withdrawn = 0
  const toFirst: number[] = []
  const waits = new Map<string, { days: number[]; pending: number }>()
  let ordinary = 0
  let decided = 0
  let met = 0
  let targetDecided = 0
  let targetMet = 0
  const lastDay = weeks.length > 0 ? addDays(weeks[weeks.length - 1]!.week, 6) : input.to
  for (const { referral: r, outcome: o } of states) {
    if (o.status === 'withdrawn') {
      withdrawn++
      continue
    }
    for (const c of classesOf(r)) if (!waits.has(c)) waits.set(c, { days: [], pending: 0 })
    if (o.status === 'held') {
      held++
      toFirst.push(daysBetween(r.settledOn, o.firstOn))
      for (const c of classesOf(r)) waits.get(c)!.days.push(daysBetween(r.referredOn, o.firstOn))
    } else {
      if (o.status === 'booked') booked++
      else {
        pending++
        pendingByReason[o.reason] = (pendingByReason[o.reason] ?? 0) + 1
      }
      for (const c of classesOf(r)) waits.get(c)!.pending++
    }
    const target = input.targetOf(r)
    const inTime = o.status === 'held' && o.firstOn <= target
    if (inTime) targetMet++
    if (inTime || target <= lastDay) targetDecided++
    const deadline = input.deadlineOf(r)
    if (deadline === null) continue
    ordinary++
    const ok = o.status === 'held' && o.firstOn <= deadline
    if (ok) met++
    if (ok || deadline <= lastDay) decided++
  }
  const sum = (f: (w: WeekMetrics) => number) => weeks.reduce((s, w) => s + f(w), 0)
  const hoursHeld = sum((w) => w.hoursHeld)
  const availableHours = sum((w) => w.availableHours)
  return {
    policy: input.policy.name,
    method: input.policy.method,
    seed: input.seed,
    from: input.from,
    to: input.to,
    accounts: { referrals: states.length, held, booked, pending, pendingByReason, withdrawn },
    ordinary: { referrals: ordinary, decided, withinDeadline: met, share: decided > 0 ? met / decided : null },
    target: { referrals: states.length, decided: targetDecided, withinTarget: targetMet, share: targetDecided > 0 ? targetMet / targetDecided : null, bases: TARGET_BASES },
    daysToFirstSession: distribution(toFirst),
    waitingDays: Object.fromEntries([...waits].sort(([a], [b]) => a.localeCompare(b)).map(([c, w]) => [c, { ...distribution(w.days), pending: w.pending }])),
    sessionsHeld: sum((w) => w.sessionsHeld),
    hoursHeld,
    availableHours,
    utilisation: availableHours > 0 ? hoursHeld / availableHours : null,
    cancellations: sum((w) => w.cancellations),
    lateCancellations: sum((w) => w.lateCancellations),
    noShows: sum((w) => w.noShows),
    interpreterOrders: Object.fromEntries(Object.entries(input.interpreterOrders).sort(([a], [b]) => a.localeCompare(b))),
    solveMs: input.solveMs,
    weeks,
  }
}
