import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'

/** Today's date in Europe/Oslo, the centre's calendar (the server may run in UTC). */
export function todayInOslo(now: Date = new Date()): string {
  return format(new TZDate(now, 'Europe/Oslo'), 'yyyy-MM-dd')
}
