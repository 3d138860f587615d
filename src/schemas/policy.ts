import { z } from 'zod'
import { ClockTimeSchema, IsoDateSchema, PriorityRuleSchema } from './common.ts'

const perTrack = z.strictObject({
  ordinary: z.number().int().min(0).max(365).optional(),
  ukraine: z.number().int().min(0).max(365).optional(),
  corona: z.number().int().min(0).max(365).optional(),
})
const minutesPerTrack = z.strictObject({
  ordinary: z.number().int().min(15).max(480).optional(),
  ukraine: z.number().int().min(15).max(480).optional(),
  corona: z.number().int().min(15).max(480).optional(),
})

const TrackPeriodSchema = z
  .strictObject({ from: IsoDateSchema, until: IsoDateSchema.optional() })
  .refine((p) => p.until === undefined || p.until >= p.from, { message: 'until must not be before from', path: ['until'] })
  .describe('the days the track\'s law is in force, until inclusive')

/** `MM-DD`, a day closed every year. */
const YearlyDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD, e.g. 12-24')

/** An interpreter service's terms: which languages it serves and its cancellation notice (clock or working hours). */
export const InterpreterServiceSchema = z.strictObject({
  name: z.string().min(1).max(100),
  languages: z.array(z.string().min(2).max(8)).optional(),
  cancellationHours: z.number().min(0).max(720).optional(),
  cancellationWorkingHours: z.number().min(0).max(720).optional(),
})

/** A centre's settings; omitted fields take the defaults in force on the run date. */
export const PolicyInputSchema = z.strictObject({
  deadlineMonths: z.number().int().min(1).max(24).optional(),
  leadDays: perTrack.optional(),
  noticeDays: z.number().int().min(0).max(60).optional(),
  sessionMinutes: minutesPerTrack.optional(),
  groupMeeting: z
    .strictObject({
      minutes: z.number().int().min(30).max(480).optional(),
      maxParticipants: z.number().int().min(1).max(50).optional(),
      daysBeforeIndividual: z.number().int().min(0).max(60).optional(),
    })
    .optional(),
  secondMeetingGapDays: z.number().int().min(0).max(365).optional(),
  lateCancellationHours: z.number().min(0).max(240).optional(),
  noteDueDays: z.number().int().min(0).max(60).optional(),
  interpreterNoticeDays: z.number().int().min(0).max(30).optional(),
  priority: z
    .array(PriorityRuleSchema)
    .refine((rules) => new Set(rules).size === rules.length, 'each rule at most once')
    .optional(),
  workingDay: z.strictObject({ start: ClockTimeSchema.optional(), end: ClockTimeSchema.optional() }).optional(),
  closedDates: z.array(IsoDateSchema).max(1000).optional().describe('dates the centre is closed besides public holidays'),
  closedDays: z.array(YearlyDaySchema).max(366).optional().describe('MM-DD days closed every year; default ["12-24", "12-31"]'),
  maxWaitWeeks: z.number().int().min(1).max(104).optional().describe('past this wait a referral ranks right after the deadline rule (waiting-limit)'),
  trackPeriods: z.strictObject({ ordinary: TrackPeriodSchema.optional(), ukraine: TrackPeriodSchema.optional(), corona: TrackPeriodSchema.optional() }).optional(),
  interpreterServices: z.array(InterpreterServiceSchema).max(50).optional(),
})
export type PolicyInputWire = z.infer<typeof PolicyInputSchema>
