// Why a referral got no session, or none before its deadline, in words a municipality understands.

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

/** A group meeting of this run, ranked as its highest-ranked member (meeting-order.ts). */
export type MeetingHolder = { readonly language: string; readonly on: IsoDate; readonly keys: readonly number[] }

/** The rule keys of a request in policy order, computed once: explanations compare many pairs. */
export function keysOf(rules: readonly PriorityRule[], x: Ranked): number[] {
  return rules.map((rule) => ruleKey(rule, x))
}

const NAMED = 3

/**
 * The rule that ranks a holder (by its keys) above the loser: the first rule that tells them
 * apart; `tie` when only the reference order did (`idFirst`); null when it does not rank above.
 */
function aboveBy(rules: readonly PriorityRule[], keys: readonly number[], loserKeys: readonly number[], idFirst: boolean): PriorityRule | 'tie' | null {
  for (let i = 0; i < rules.length; i++) {
    const w = keys[i]!
    const l = loserKeys[i]!
    if (w < l) return rules[i]!
    if (w > l) return null
  }
  return idFirst ? 'tie' : null
}

/**
 * Capacity a referral could have used between `window.earliest` and `until` went to others:
 * `holders`, first sessions on its candidate days, and `meetings`, group meetings on those days
 * (their counsellor time and interpreter). If some of them rank above it, that is
 * `lower-priority`, naming the rule that put them first, the referrals (by id, for the renderer
 * to show or count) and the meetings (by language and date); if none do, there simply was no
 * room: `none` gives the reason and words for that case.
 */
export function explainShortage(
  window: { readonly earliest: IsoDate; readonly latest: IsoDate },
  loser: Ranked,
  until: IsoDate,
  holders: readonly Holder[],
  rules: readonly PriorityRule[],
  none: Why,
  meetings: readonly MeetingHolder[] = [],
): Why {
  const loserKeys = keysOf(rules, loser)
  const byRule = new Map<PriorityRule | 'tie', string[]>()
  // Only those ranked above took it from this one (anyone else was placed where it could not go).
  for (const h of holders) {
    const key = aboveBy(rules, h.keys, loserKeys, h.id < loser.referral.id)
    if (key === null) continue
    const list = byRule.get(key)
    if (list) list.push(h.id)
    else byRule.set(key, [h.id])
  }
  // A meeting ranks as its highest-ranked member, who is never the loser: no tie to break.
  const meetingsBy = new Map<PriorityRule | 'tie', MeetingHolder[]>()
  for (const g of meetings) {
    const key = aboveBy(rules, g.keys, loserKeys, true)
    if (key === null) continue
    const list = meetingsBy.get(key)
    if (list) list.push(g)
    else meetingsBy.set(key, [g])
  }
  if (byRule.size === 0 && meetingsBy.size === 0) return none
  // The rule that decided for most of them, sessions and meetings alike; on a tie the one first in the policy.
  const order = [...rules, 'tie' as const]
  let best: PriorityRule | 'tie' = 'tie'
  let most = -1
  for (const k of order) {
    const n = (byRule.get(k)?.length ?? 0) + (meetingsBy.get(k)?.length ?? 0)
    if (n > most) {
      most = n
      best = k
    }
  }
  const ids = byRule.get(best) ?? []
  const total = [...byRule.values()].reduce((n, l) => n + l.length, 0)
  const taken = [...meetingsBy.values()].flat().sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.language < b.language ? -1 : a.language > b.language ? 1 : 0))
  const span = until === window.latest ? `between ${window.earliest} and ${until}` : `between ${window.earliest} and the deadline ${until}`
  const words = best === 'tie' ? 'participants ranked the same under every rule, taken in reference order' : `${RULE_WORDS[best]} (rule: ${best})`
  const whom = ids.length === total ? words : `participants ranked above, ${ids.length} of them ${words}`
  const named = taken.slice(0, NAMED).map((g) => `${g.language}, ${g.on}`)
  const meetingWords = `group meeting${taken.length === 1 ? '' : 's'} (${named.join('; ')}${taken.length > NAMED ? `; and ${taken.length - NAMED} more` : ''})`
  const examples = ids.slice(0, NAMED).join(', ') + (ids.length > NAMED ? ` and ${ids.length - NAMED} more` : '')
  const detail =
    total === 0
      ? `the counsellor time ${span} went to the ${meetingWords} of ${whom}`
      : `${total} session${total === 1 ? '' : 's'} ${span} went to ${whom}, e.g. ${examples}${taken.length > 0 ? `; the ${meetingWords} of participants ranked above took counsellor time on the same days` : ''}`
  // Named ones only: the full list could run to thousands of ids on a large run.
  const takenBy = ids.slice(0, NAMED)
  const explanation: Explanation = {
    code: 'lower-priority',
    rule: best,
    from: window.earliest,
    until,
    toDeadline: until !== window.latest,
    sessions: total,
    decided: ids.length,
    takenBy,
    groupMeetings: taken.length,
    meetings: taken.map((g) => ({ language: g.language, on: g.on })),
  }
  return best === 'tie' ? { reason: 'lower-priority', detail, explanation, takenBy } : { reason: 'lower-priority', detail, explanation, rule: best, takenBy }
}
