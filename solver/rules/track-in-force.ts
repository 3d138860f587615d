import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'

/**
 * `track-in-force`: a track's rules apply only in their legal period (policy `trackPeriods`:
 * ordinary from 2021, chapter 6A from 15 June 2022, the corona law 2020 to 2022). No session of
 * the track falls outside it; a referral whose track is in force on no day of the horizon waits
 * with `rules-not-in-force`, ahead of any other reason.
 */
export function trackInForce(referral: Referral, ctx: RuleContext): RuleVerdict {
  const period = ctx.policy.trackPeriods[referral.track]
  const why = {
    reason: 'rules-not-in-force' as const,
    detail: `the ${referral.track} track is in force ${period.until !== undefined ? `from ${period.from} to ${period.until}` : `from ${period.from}`}, not in this run's horizon ${ctx.runDate}..${ctx.horizonEnd}`,
    explanation: { code: 'rules-not-in-force' as const, track: referral.track, from: period.from, ...(period.until !== undefined && { until: period.until }) },
  }
  if (period.from > ctx.horizonEnd || (period.until !== undefined && period.until < ctx.runDate)) return { ok: false, ...why }
  return { ok: true, earliest: period.from, ...(period.until !== undefined && { latest: period.until }), ifEmpty: why }
}
