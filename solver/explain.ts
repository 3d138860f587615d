// Why a referral got no session, or none before its deadline, in words a municipality understands.

import type { ModelReferral } from './model.ts'
import type { Ranked } from './priority.ts'
import { RULE_WORDS, ruleKey } from './priority.ts'
import type { Explanation, IsoDate, PriorityRule, Reason } from './types.ts'

export type Why = {
  readonly reason: Reason
  readonly detail: string
  readonly explanation: Explanation
  readonly rule?: PriorityRule
  readonly takenBy?: readonly string[]
}

/** Who holds a first session planned in this run on a counsellor-day, ranked as they were served. */
export type Holder = { readonly id: string; readonly ranked: Ranked; readonly keys: readonly number[] }

/** The rule keys of a request in policy order, computed once: explanations compare many pairs. */
export function keysOf(rules: readonly PriorityRule[], x: Ranked): number[] {
  return rules.map((rule) => ruleKey(rule, x))
}

const NAMED = 3

/**
 * Capacity a referral could have used (`holders`: those on its candidate days up to `until`) went to others. If some
 * of them rank above it, that is `lower-priority`, naming them and the rule that put them first;
 * if none do, there simply was no room: `none` gives the reason and words for that case.
 */
export function explainShortage(
  r: ModelReferral,
  loser: Ranked,
  until: IsoDate,
  holders: readonly Holder[],
  rules: readonly PriorityRule[],
  none: Why,
  groupMeetings: number,
): Why {
  const loserKeys = keysOf(rules, loser)
  const byRule = new Map<PriorityRule | 'tie', string[]>()
  for (const h of holders) {
    // The first rule that tells them apart decides; only those ranked above took it from this
    // one (anyone else was placed where it could not go).
    let key: PriorityRule | 'tie' | null = h.id < loser.referral.id ? 'tie' : null
    for (let i = 0; i < rules.length; i++) {
      const w = h.keys[i]!
      const l = loserKeys[i]!
      if (w < l) key = rules[i]!
      if (w !== l) {
        if (w > l) key = null
        break
      }
    }
    if (key === null) continue
    const list = byRule.get(key)
    if (list) list.push(h.id)
    else byRule.set(key, [h.id])
  }
  if (byRule.size === 0) return none
  // The rule that decided for most of them; on a tie the one first in the policy.
  const order = [...rules, 'tie' as const]
  let best: PriorityRule | 'tie' = 'tie'
  let most = -1
  for (const k of order) {
    const n = byRule.get(k)?.length ?? 0
    if (n > most) {
      most = n
      best = k
    }
  }
  const ids = byRule.get(best) ?? []
  const total = [...byRule.values()].reduce((n, l) => n + l.length, 0)
  const examples = ids.slice(0, NAMED).join(', ') + (ids.length > NAMED ? ` and ${ids.length - NAMED} more` : '')
  const span = until === r.window.latest ? `between ${r.window.earliest} and ${until}` : `between ${r.window.earliest} and the deadline ${until}`
  const sessions = `${total} session${total === 1 ? '' : 's'} ${span}`
  const words = best === 'tie' ? 'participants ranked the same under every rule, taken in reference order' : `${RULE_WORDS[best]} (rule: ${best})`
  const whom = ids.length === total ? words : `participants ranked above, ${ids.length} of them ${words}`
  // Named ones only: the full list could run to thousands of ids on a large run.
  const takenBy = ids.slice(0, NAMED)
  const meetings = groupMeetings > 0 ? `; ${groupMeetings} group meeting${groupMeetings === 1 ? '' : 's'} took counsellor time in the same days` : ''
  const detail = `${sessions} went to ${whom}, e.g. ${examples}${meetings}`
  const explanation: Explanation = {
    code: 'lower-priority',
    rule: best,
    from: r.window.earliest,
    until,
    toDeadline: until !== r.window.latest,
    sessions: total,
    decided: ids.length,
    takenBy,
    groupMeetings,
  }
  return best === 'tie' ? { reason: 'lower-priority', detail, explanation, takenBy } : { reason: 'lower-priority', detail, explanation, rule: best, takenBy }
}
