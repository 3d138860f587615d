import { z } from 'zod'
import { ClockTimeSchema, PriorityRuleSchema } from './common.ts'

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
})
export type PolicyInputWire = z.infer<typeof PolicyInputSchema>
