import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'
import { PASS } from './rule.ts'

/**
 * `deferral`: the advisor postponed guidance (002, grep 2); nothing before deferredUntil. Deferred
 * past the horizon, the referral waits for a later run.
 */
export function deferral(referral: Referral, ctx: RuleContext): RuleVerdict {
  const until = referral.deferredUntil
  if (until === undefined) return PASS
  if (until > ctx.horizonEnd) {
    const why = referral.deferralReason ? `: ${referral.deferralReason}` : ''
    return { ok: false, reason: 'deferred', detail: `deferred until ${until}${why}`, explanation: { code: 'deferred', until } }
  }
  return { ok: true, earliest: until }
}
