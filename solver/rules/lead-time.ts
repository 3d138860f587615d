import { addDays, interpreterOrderDate } from '../calendar.ts'
import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'

/**
 * `lead-time`: an interpreted session is booked leadDays[track] ahead so the centre can order the
 * interpreter (ordinary one week, 001; ukraine two weeks, 000); without one, noticeDays ahead. An
 * interpreted session also needs its order day (interpreterNoticeDays open days before) on or
 * after the run date, which a short lead time in a policy may not give.
 */
export function leadTime(referral: Referral, ctx: RuleContext): RuleVerdict {
  const days = referral.interpreter ? ctx.policy.leadDays[referral.track] : ctx.policy.noticeDays
  const earliest = referral.interpreter ? firstOrderable(addDays(ctx.runDate, days), ctx) : addDays(ctx.runDate, days)
  const ends = referral.programmeEndsOn
  const programmeEnds = ends !== undefined && ends < ctx.horizonEnd
  const cause =
    programmeEnds
      ? `the programme ends on ${ends}`
      : `the planning horizon ends on ${ctx.horizonEnd}`
  const need = referral.interpreter ? `an interpreter must be ordered ${days} days ahead` : `the session must be booked ${days} days ahead`
  return {
    ok: true,
    earliest,
    ifEmpty: {
      reason: 'lead-time',
      detail: `${need}; the first possible date, ${earliest}, is too late: ${cause}`,
      explanation: { code: 'lead-time', days, interpreter: referral.interpreter, earliest, limit: programmeEnds ? ends! : ctx.horizonEnd, programmeEnds },
    },
  }
}

/** The first date from `from` whose interpreter can still be ordered on or after the run date. */
export function firstOrderable(from: string, ctx: Pick<RuleContext, 'runDate' | 'policy'>): string {
  let d = from
  while (interpreterOrderDate(d, ctx.policy.interpreterNoticeDays, ctx.policy) < ctx.runDate) d = addDays(d, 1)
  return d
}
