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
})

export const StatsSchema = z
  .object({
    referrals: z.number().int(),
    scheduled: z.number().int(),
    withinDeadline: z.number().int(),
    solveMs: z.number(),
  })
  .passthrough()

/** The contract's proposal object. */
export const ProposalSchema = z.object({
  id: z.string().optional(),
  runDate: IsoDateSchema,
  status: z.enum(['proposed', 'committed', 'stale']),
  sessions: z.array(SessionSchema),
  unassigned: z.array(UnassignedSchema),
  deadlineBreaches: z.array(DeadlineBreachSchema),
  stats: StatsSchema,
})
export type ProposalWire = z.infer<typeof ProposalSchema>
