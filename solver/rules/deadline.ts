import { addMonths } from '../calendar.ts'
import type { IsoDate, Policy, Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'

/** The ordinary track's deadline: settledOn + deadlineMonths (001, 002). Other tracks have none (000, 004). */
export function deadlineOf(referral: Referral, policy: Policy): IsoDate | null {
  return referral.track === 'ordinary' ? addMonths(referral.settledOn, policy.deadlineMonths) : null
}

/** `deadline`: soft, never blocks; the engine aims for it and reports a miss as a breach. */
export function deadline(referral: Referral, ctx: RuleContext): RuleVerdict {
  return { ok: true, deadline: deadlineOf(referral, ctx.policy) }
}
