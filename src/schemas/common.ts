import { z } from 'zod'
import { PRIORITY_RULES, REASONS, TRACKS } from '../../solver/types.ts'

/** `YYYY-MM-DD`, a real calendar date (2025-02-30 is refused). */
export const IsoDateSchema = z.iso.date({ error: 'must be a real date, YYYY-MM-DD' })

/** ISO 8601 date-time with an offset, e.g. `2025-03-03T09:00:00+01:00`. */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' })

/** `HH:MM`, 00:00 to 24:00. */
export const ClockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM')

/** A Norwegian municipality number: four digits. */
export const MunicipalityNumberSchema = z.string().regex(/^\d{4}$/, 'must be a four-digit municipality number')

export const TrackSchema = z.enum(TRACKS)

export const ReasonSchema = z.enum(REASONS)

export const PriorityRuleSchema = z.enum(PRIORITY_RULES)
