// Dates and times in Europe/Oslo. Dates are 'YYYY-MM-DD' strings; date arithmetic runs on whole
// day numbers (days since 1970-01-01), computed from the string alone, so no local Date or DST can
// shift a day. The engine calls these in hot loops: conversions are memoised and allocation-free.

import type { IsoDate, IsoDateTime } from './types.ts'

const MS_PER_MINUTE = 60_000
const MINUTES_PER_DAY = 1440

// ---- Day numbers (proleptic Gregorian, Howard Hinnant's civil-date algorithms) ----

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468
  const era = Math.floor(zz / 146097)
  const doe = zz - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return { y: m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d }
}

// Both memos stay small: a run touches a few hundred distinct dates at most.
const dayNumberMemo = new Map<string, number>()
const dateMemo = new Map<number, IsoDate>()

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
export function dayNumber(d: IsoDate): number {
  let n = dayNumberMemo.get(d)
  if (n === undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new RangeError(`not a YYYY-MM-DD date: ${d}`)
    n = daysFromCivil(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)))
    dayNumberMemo.set(d, n)
  }
  return n
}

/** The 'YYYY-MM-DD' date of a day number. */
export function fromDayNumber(n: number): IsoDate {
  let s = dateMemo.get(n)
  if (s === undefined) {
    const { y, m, d } = civilFromDays(n)
    s = `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`
    dateMemo.set(n, s)
    dayNumberMemo.set(s, n)
  }
  return s
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return n === 0 ? d : fromDayNumber(dayNumber(d) + n)
}

/** b − a, in days. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumber(b) - dayNumber(a)
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(d: IsoDate): number {
  // Day 0 (1970-01-01) was a Thursday.
  return ((((dayNumber(d) + 3) % 7) + 7) % 7) + 1
}

export function mondayOf(d: IsoDate): IsoDate {
  return addDays(d, 1 - isoWeekday(d))
}

function daysInMonth(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1)
}

/** Calendar months later, clamped to the month's end: 2025-11-30 + 3 months = 2026-02-28. */
export function addMonths(d: IsoDate, n: number): IsoDate {
  const { y, m, d: day } = civilFromDays(dayNumber(d))
  const total = y * 12 + (m - 1) + n
  const ty = Math.floor(total / 12)
  const tm = total - ty * 12 + 1
  return fromDayNumber(daysFromCivil(ty, tm, Math.min(day, daysInMonth(ty, tm))))
}

// ---- Norwegian public holidays ----

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): number {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return daysFromCivil(year, month, day)
}

const holidayMemo = new Map<number, ReadonlySet<number>>()

function holidaySet(year: number): ReadonlySet<number> {
  let set = holidayMemo.get(year)
  if (!set) {
    const easter = easterSunday(year)
    set = new Set([
      daysFromCivil(year, 1, 1),
      easter - 3, // Maundy Thursday
      easter - 2, // Good Friday
      easter,
      easter + 1, // Easter Monday
      daysFromCivil(year, 5, 1),
      daysFromCivil(year, 5, 17),
      easter + 39, // Ascension Day
      easter + 49, // Whit Sunday
      easter + 50, // Whit Monday
      daysFromCivil(year, 12, 25),
      daysFromCivil(year, 12, 26),
    ])
    holidayMemo.set(year, set)
  }
  return set
}

/** The year's Norwegian public holidays (helligdager), sorted. */
export function norwegianPublicHolidays(year: number): IsoDate[] {
  return [...holidaySet(year)].sort((a, b) => a - b).map(fromDayNumber)
}

export function isPublicHoliday(d: IsoDate): boolean {
  return holidaySet(Number(d.slice(0, 4))).has(dayNumber(d))
}

/** Monday to Friday and not a public holiday. */
export function isWorkingDay(d: IsoDate): boolean {
  return isoWeekday(d) <= 5 && !isPublicHoliday(d)
}

/** The days a centre is closed besides public holidays: `closedDates` and yearly `closedDays` (`MM-DD`). */
export type Closing = { readonly closedDates: readonly IsoDate[]; readonly closedDays: readonly string[] }

/** A working day on which the centre is open: nothing is booked or ordered on any other day. */
export function isOpenDay(d: IsoDate, closing: Closing): boolean {
  return isWorkingDay(d) && !closing.closedDays.includes(d.slice(5)) && !closing.closedDates.includes(d)
}

/**
 * The day the interpreter must be ordered for a session on `sessionDate`: the last open day with
 * at least `noticeDays` open days from it up to the session (the order day counts, the session
 * day does not). Session on Monday, 2 days: Thursday; after Easter Monday: the Wednesday before.
 */
export function interpreterOrderDate(sessionDate: IsoDate, noticeDays: number, closing: Closing): IsoDate {
  let n = dayNumber(sessionDate)
  if (noticeDays <= 0) return sessionDate
  for (let counted = 0; ; ) {
    n--
    if (isOpenDay(fromDayNumber(n), closing) && ++counted >= noticeDays) return fromDayNumber(n)
  }
}

/** `interpreterOrderBy` of a session starting at `minute` on `date`: the same time of day on its order day. */
export function interpreterOrderBy(date: IsoDate, minute: number, policy: Closing & { readonly interpreterNoticeDays: number }): IsoDateTime {
  return toOsloDateTime(interpreterOrderDate(date, policy.interpreterNoticeDays, policy), minute)
}

/** The working days in [from, to], inclusive, in order. */
export function workingDaysBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = []
  for (let n = dayNumber(from), end = dayNumber(to); n <= end; n++) {
    const d = fromDayNumber(n)
    if (isWorkingDay(d)) out.push(d)
  }
  return out
}

// ---- Times of day ----

/** '09:30' → 570. */
export function parseHhMm(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s)
  if (!m) throw new RangeError(`not an HH:MM time: ${s}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** 570 → '09:30'. */
export function formatHhMm(minute: number): string {
  return `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`
}

// ---- Europe/Oslo offsets (the EU rule: summer time from 01:00 UTC on the last Sunday of March
// to 01:00 UTC on the last Sunday of October; CET +01:00 otherwise). Computed rather than looked
// up so the hot path needs no Intl; the tests check it against @date-fns/tz. ----

const dstMemo = new Map<number, readonly [start: number, end: number]>()

/** The summer-time interval of a year, in UTC minutes since the epoch. */
function summerTime(year: number): readonly [number, number] {
  let r = dstMemo.get(year)
  if (!r) {
    const lastSunday = (month: number): number => {
      const last = daysFromCivil(year, month, 31)
      return last - ((((last + 3) % 7) + 7) % 7 + 1) % 7 // back to the Sunday (weekday 7)
    }
    r = [lastSunday(3) * MINUTES_PER_DAY + 60, lastSunday(10) * MINUTES_PER_DAY + 60]
    dstMemo.set(year, r)
  }
  return r
}

/** Oslo's offset from UTC, in minutes, at a UTC instant given in minutes since the epoch. */
function osloOffsetAt(utcMinute: number): number {
  const year = civilFromDays(Math.floor(utcMinute / MINUTES_PER_DAY)).y
  const [start, end] = summerTime(year)
  return utcMinute >= start && utcMinute < end ? 120 : 60
}

/** Local Oslo wall time → ISO 8601 with the offset in force, e.g. '2025-06-02T09:00:00+02:00'. */
export function toOsloDateTime(date: IsoDate, minuteOfDay: number): IsoDateTime {
  const local = dayNumber(date) * MINUTES_PER_DAY + minuteOfDay
  // Summer time if the wall time read as +02:00 falls inside it; otherwise +01:00. (Only the
  // night of the switch is ambiguous, and sessions never fall on a Sunday night.)
  const offset = osloOffsetAt(local - 120) === 120 ? 120 : 60
  const day = fromDayNumber(dayNumber(date) + Math.floor(minuteOfDay / MINUTES_PER_DAY))
  const m = ((minuteOfDay % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY
  return `${day}T${formatHhMm(m)}:00+${offset === 120 ? '02' : '01'}:00`
}

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/

/**
 * Milliseconds since the epoch of an ISO 8601 date-time. One without an offset is read as Oslo
 * wall time (never as the host's local time, which would make results depend on the machine).
 */
export function epochMs(iso: IsoDateTime): number {
  if (HAS_OFFSET.test(iso)) {
    const ms = Date.parse(iso)
    if (!Number.isNaN(ms)) return ms
  } else {
    const m = LOCAL_TIME.exec(iso)
    if (m) return Date.parse(toOsloDateTime(m[1] as string, Number(m[2]) * 60 + Number(m[3]))) + Number(m[4] ?? 0) * 1000
  }
  throw new RangeError(`not an ISO date-time: ${iso}`)
}

function utcMinutes(iso: IsoDateTime): number {
  return Math.floor(epochMs(iso) / MS_PER_MINUTE)
}

/** Any ISO 8601 instant (any offset or Z) → the Oslo local date and minute of the day. */
export function fromOsloDateTime(iso: IsoDateTime): { date: IsoDate; minute: number } {
  const utc = utcMinutes(iso)
  const local = utc + osloOffsetAt(utc)
  const day = Math.floor(local / MINUTES_PER_DAY)
  return { date: fromDayNumber(day), minute: local - day * MINUTES_PER_DAY }
}

/** Real elapsed hours from a to b (negative if b is earlier), across any DST change. */
export function hoursBetween(a: IsoDateTime, b: IsoDateTime): number {
  return (epochMs(b) - epochMs(a)) / 3_600_000
}
