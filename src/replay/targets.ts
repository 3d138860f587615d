// Target dates: when a referral should be seen by. Only the ordinary track has one in law; the
// others get stated service targets so a centre of mostly corona or ukraine referrals still has a
// meaningful answer (replay metrics and capacity planning both count against these).

import { addDays, addMonths } from '../../solver/calendar.ts'
import type { IsoDate, Policy, Referral } from '../../solver/types.ts'

/**
 * The date a referral should be seen by, and why. Only the ordinary track has a legal deadline;
 * the others get service targets so a centre of mostly corona or ukraine referrals (Trøndelag
 * 2020) still has a meaningful answer:
 * - ordinary: the deadline, settlement + policy.deadlineMonths (001, 002);
 * - corona: the 3-month mark after settlement, or the day before the programme ends if sooner
 *   (004: a session after the programme is of no use);
 * - ukraine: 3 months after referral (no deadline in law; a service target).
 */
export type Target = { readonly date: IsoDate; readonly basis: 'deadline' | '3-month mark' | 'programme end' | '3 months after referral' }

export const TARGET_BASES = {
  ordinary: 'the legal deadline (settlement + deadlineMonths)',
  corona: 'the 3-month mark after settlement, or the programme end if sooner',
  ukraine: '3 months after referral (service target, no legal deadline)',
} as const

export function targetOf(r: Referral, policy: Policy): Target {
  if (r.track === 'ordinary') return { date: addMonths(r.settledOn, policy.deadlineMonths), basis: 'deadline' }
  const programmeEnd = r.programmeEndsOn !== undefined ? addDays(r.programmeEndsOn, -1) : undefined
  if (r.track === 'corona') {
    const mark = addMonths(r.settledOn, 3)
    return programmeEnd !== undefined && programmeEnd < mark ? { date: programmeEnd, basis: 'programme end' } : { date: mark, basis: '3-month mark' }
  }
  const mark = addMonths(r.referredOn, 3)
  return programmeEnd !== undefined && programmeEnd < mark ? { date: programmeEnd, basis: 'programme end' } : { date: mark, basis: '3 months after referral' }
}
