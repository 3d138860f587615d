// The ordered prioritisation rules (contract: deadline, threatened-industry, programme-time,
// waiting-time, and waiting-limit right after deadline). First rule first: a lower rule only
// breaks ties of the rules above it.

import { dayNumber } from './calendar.ts'
import type { IsoDate, Policy, PriorityRule, Referral } from './types.ts'

/** What the rules look at: the referral, its deadline, and whether it asks for a date on or before it. */
export type Ranked = {
  readonly referral: Referral
  readonly deadline: IsoDate | null
  /** The request asks for a date on or before the deadline (an ordinary referral that can still make it). */
  readonly withinDeadline: boolean
  /** Waited longer than the policy's maxWaitWeeks at the run date (`waiting-limit`). */
  readonly overdue?: boolean
}

/**
 * The rules a run ranks by: the policy's order with `waiting-limit` right after `deadline` (first
 * when the coordinator dropped `deadline`), unless the policy places it itself. Without it a
 * referral with no threatened industry and a long programme could wait indefinitely, and everyone
 * referred shall get guidance (004).
 */
export function rankingRules(policy: Pick<Policy, 'priority'>): readonly PriorityRule[] {
  const rules = policy.priority
  if (rules.includes('waiting-limit')) return rules
  const at = rules.indexOf('deadline') + 1
  return [...rules.slice(0, at), 'waiting-limit', ...rules.slice(at)]
}

/** `waiting-limit`: waiting since referredOn, or the end of a later deferral, for more than maxWaitWeeks at the run date. */
export function waitedTooLong(referral: Referral, runDate: IsoDate, policy: Pick<Policy, 'maxWaitWeeks'>): boolean {
  const since = referral.deferredUntil !== undefined && referral.deferredUntil > referral.referredOn ? referral.deferredUntil : referral.referredOn
  return dayNumber(runDate) - dayNumber(since) > 7 * policy.maxWaitWeeks
}

/** A rule's key for one request: smaller ranks higher. */
export function ruleKey(rule: PriorityRule, x: Ranked): number {
  switch (rule) {
    case 'deadline':
      // Keep as many as possible within their deadline, most urgent first; the rest tie here.
      return x.withinDeadline && x.deadline !== null ? dayNumber(x.deadline) : Infinity
    case 'waiting-limit':
      return x.overdue === true ? 0 : 1
    case 'threatened-industry':
      return x.referral.threatenedIndustry ? 0 : 1
    case 'programme-time':
      // A session after the programme is of no use: those ending sooner go first; none = last.
      return x.referral.programmeEndsOn !== undefined ? dayNumber(x.referral.programmeEndsOn) : Infinity
    case 'waiting-time':
      return dayNumber(x.referral.referredOn)
  }
}

/** Negative when a ranks above b under the policy's rule order; the referral id breaks ties, so the order is total. */
export function compareRanked(rules: readonly PriorityRule[], a: Ranked, b: Ranked): number {
  for (const rule of rules) {
    const d = ruleKey(rule, a) - ruleKey(rule, b)
    if (d !== 0 && !Number.isNaN(d)) return d
  }
  return a.referral.id < b.referral.id ? -1 : a.referral.id > b.referral.id ? 1 : 0
}

/** The first rule in policy order that ranks `winner` above `loser`; undefined when only the tie-break did. */
export function decisiveRule(rules: readonly PriorityRule[], winner: Ranked, loser: Ranked): PriorityRule | undefined {
  for (const rule of rules) {
    const w = ruleKey(rule, winner)
    const l = ruleKey(rule, loser)
    if (w < l) return rule
    if (w > l) return undefined
  }
  return undefined
}

/**
 * What each rule of the policy sees in a referral, in rule order, e.g. `threatened industry
 * (hotel); programme ends 2020-12-31; referred 2020-10-02`: why it ranks where it does. Rules with
 * nothing to say of it (not threatened, no deadline, no programme end) are left out.
 */
export function priorityFacts(rules: readonly PriorityRule[], referral: Referral, deadline: IsoDate | null): string {
  const facts = rules.map((rule) => {
    switch (rule) {
      case 'deadline':
        return deadline !== null ? `deadline ${deadline}` : undefined
      case 'waiting-limit':
        return undefined
      case 'threatened-industry':
        return referral.threatenedIndustry ? `threatened industry${referral.targetIndustry !== undefined ? ` (${referral.targetIndustry})` : ''}` : undefined
      case 'programme-time':
        return referral.programmeEndsOn !== undefined ? `programme ends ${referral.programmeEndsOn}` : undefined
      case 'waiting-time':
        return `referred ${referral.referredOn}`
    }
  })
  return facts.filter((f) => f !== undefined).join('; ')
}

/** Whom a rule favours, in words a municipality understands. */
export const RULE_WORDS: Readonly<Record<PriorityRule, string>> = {
  deadline: 'participants who could still be seen before their deadline, more urgent ones first',
  'waiting-limit': 'participants who have waited longer than the policy allows',
  'threatened-industry': 'participants aiming at an industry threatened by the crisis',
  'programme-time': 'participants whose introduction programme ends sooner',
  'waiting-time': 'participants referred earlier',
}
