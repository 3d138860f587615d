import { z } from 'zod'
import { ClockTimeSchema, IsoDateSchema, IsoDateTimeSchema, MunicipalityNumberSchema, PriorityRuleSchema } from './common.ts'
import { CounsellorIdSchema } from './counsellor.ts'
import { NextCursorSchema, pageQuery } from './page.ts'
import { InterpreterServiceSchema, PolicyInputSchema } from './policy.ts'
import { ProposalSchema, SessionSchema, StatsSchema } from './session.ts'

/** POST /v1/allocations. */
export const ProposeBodySchema = z.strictObject({
  runDate: IsoDateSchema.optional(),
  horizonWeeks: z.number().int().min(1).max(26).optional(),
  mode: z.enum(['plan', 'repair']).optional().describe('repair: move only the disrupted bookings, with the least change (GET /v1/disruptions lists them); plan (default): the weekly run'),
})

/** A stored proposal always has its id. */
export const StoredProposalSchema = ProposalSchema.extend({ id: z.string() })
export const CommittedProposalSchema = StoredProposalSchema.extend({ booked: z.number().int().describe('sessions booked by this commit') })

export const AllocationStatusSchema = ProposalSchema.shape.status

/** `GET /v1/allocations`: the run history, optionally of one status, a page at a time. */
export const AllocationListQuerySchema = z.strictObject({
  status: AllocationStatusSchema.optional(),
  ...pageQuery('allocations', 2),
})

/** A run in the history: the proposal without its sessions, unassigned and breaches (GET /v1/allocations/:id has them). */
export const AllocationSummarySchema = z.object({
  id: z.string(),
  runDate: IsoDateSchema,
  horizonWeeks: z.number().int(),
  status: AllocationStatusSchema.describe('stale: the centre changed before it was committed; it can no longer be'),
  createdAt: IsoDateTimeSchema,
  committedAt: IsoDateTimeSchema.optional(),
  stats: StatsSchema,
})

/** One page of `GET /v1/allocations`, newest first. */
export const AllocationListSchema = z.object({ allocations: z.array(AllocationSummarySchema), nextCursor: NextCursorSchema })

export const SessionQuerySchema = z.strictObject({
  from: z.union([IsoDateSchema, IsoDateTimeSchema]).optional(),
  to: z.union([IsoDateSchema, IsoDateTimeSchema]).optional(),
  counsellorId: CounsellorIdSchema.optional(),
  municipality: MunicipalityNumberSchema.optional().describe('a municipality key sees only its own, whatever it asks'),
  ...pageQuery('sessions', 2),
})

/** One page of `GET /v1/sessions`, in start order. */
export const StoredSessionListSchema = z.object({ sessions: z.array(SessionSchema), nextCursor: NextCursorSchema })

export const CancelBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) })
export const CancelResultSchema = z.object({
  lateCancellation: z.boolean().describe('true when an interpreted session is cancelled less than lateCancellationHours before it (the interpreter is billed)'),
  alsoCancelled: z
    .array(z.object({ id: z.string(), kind: z.enum(['individual', 'followup', 'group']), start: IsoDateTimeSchema, lateCancellation: z.boolean() }))
    .describe('later sessions that depended on this one, cancelled with it: the members\' individual sessions of a group meeting, the follow-up of a first session'),
})

const InterpreterCapacitySchema = z.record(z.string().min(2).max(8), z.number().int().min(0)).describe('interpreted sessions per language per day')

/** PUT /v1/policy: the centre's settings; omitted fields take the defaults in force. */
export const PolicyBodySchema = PolicyInputSchema.extend({
  interpreterCapacity: InterpreterCapacitySchema.optional(),
  validFrom: IsoDateSchema.optional().describe('the day this version takes effect (default today); a PUT with the same validFrom replaces that version, earlier versions are kept'),
})

/** GET /v1/policy?on=DATE: the version in force on that day (default today). */
export const PolicyQuerySchema = z.strictObject({ on: IsoDateSchema.optional() })

const perTrack = z.object({ ordinary: z.number(), ukraine: z.number(), corona: z.number() })
const trackPeriod = z.object({ from: z.string(), until: z.string().optional() })
/** GET /v1/policy: the effective policy for a run today, and the interpreter capacity if limited. */
export const EffectivePolicySchema = z.object({
  deadlineMonths: z.number(),
  leadDays: perTrack,
  noticeDays: z.number(),
  sessionMinutes: perTrack,
  groupMeeting: z.object({ minutes: z.number(), maxParticipants: z.number(), daysBeforeIndividual: z.number() }),
  secondMeetingGapDays: z.number(),
  lateCancellationHours: z.number(),
  noteDueDays: z.number(),
  interpreterNoticeDays: z.number(),
  priority: z.array(PriorityRuleSchema),
  workingDay: z.object({ start: ClockTimeSchema, end: ClockTimeSchema }),
  closedDates: z.array(z.string()),
  closedDays: z.array(z.string()),
  maxWaitWeeks: z.number(),
  trackPeriods: z.object({ ordinary: trackPeriod, ukraine: trackPeriod, corona: trackPeriod }),
  interpreterServices: z.array(InterpreterServiceSchema).optional(),
  interpreterCapacity: InterpreterCapacitySchema.optional(),
  validFrom: z.string().optional().describe('the first day of the policy version in force'),
})

export type StoredProposal = z.infer<typeof StoredProposalSchema>
export type EffectivePolicy = z.infer<typeof EffectivePolicySchema>
