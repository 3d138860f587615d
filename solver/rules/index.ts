// Eligibility: the rules that decide whether, and between which dates, a referral's first session
// can be planned in this run. Applied in order; the first that blocks decides the reason.

import type { Eligibility, Referral } from '../types.ts'
import { competenceMapping } from './competence-mapping.ts'
import { deadline, deadlineOf } from './deadline.ts'
import { deferral } from './deferral.ts'
import { groupMeetingFirst } from './group-meeting-first.ts'
import { leadTime } from './lead-time.ts'
import { programmeEnd } from './programme-end.ts'
import type { Rule, RuleContext } from './rule.ts'
import { trackInForce } from './track-in-force.ts'

export type { Rule, RuleContext, RuleVerdict } from './rule.ts'
export { competenceMapping, deadline, deadlineOf, deferral, groupMeetingFirst, leadTime, programmeEnd, trackInForce }

/** The eligibility rules in the order they are applied, by their names in explanations. */
export const ELIGIBILITY_RULES: readonly Rule[] = [
  { name: 'track-in-force', apply: trackInForce },
  { name: 'deferral', apply: deferral },
  { name: 'competence-mapping', apply: competenceMapping },
  { name: 'programme-end', apply: programmeEnd },
  { name: 'lead-time', apply: leadTime },
  { name: 'group-meeting-first', apply: groupMeetingFirst },
  { name: 'deadline', apply: deadline },
]

/**
 * Whether the referral's first session can be planned in this run, and its window; or why not.
 * The window starts as [runDate, horizonEnd]; each rule may block, or narrow it. A rule whose
 * bound leaves the window empty gives the reason, since it is the one that closed it.
 */
export function eligibility(referral: Referral, ctx: RuleContext): Eligibility {
  let earliest = ctx.runDate
  let latest = ctx.horizonEnd
  let deadlineDate: string | null = null
  let needsGroupMeeting = false
  for (const rule of ELIGIBILITY_RULES) {
    const v = rule.apply(referral, ctx)
    if (!v.ok) return v
    if (v.earliest !== undefined && v.earliest > earliest) earliest = v.earliest
    if (v.latest !== undefined && v.latest < latest) latest = v.latest
    if (v.deadline !== undefined) deadlineDate = v.deadline
    if (v.needsGroupMeeting) needsGroupMeeting = true
    const reach = v.mustReach ?? earliest
    if ((earliest > latest || reach > latest) && v.ifEmpty) return { ok: false, ...v.ifEmpty }
  }
  return {
    ok: true,
    window: { earliest, latest, deadline: deadlineDate },
    needsGroupMeeting,
    minutes: ctx.policy.sessionMinutes[referral.track],
  }
}
