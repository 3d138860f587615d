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
 * The run's first sessions ranked once (keys in policy order, then id). The holders ranked above
 * a referral are a prefix of that order, and those a given rule decided for are one stretch of
 * it, so an explanation counts them with binary searches instead of comparing every pair: a
 * county-size run explains thousands of referrals against thousands of sessions, and that
 * comparison was most of a large run's time.
 */
export class PlacedRanks {
  private readonly sorted: readonly Holder[]
  private readonly rankOf = new Map<Holder, number>()

  constructor(holders: readonly Holder[]) {
    this.sorted = [...holders].sort((x, y) => {
      for (let i = 0; i < x.keys.length; i++) if (x.keys[i] !== y.keys[i]) return x.keys[i]! < y.keys[i]! ? -1 : 1
      return x.id < y.id ? -1 : x.id > y.id ? 1 : 0
    })
    this.sorted.forEach((h, i) => this.rankOf.set(h, i))
  }

  rank(h: Holder): number {
    return this.rankOf.get(h)!
  }

  /** First rank in [lo, hi) where `before` no longer holds. */
  private boundary(lo: number, hi: number, before: (h: Holder) => boolean): number {
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (before(this.sorted[mid]!)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The ranks above the loser, as one stretch [lo, hi) per deciding rule (`tie`: only the reference order did). */
  above(rules: readonly PriorityRule[], loserKeys: readonly number[], loserId: string): { rule: PriorityRule | 'tie'; lo: number; hi: number }[] {
    const out: { rule: PriorityRule | 'tie'; lo: number; hi: number }[] = []
    let lo = 0
    let hi = this.sorted.length
    // [lo, hi): the holders equal to the loser on the rules before i.
    for (let i = 0; i <= rules.length && lo < hi; i++) {
      const k = loserKeys[i]
      const below = i < rules.length ? this.boundary(lo, hi, (h) => h.keys[i]! < k!) : this.boundary(lo, hi, (h) => h.id < loserId)
      if (below > lo) out.push({ rule: i < rules.length ? rules[i]! : 'tie', lo, hi: below })
      if (i === rules.length) break
      lo = below
      hi = this.boundary(lo, hi, (h) => h.keys[i]! <= k!)
    }
    return out
  }
}

/** Where an explanation looks for sessions that took the time: how many in a stretch of ranks, and the first few in list order. */
export interface Taken {
  readonly ranks: PlacedRanks
  count(lo: number, hi: number): number
  first(lo: number, hi: number, n: number): string[]
}

/** The first position in `sorted` holding x or more. */
function lowerBound(sorted: Int32Array, x: number): number {
  let a = 0
  let b = sorted.length
  while (a < b) {
    const mid = (a + b) >> 1
    if (sorted[mid]! < x) a = mid + 1
    else b = mid
  }
  return a
}

/** How many of the sorted ranks fall in [lo, hi). */
function countIn(sorted: Int32Array, lo: number, hi: number): number {
  return lowerBound(sorted, hi) - lowerBound(sorted, lo)
}

/** Sessions on any set of counsellor-days, in the order given. */
export class HolderList implements Taken {
  private readonly sortedRanks: Int32Array
  constructor(
    readonly ranks: PlacedRanks,
    private readonly holders: readonly Holder[],
  ) {
    this.sortedRanks = Int32Array.from(holders, (h) => ranks.rank(h)).sort()
  }
  count(lo: number, hi: number): number {
    return countIn(this.sortedRanks, lo, hi)
  }
  first(lo: number, hi: number, n: number): string[] {
    const ids: string[] = []
    for (const h of this.holders) {
      if (ids.length === n) break
      const r = this.ranks.rank(h)
      if (r >= lo && r < hi) ids.push(h.id)
    }
    return ids
  }
}

/**
 * Sessions on every counsellor-day of a run of dates, by date: a referral's candidate days up to a
 * date are all the days of its window's dates up to it, so one sorted array per date counts them.
 */
export class DateHolders {
  private readonly sortedByDate: Int32Array[]
  constructor(
    readonly ranks: PlacedRanks,
    private readonly onDay: ReadonlyMap<number, readonly Holder[]>,
    dates: readonly { readonly days: readonly number[] }[],
  ) {
    this.sortedByDate = dates.map((t) => Int32Array.from(t.days.flatMap((d) => onDay.get(d) ?? []), (h) => ranks.rank(h)).sort())
  }

  /** The sessions on these candidates' days on the dates from..until (date indices), named in the candidates' order. */
  within(candidates: readonly { readonly date: number; readonly days: readonly number[] }[], from: number, until: number): Taken {
    const { ranks, sortedByDate, onDay } = this
    return {
      ranks,
      count(lo, hi) {
        let n = 0
        for (let t = from; t <= until; t++) n += countIn(sortedByDate[t]!, lo, hi)
        return n
      },
      first(lo, hi, n) {
        const ids: string[] = []
        for (const c of candidates) {
          if (ids.length === n) break
          if (c.date < from || c.date > until || countIn(sortedByDate[c.date]!, lo, hi) === 0) continue
          for (const d of c.days)
            for (const h of onDay.get(d) ?? []) {
              const r = ranks.rank(h)
              if (ids.length < n && r >= lo && r < hi) ids.push(h.id)
            }
        }
        return ids
      },
    }
  }
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
  holders: Taken,
  rules: readonly PriorityRule[],
  none: Why,
  meetings: readonly MeetingHolder[] = [],
): Why {
  const loserKeys = keysOf(rules, loser)
  // Only those ranked above took it from this one (anyone else was placed where it could not go).
  const byRule = new Map<PriorityRule | 'tie', { count: number; lo: number; hi: number }>()
  for (const { rule, lo, hi } of holders.ranks.above(rules, loserKeys, loser.referral.id)) {
    const count = holders.count(lo, hi)
    if (count > 0) byRule.set(rule, { count, lo, hi })
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
    const n = (byRule.get(k)?.count ?? 0) + (meetingsBy.get(k)?.length ?? 0)
    if (n > most) {
      most = n
      best = k
    }
  }
  const decider = byRule.get(best)
  const decided = decider?.count ?? 0
  const ids = decider ? holders.first(decider.lo, decider.hi, NAMED) : []
  const total = [...byRule.values()].reduce((n, l) => n + l.count, 0)
  const taken = [...meetingsBy.values()].flat().sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.language < b.language ? -1 : a.language > b.language ? 1 : 0))
  const span = until === window.latest ? `between ${window.earliest} and ${until}` : `between ${window.earliest} and the deadline ${until}`
  const words = best === 'tie' ? 'participants ranked the same under every rule, taken in reference order' : `${RULE_WORDS[best]} (rule: ${best})`
  const whom = decided === total ? words : `participants ranked above, ${decided} of them ${words}`
  const named = taken.slice(0, NAMED).map((g) => `${g.language}, ${g.on}`)
  const meetingWords = `group meeting${taken.length === 1 ? '' : 's'} (${named.join('; ')}${taken.length > NAMED ? `; and ${taken.length - NAMED} more` : ''})`
  const examples = ids.join(', ') + (decided > NAMED ? ` and ${decided - NAMED} more` : '')
  const detail =
    total === 0
      ? `the counsellor time ${span} went to the ${meetingWords} of ${whom}`
      : `${total} session${total === 1 ? '' : 's'} ${span} went to ${whom}, e.g. ${examples}${taken.length > 0 ? `; the ${meetingWords} of participants ranked above took counsellor time on the same days` : ''}`
  // Named ones only: the full list could run to thousands of ids on a large run.
  const takenBy = ids
  const explanation: Explanation = {
    code: 'lower-priority',
    rule: best,
    from: window.earliest,
    until,
    toDeadline: until !== window.latest,
    sessions: total,
    decided,
    takenBy,
    groupMeetings: taken.length,
    meetings: taken.map((g) => ({ language: g.language, on: g.on })),
  }
  return best === 'tie' ? { reason: 'lower-priority', detail, explanation, takenBy } : { reason: 'lower-priority', detail, explanation, rule: best, takenBy }
}
