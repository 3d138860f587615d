import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'
import { PASS } from './rule.ts'

/**
 * `programme-end`: a session after the programme ends is of no use (004); its last day is still
 * in time, so a session on `programmeEndsOn` is fine.
 */
export function programmeEnd(referral: Referral, ctx: RuleContext): RuleVerdict {
  const ends = referral.programmeEndsOn
  if (ends === undefined) return PASS
  const detail = `the introduction programme ends on ${ends}; a session after it is of no use`
  const explanation = { code: 'programme-ended' as const, endsOn: ends }
  if (ends < ctx.runDate) return { ok: false, reason: 'programme-ended', detail, explanation }
  return {
    ok: true,
    latest: ends < ctx.horizonEnd ? ends : ctx.horizonEnd,
    ifEmpty: { reason: 'programme-ended', detail, explanation },
  }
}
