// What every eligibility rule takes and gives. Re-exported by index.ts, which applies them in order.

import type { Explanation, IsoDate, Policy, Reason, Referral } from '../types.ts'

export type RuleContext = {
  /** The allocation's run date. */
  readonly runDate: IsoDate
  /** The horizon's last date, inclusive: runDate + 7 * horizonWeeks − 1. */
  readonly horizonEnd: IsoDate
  readonly policy: Policy
  /** Ukraine track: the date of the referral's pinned or planned group meeting, if any. */
  readonly groupMeetingOn?: IsoDate
}

/**
 * One rule's word on a referral: it blocks it with a reason, or it bounds the first session's
 * window. `ifEmpty` is what to tell the municipality when this rule's bound leaves no date.
 */
export type RuleVerdict =
  | {
      readonly ok: true
      readonly earliest?: IsoDate
      readonly latest?: IsoDate
      readonly deadline?: IsoDate | null
      readonly needsGroupMeeting?: boolean
      /** The window must reach this date, though earliest stays put (the engine places what comes first). */
      readonly mustReach?: IsoDate
      readonly ifEmpty?: Blocked
    }
  | ({ readonly ok: false } & Blocked)

/** A reason, its English detail, and the same as data for rendering in a language. */
export type Blocked = { readonly reason: Reason; readonly detail: string; readonly explanation: Explanation }

export type Rule = {
  /** The rule's name as it appears in explanations. */
  readonly name: string
  readonly apply: (referral: Referral, ctx: RuleContext) => RuleVerdict
}

export const PASS: RuleVerdict = { ok: true }
