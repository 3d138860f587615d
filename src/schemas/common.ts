import { z } from 'zod'
import { PRIORITY_RULES, REASONS, TRACKS } from '../../solver/types.ts'

/**
 * The dates the service works with: from the first settlements any replay looks back at to the end
 * of this century. Wider dates were accepted before and gave 500s or horizons in year 10000; a
 * bound in the schema makes them a 422 (body) or 400 (query string) naming the field.
 */
export const EARLIEST_DATE = '2000-01-01'
export const LATEST_DATE = '2100-12-31'
const DATE_RANGE_MESSAGE = `must be a date from ${EARLIEST_DATE} to ${LATEST_DATE}`
const inRange = (date: string) => date >= EARLIEST_DATE && date <= LATEST_DATE

/** `YYYY-MM-DD`, a real calendar date (2025-02-30 is refused) from EARLIEST_DATE to LATEST_DATE. */
export const IsoDateSchema = z.iso
  .date({ error: 'must be a real date, YYYY-MM-DD' })
  .refine(inRange, { message: DATE_RANGE_MESSAGE, abort: true })

/** ISO 8601 date-time with an offset, e.g. `2025-03-03T09:00:00+01:00`, its date in the same range. */
export const IsoDateTimeSchema = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' })
  .refine((t) => inRange(t.slice(0, 10)), { message: DATE_RANGE_MESSAGE, abort: true })

/** A lone UTF-16 surrogate: JSON can carry one (`"\ud800"`), but it is no character and reads back as U+FFFD. */
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * The paths (`a.b.0`) of every string in a parsed JSON value, keys included, that holds an
 * unpaired surrogate. The app refuses such bodies as 422 before any schema sees them, so no string
 * field stores text that would silently change (or make two different refs look the same).
 */
export function loneSurrogatePaths(value: unknown, path: readonly (string | number)[] = []): string[] {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? [path.join('.')] : []
  if (typeof value !== 'object' || value === null) return []
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
  return entries.flatMap(([k, v]) => [
    ...(typeof k === 'string' && LONE_SURROGATE.test(k) ? [[...path, k].join('.')] : []),
    ...loneSurrogatePaths(v, [...path, k]),
  ])
}

/** `HH:MM`, 00:00 to 24:00. */
export const ClockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM')

/** A Norwegian municipality number: four digits. */
export const MunicipalityNumberSchema = z.string().regex(/^\d{4}$/, 'must be a four-digit municipality number')

export const TrackSchema = z.enum(TRACKS)

export const ReasonSchema = z.enum(REASONS)

export const PriorityRuleSchema = z.enum(PRIORITY_RULES)
