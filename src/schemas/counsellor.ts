import { z } from 'zod'
import { ClockTimeSchema, IsoDateSchema, MunicipalityNumberSchema } from './common.ts'

export const WeeklyHoursSchema = z
  .strictObject({ weekday: z.number().int().min(1).max(7), start: ClockTimeSchema, end: ClockTimeSchema })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] })

export const AbsenceSchema = z
  .strictObject({ from: IsoDateSchema, to: IsoDateSchema, reason: z.enum(['sick', 'leave', 'other']) })
  .refine((a) => a.from <= a.to, { message: 'from must be on or before to', path: ['to'] })

const counsellorFields = {
  name: z.string().min(1).max(200),
  municipalities: z.array(MunicipalityNumberSchema).default([]),
  weekly: z.array(WeeklyHoursSchema),
  absences: z.array(AbsenceSchema).default([]),
  employedFrom: IsoDateSchema.optional(),
  employedUntil: IsoDateSchema.optional(),
  maxSessionsPerDay: z.number().int().min(1).max(20).optional(),
}

function checkEmployment(c: { employedFrom?: string | undefined; employedUntil?: string | undefined }, ctx: z.RefinementCtx) {
  if (c.employedFrom && c.employedUntil && c.employedFrom > c.employedUntil) {
    ctx.addIssue({ code: 'custom', path: ['employedUntil'], message: 'employedUntil must be on or after employedFrom' })
  }
}

/** The body of `PUT /v1/counsellors/:id`. */
export const CounsellorInputSchema = z.strictObject(counsellorFields).superRefine(checkEmployment)
export type CounsellorInput = z.infer<typeof CounsellorInputSchema>

export const CounsellorIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . -')

/** A counsellor in a scenario file, or read back: with its id. */
export const CounsellorSchema = z.strictObject({ id: CounsellorIdSchema, ...counsellorFields }).superRefine(checkEmployment)
export type CounsellorWire = z.infer<typeof CounsellorSchema>
