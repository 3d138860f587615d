import { z } from 'zod'
import { IsoDateSchema } from './common.ts'
import { ScenarioSchema } from './scenario.ts'

/** A replay is an API call up to this many referrals (it computes in a worker, one at a time); beyond, it is a batch job for `tildeling replay`. */
export const MAX_REPLAY_REFERRALS = 20_000

/** `POST /v1/replays`: a scenario (participant data is accepted and ignored; the engine never sees it). */
export const ReplayBodySchema = ScenarioSchema
export type ReplayBody = z.infer<typeof ReplayBodySchema>

export const ReplayQuerySchema = z.object({
  policy: z
    .string()
    .regex(/^(fifo|edf|optimised|corona-2020)(,(fifo|edf|optimised|corona-2020))*$/, 'comma-separated built-in policies: fifo, edf, optimised, corona-2020')
    .optional()
    .describe("default: the scenario's policy, else optimised"),
  seed: z.coerce.number().int().optional().describe("overrides the scenario's seed for no-shows and cancellations"),
})

const share = z.number().min(0).max(1).nullable()
const DistributionSchema = z.object({ n: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() })

export const WeekMetricsSchema = z.object({
  week: IsoDateSchema,
  newReferrals: z.number().int(),
  known: z.number().int(),
  backlog: z.number().int(),
  sessionsHeld: z.number().int(),
  firstSessionsHeld: z.number().int(),
  groupMeetingsHeld: z.number().int(),
  hoursHeld: z.number(),
  availableHours: z.number(),
  utilisation: z.number().nullable(),
  cancellations: z.number().int(),
  lateCancellations: z.number().int(),
  noShows: z.number().int(),
  interpreterOrders: z.number().int(),
  solveMs: z.number(),
  withinDeadlineShareToDate: share,
  withinTargetShareToDate: share,
})

/** One policy's figures: aggregates only, no referral ids or personal data (fit for analysts). */
export const ReplayMetricsSchema = z.object({
  policy: z.string(),
  method: z.enum(['flow', 'greedy']),
  seed: z.number().int(),
  from: IsoDateSchema,
  to: IsoDateSchema,
  accounts: z.object({
    referrals: z.number().int(),
    held: z.number().int(),
    booked: z.number().int(),
    pending: z.number().int(),
    pendingByReason: z.record(z.string(), z.number().int()),
    withdrawn: z.number().int(),
  }),
  ordinary: z.object({ referrals: z.number().int(), decided: z.number().int(), withinDeadline: z.number().int(), share }),
  target: z.object({
    referrals: z.number().int(),
    decided: z.number().int(),
    withinTarget: z.number().int(),
    share,
    bases: z.object({ ordinary: z.string(), corona: z.string(), ukraine: z.string() }).describe('what each track is counted against'),
  }),
  daysToFirstSession: DistributionSchema,
  waitingDays: z.record(z.string(), DistributionSchema.extend({ pending: z.number().int() })),
  sessionsHeld: z.number().int(),
  hoursHeld: z.number(),
  availableHours: z.number(),
  utilisation: z.number().nullable(),
  cancellations: z.number().int(),
  lateCancellations: z.number().int(),
  noShows: z.number().int(),
  interpreterOrders: z.record(z.string(), z.number().int()),
  solveMs: z.number(),
  weeks: z.array(WeekMetricsSchema).readonly(),
})

export const ReplayResultSchema = z.object({ scenario: z.string(), policies: z.array(ReplayMetricsSchema).readonly() })

export const CapacityQuerySchema = z.object({
  from: IsoDateSchema.optional().describe('default: today'),
  to: IsoDateSchema.optional().describe('default: from + 12 weeks'),
})

export const CapacityTableSchema = z.object({
  from: IsoDateSchema,
  to: IsoDateSchema,
  weeks: z.array(
    z.object({
      week: IsoDateSchema,
      due: z.number().int(),
      neededHours: z.number(),
      availableHours: z.number(),
      cumulativeNeeded: z.number(),
      cumulativeAvailable: z.number(),
      shortfallHours: z.number(),
    }),
  ).readonly(),
  neededHours: z.number(),
  availableHours: z.number(),
  peakShortfallHours: z.number(),
  worstWindow: z
    .object({ from: IsoDateSchema, to: IsoDateSchema, neededHours: z.number(), availableHours: z.number() })
    .nullable()
    .describe('the run of weeks with the largest shortfall: hours its referrals (known and due within it) needed against the hours in it'),
  missingCounsellorDays: z.number().int(),
  unreachableOnArrival: z.number().int(),
  dueAfterPeriod: z.number().int(),
  withdrawn: z.number().int().describe('referrals withdrawn before the week their hours fall in (not counted)'),
  targets: z.object({ ordinary: z.string(), corona: z.string(), ukraine: z.string() }),
})
