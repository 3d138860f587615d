import { z } from 'zod'
import { IsoDateSchema, IsoDateTimeSchema, PriorityRuleSchema, ReasonSchema } from './common.ts'

export const IndividualSessionSchema = z.object({
  id: z.string().optional(),
  referralId: z.string(),
  counsellorId: z.string(),
  kind: z.enum(['individual', 'followup']),
  start: IsoDateTimeSchema,
  end: IsoDateTimeSchema,
  interpreterOrderBy: IsoDateTimeSchema.optional(),
  advisorAttends: z.boolean().optional().describe('false when the participant has not consented to the advisor attending: no invitation goes to the advisor'),
  pinned: z.boolean().optional(),
})

export const GroupSessionSchema = z.object({
  id: z.string().optional(),
  referralIds: z.array(z.string()).min(1),
  counsellorId: z.string(),
  kind: z.literal('group'),
  language: z.string(),
  start: IsoDateTimeSchema,
  end: IsoDateTimeSchema,
  interpreterOrderBy: IsoDateTimeSchema,
  pinned: z.boolean().optional(),
})

export const SessionSchema = z.union([IndividualSessionSchema, GroupSessionSchema])
export type SessionWire = z.infer<typeof SessionSchema>

export const UnassignedSchema = z.object({
  referralId: z.string(),
  reason: ReasonSchema,
  detail: z.string(),
  rule: PriorityRuleSchema.optional(),
  takenBy: z.array(z.string()).optional(),
})

export const DeadlineBreachSchema = z.object({
  referralId: z.string(),
  deadline: IsoDateSchema,
  plannedOn: IsoDateSchema.nullable(),
  reason: ReasonSchema,
  detail: z.string(),
  rule: PriorityRuleSchema.optional(),
})

/** A second meeting (`meetings: 2`) this proposal does not plan, and why. */
export const FollowupUnplannedSchema = z.object({ referralId: z.string(), reason: ReasonSchema, detail: z.string() })

export const StatsSchema = z
  .object({
    referrals: z.number().int().describe('referrals in the run'),
    scheduled: z.number().int().describe('referrals with a first session in this proposal or already booked'),
    withinDeadline: z.number().int().describe('ordinary referrals whose first session lies on or before their deadline'),
    solveMs: z.number(),
    method: z.enum(['flow', 'greedy']).describe('flow: the optimiser; greedy: the hand-coordinator baseline'),
    outcome: z.enum(['optimal', 'feasible', 'timedout']).describe('optimal for its model, a feasible baseline, or cut short by the time limit (greedy finished the rest)'),
    sessions: z.number().int().describe('new sessions in this proposal'),
    groupMeetings: z.number().int(),
    followups: z.number().int(),
    groupMethod: z.enum(['lp', 'greedy', 'mixed']).optional().describe('how group meetings were formed: lp (javascript-lp-solver), greedy, or mixed when a language fell back'),
    followupsPending: z.number().int().optional().describe('second meetings not planned in this horizon'),
    unassigned: z.number().int(),
    deadlineBreaches: z.number().int(),
    objective: z
      .array(z.object({ rule: PriorityRuleSchema, value: z.number().int(), bound: z.number().int().optional() }))
      .readonly()
      .describe('per priority rule, in policy order: referrals that rule favours which were served, and a proven upper bound where the method gives one'),
  })
  .passthrough()

/** One disrupted booking in a repair (or released by a plan run): where it was, where it goes, what it costs the interpreter service. */
export const ChangeSchema = z.object({
  sessionId: z.string(),
  from: z.object({ counsellorId: z.string(), start: IsoDateTimeSchema }),
  to: z.object({ counsellorId: z.string(), start: IsoDateTimeSchema }).nullable().describe('null: no place in the participant\'s window; commit cancels the booking'),
  interpreterReorder: z.boolean().describe('the time changes: order the interpreter anew'),
  lateCancellation: z.boolean().describe("moving or cancelling it now is later than the interpreter service's cancellation notice (billed)"),
})

/** The contract's proposal object. */
export const ProposalSchema = z.object({
  id: z.string().optional(),
  runDate: IsoDateSchema,
  status: z.enum(['proposed', 'committed', 'stale']),
  sessions: z.array(SessionSchema),
  unassigned: z.array(UnassignedSchema),
  deadlineBreaches: z.array(DeadlineBreachSchema),
  followupsUnplanned: z.array(FollowupUnplannedSchema).default([]).describe('second meetings not planned in this proposal, with why (programme-ended when one can never fit)'),
  policyVersion: z.string().optional().describe('validFrom of the policy version the run used'),
  stats: StatsSchema,
  changes: z.array(ChangeSchema).optional().describe('mode repair, or disrupted bookings a plan run releases: each booking moved in place (same session id) or cancelled at commit'),
})
export type ProposalWire = z.infer<typeof ProposalSchema>
