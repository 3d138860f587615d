import { addDays } from '../calendar.ts'
import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'

/**
 * `lead-time`: an interpreted session is booked leadDays[track] ahead so the centre can order the
 * interpreter (ordinary one week, 001; ukraine two weeks, 000); without one, noticeDays ahead.
 */
export function leadTime(referral: Referral, ctx: RuleContext): RuleVerdict {
  const days = referral.interpreter ? ctx.policy.leadDays[referral.track] : ctx.policy.noticeDays
  const earliest = addDays(ctx.runDate, days)
  const ends = referral.programmeEndsOn
  const cause =
    ends !== undefined && addDays(ends, -1) < ctx.horizonEnd
      ? `the programme ends on ${ends}`
      : `the planning horizon ends on ${ctx.horizonEnd}`
  const need = referral.interpreter ? `an interpreter must be ordered ${days} days ahead` : `the session must be booked ${days} days ahead`
  return {
    ok: true,
    earliest,
    ifEmpty: { reason: 'lead-time', detail: `${need}; the first possible date, ${earliest}, is too late: ${cause}` },
  }
}
