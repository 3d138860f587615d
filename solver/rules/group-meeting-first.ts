import { addDays } from '../calendar.ts'
import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'
import { PASS } from './rule.ts'

/**
 * `group-meeting-first`: on the ukraine track the participant attends a group meeting before the
 * individual session, which comes groupMeeting.daysBeforeIndividual days later (000). The
 * participant's own overview, e-mailed at least 2 days before, needs no rule of its own: the
 * 14-day lead time leaves room for it.
 */
export function groupMeetingFirst(referral: Referral, ctx: RuleContext): RuleVerdict {
  if (referral.track !== 'ukraine' || referral.groupMeetingDone) return PASS
  const gap = ctx.policy.groupMeeting.daysBeforeIndividual
  if (ctx.groupMeetingOn !== undefined) {
    const earliest = addDays(ctx.groupMeetingOn, gap)
    return {
      ok: true,
      earliest,
      ifEmpty: {
        reason: 'awaiting-group-meeting',
        detail: `the group meeting is on ${ctx.groupMeetingOn}; the individual session comes ${gap} days later, ${earliest}, which is too late in this run`,
        explanation: { code: 'group-meeting-booked', on: ctx.groupMeetingOn, gap, earliest },
      },
    }
  }
  // The run plans the group meeting itself. The meeting always has an interpreter, so it cannot
  // come before the track's lead time; the individual session then needs the gap on top.
  const earliest = addDays(ctx.runDate, ctx.policy.leadDays.ukraine + gap)
  return {
    ok: true,
    needsGroupMeeting: true,
    mustReach: earliest,
    ifEmpty: {
      reason: 'awaiting-group-meeting',
      detail: `a group meeting must come first (an interpreter ordered ${ctx.policy.leadDays.ukraine} days ahead), then the individual session ${gap} days later, no earlier than ${earliest}, which is too late in this run`,
      explanation: { code: 'group-meeting-needed', leadDays: ctx.policy.leadDays.ukraine, gap, earliest },
    },
  }
}
