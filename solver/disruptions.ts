// Which booked sessions no longer fit their inputs: the counsellor's availability and employment,
// the centre's closed dates, the participants' programme end and deferral. Pure: the service
// hands in the sessions still to come and the current counsellors, referrals and policy.

import { fromOsloDateTime, isWorkingDay, isoWeekday, parseHhMm } from './calendar.ts'
import type { Counsellor, IsoDate, IsoDateTime, Policy, Referral, Session } from './types.ts'

/** Why a booked session no longer fits, in the contract's codes. */
export type DisruptionReason = 'counsellor-absent' | 'outside-hours' | 'not-employed' | 'centre-closed' | 'programme-ended' | 'deferred'
export const DISRUPTION_REASONS = ['counsellor-absent', 'outside-hours', 'not-employed', 'centre-closed', 'programme-ended', 'deferred'] as const

/** A booked session with its store id. */
export type BookedSession = Session & { readonly id: string }

export type Disruption = {
  readonly sessionId: string
  /** The session's participants (one, or a group meeting's members). */
  readonly referralIds: readonly string[]
  readonly counsellorId: string
  readonly start: IsoDateTime
  readonly reason: DisruptionReason
}

/** Closed dates a policy may carry (`closedDates`, `closedDays` as `MM-DD`); read where present. */
type ClosingPolicy = Policy & { readonly closedDates?: readonly IsoDate[]; readonly closedDays?: readonly string[] }

/** Weekends, public holidays and the centre's own closed dates. */
export function centreClosedOn(policy: Policy, date: IsoDate): boolean {
  if (!isWorkingDay(date)) return true
  const p = policy as ClosingPolicy
  return (p.closedDates ?? []).includes(date) || (p.closedDays ?? []).includes(date.slice(5))
}

export function referralIdsOf(s: Session): readonly string[] {
  return s.kind === 'group' ? s.referralIds : [s.referralId]
}

/**
 * Why this session no longer fits, or null. The counsellor's reasons come first (they hold for
 * everyone in the session), then the centre's, then a participant's. A group meeting is disrupted
 * by a participant only when every member's reason holds (the rest can still meet).
 */
export function disruptionOf(s: Session, counsellor: Counsellor | undefined, referrals: ReadonlyMap<string, Referral>, policy: Policy): DisruptionReason | null {
  const start = fromOsloDateTime(s.start)
  const end = fromOsloDateTime(s.end)
  const date = start.date
  if (!counsellor) return 'not-employed'
  if ((counsellor.employedFrom !== undefined && date < counsellor.employedFrom) || (counsellor.employedUntil !== undefined && date > counsellor.employedUntil)) return 'not-employed'
  if (counsellor.absences.some((a) => date >= a.from && date <= a.to)) return 'counsellor-absent'
  if (centreClosedOn(policy, date)) return 'centre-closed'
  if (!withinHours(counsellor, policy, isoWeekday(date), start.minute, end.date === date ? end.minute : 1440)) return 'outside-hours'
  const members = referralIdsOf(s).map((id) => referrals.get(id)).filter((r): r is Referral => r !== undefined)
  if (members.length === 0) return null
  const all = (p: (r: Referral) => boolean) => (s.kind === 'group' ? members.every(p) : members.some(p))
  if (all((r) => r.programmeEndsOn !== undefined && date >= r.programmeEndsOn)) return 'programme-ended'
  if (all((r) => r.deferredUntil !== undefined && date < r.deferredUntil)) return 'deferred'
  return null
}

/** Inside one of the counsellor's weekly blocks for that weekday, clipped to the centre's working day. */
function withinHours(c: Counsellor, policy: Policy, weekday: number, from: number, to: number): boolean {
  const dayStart = parseHhMm(policy.workingDay.start)
  const dayEnd = parseHhMm(policy.workingDay.end)
  // Adjacent blocks (09-12, 12-15) hold a session across their seam, so merge them first.
  const blocks = c.weekly
    .filter((w) => w.weekday === weekday)
    .map((w) => [Math.max(parseHhMm(w.start), dayStart), Math.min(parseHhMm(w.end), dayEnd)] as [number, number])
    .sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const b of blocks) {
    const last = merged[merged.length - 1]
    if (last && b[0] <= last[1]) last[1] = Math.max(last[1], b[1])
    else merged.push(b)
  }
  return merged.some(([s, e]) => from >= s && to <= e)
}

/** Every session of `sessions` that no longer fits, in start order. */
export function findDisruptions(input: {
  readonly sessions: readonly BookedSession[]
  readonly counsellors: readonly Counsellor[]
  readonly referrals: readonly Referral[]
  readonly policy: Policy
}): Disruption[] {
  const counsellors = new Map(input.counsellors.map((c) => [c.id, c]))
  const referrals = new Map(input.referrals.map((r) => [r.id, r]))
  const out: Disruption[] = []
  for (const s of input.sessions) {
    const reason = disruptionOf(s, counsellors.get(s.counsellorId), referrals, input.policy)
    if (reason !== null) out.push({ sessionId: s.id, referralIds: [...referralIdsOf(s)], counsellorId: s.counsellorId, start: s.start, reason })
  }
  return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.sessionId < b.sessionId ? -1 : 1))
}
