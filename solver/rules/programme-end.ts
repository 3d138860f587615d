import { addDays } from '../calendar.ts'
import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'
import { PASS } from './rule.ts'

/** `programme-end`: a session on or after the day the programme ends is of no use (004). */
export function programmeEnd(referral: Referral, ctx: RuleContext): RuleVerdict {
  const ends = referral.programmeEndsOn
  if (ends === undefined) return PASS
  const detail = `the introduction programme ends on ${ends}; a session after it is of no use`
  if (ends <= ctx.runDate) return { ok: false, reason: 'programme-ended', detail }
  const lastUseful = addDays(ends, -1)
  return {
    ok: true,
    latest: lastUseful < ctx.horizonEnd ? lastUseful : ctx.horizonEnd,
    ifEmpty: { reason: 'programme-ended', detail },
  }
}
