import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'

/** Today's date in Europe/Oslo, the centre's calendar (the server may run in UTC). */
export function todayInOslo(now: Date = new Date()): string {
  return format(new TZDate(now, 'Europe/Oslo'), 'yyyy-MM-dd')
}

/** The start of a date in Oslo as a UTC instant; sessions are compared by their UTC columns. */
export function osloMidnightUtc(date: string): string {
  // A date's midnight in Oslo is 23:00 or 22:00 UTC the day before; +01:00 and a one-hour margin
  // would be wrong across DST, so ask Intl for the actual offset.
  const probe = new Date(`${date}T12:00:00Z`)
  const hourInOslo = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', hour: '2-digit', hourCycle: 'h23' }).format(probe))
  return new Date(Date.parse(`${date}T00:00:00Z`) - (hourInOslo - 12) * 3_600_000).toISOString()
}
