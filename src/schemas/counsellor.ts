import { z } from 'zod'
import { ClockTimeSchema, IsoDateSchema, MunicipalityNumberSchema } from './common.ts'

export const WeeklyHoursSchema = z
  .strictObject({ weekday: z.number().int().min(1).max(7), start: ClockTimeSchema, end: ClockTimeSchema })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] })

export const AbsenceSchema = z
  .strictObject({ from: IsoDateSchema, to: IsoDateSchema, reason: z.enum(['sick', 'leave', 'other']) })
  .refine((a) => a.from <= a.to, { message: 'from must be on or before to', path: ['to'] })

/**
 * Bounds on a counsellor's lists: generous for any real person (a county has at most about 50
 * municipalities; a week holds a few windows a day; years of absences), and small enough that a
 * capacity query over them stays quick. Unbounded, 50,000 weekly windows held the server for 34 s.
 */
export const COUNSELLOR_LIMITS = { municipalities: 100, weekly: 50, absences: 1000 } as const

const counsellorFields = {
  name: z.string().min(1).max(200),
  municipalities: z.array(MunicipalityNumberSchema).max(COUNSELLOR_LIMITS.municipalities, `at most ${COUNSELLOR_LIMITS.municipalities} municipalities`).default([]),
  weekly: z.array(WeeklyHoursSchema).max(COUNSELLOR_LIMITS.weekly, `at most ${COUNSELLOR_LIMITS.weekly} weekly windows (merge adjacent ones)`),
  absences: z.array(AbsenceSchema).max(COUNSELLOR_LIMITS.absences, `at most ${COUNSELLOR_LIMITS.absences} absences (merge adjacent ones)`).default([]),
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
