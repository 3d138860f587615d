// Target dates: when a referral should be seen by. Only the ordinary track has one in law; the
// others get stated service targets so a centre of mostly corona or ukraine referrals still has a
// meaningful answer (replay metrics and capacity planning both count against these).

import { addDays, addMonths } from '../../solver/calendar.ts'
import type { IsoDate, Policy, Referral } from '../../solver/types.ts'

/**
 * The date a referral should be seen by, and why:
 * - ordinary: the deadline, settlement + policy.deadlineMonths (001, 002);
 * - corona and ukraine: 3 months after referral, or the day before the programme ends if sooner
 *   (004: a session after the programme is of no use). Corona referrals of 2020 were people
 *   already in the programme, long past any mark counted from settlement, so the count starts at
 *   referral; neither track has a deadline in law, so these are service targets.
 */
export type Target = { readonly date: IsoDate; readonly basis: 'deadline' | '3 months after referral' | 'programme end' }

export const TARGET_BASES = {
  ordinary: 'the legal deadline (settlement + deadlineMonths)',
  corona: '3 months after referral, or the programme end if sooner (service target, no legal deadline)',
  ukraine: '3 months after referral, or the programme end if sooner (service target, no legal deadline)',
} as const

export function targetOf(r: Referral, policy: Policy): Target {
  if (r.track === 'ordinary') return { date: addMonths(r.settledOn, policy.deadlineMonths), basis: 'deadline' }
  const programmeEnd = r.programmeEndsOn !== undefined ? addDays(r.programmeEndsOn, -1) : undefined
  const mark = addMonths(r.referredOn, 3)
  return programmeEnd !== undefined && programmeEnd < mark ? { date: programmeEnd, basis: 'programme end' } : { date: mark, basis: '3 months after referral' }
}
