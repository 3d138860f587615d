// A counsellor's bookable time, day by day, and packing sessions into a day's free time.

import { dayNumber, fromDayNumber, fromOsloDateTime, isOpenDay, isoWeekday, parseHhMm } from './calendar.ts'
import type { Counsellor, CounsellorDay, IsoDate, MinuteRange, Policy, Session } from './types.ts'

/** `free` without `range`. Both sorted, half-open minutes; the result stays sorted. */
export function subtractRange(free: readonly MinuteRange[], range: MinuteRange): MinuteRange[] {
  const [s, e] = range
  const out: MinuteRange[] = []
  for (const r of free) {
    if (r[1] <= s || r[0] >= e) {
      out.push(r)
      continue
    }
    if (r[0] < s) out.push([r[0], s])
    if (r[1] > e) out.push([e, r[1]])
  }
  return out
}

/** The earliest start at which `minutes` fit in one free interval, or null. */
export function firstFit(free: readonly MinuteRange[], minutes: number): number | null {
  for (const [s, e] of free) if (e - s >= minutes) return s
  return null
}

/** Sorted, merged union of intervals, dropping empty ones. */
function normalise(ranges: readonly MinuteRange[]): MinuteRange[] {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [s, e] of sorted) {
    const last = out[out.length - 1]
    if (last && s <= last[1]) last[1] = Math.max(last[1], e)
    else out.push([s, e])
  }
  return out
}

/** Place every item in `order` by first fit; the starts (indexed like `items`), or null if one does not fit. */
function placeAll(free: readonly MinuteRange[], items: readonly number[], order: readonly number[]): number[] | null {
  const starts: number[] = new Array<number>(items.length)
  let left: readonly MinuteRange[] = free
  for (const i of order) {
    const minutes = items[i] ?? 0
    const s = firstFit(left, minutes)
    if (s === null) return null
    starts[i] = s
    left = subtractRange(left, [s, s + minutes])
  }
  return starts
}

/**
 * Start minutes for as many of `items` (durations, most important first) as the free time holds;
 * null for those left out. When not all fit, the least important is dropped and the rest retried
 * (a day holds fewer than 10 sessions, so the retries are cheap).
 *
 * Each attempt first places the items in priority order, earliest free time first, so the more
 * important sessions get the earlier slots; if that leaves one out, first-fit-decreasing (longest
 * first) is tried, which packs mixed lengths better.
 */
export function packDay(free: readonly MinuteRange[], items: readonly number[]): { starts: (number | null)[] } {
  for (let k = items.length; k > 0; k--) {
    const kept = items.slice(0, k)
    const byPriority = kept.map((_, i) => i)
    const decreasing = [...byPriority].sort((a, b) => (kept[b] ?? 0) - (kept[a] ?? 0) || a - b)
    const starts = placeAll(free, kept, byPriority) ?? placeAll(free, kept, decreasing)
    if (starts) return { starts: items.map((_, i) => (i < k ? (starts[i] ?? null) : null)) }
  }
  return { starts: items.map(() => null) }
}

/**
 * Every working day in [from, to] on which the counsellor has free time: inside employment, outside
 * absences, the weekly hours for that weekday within the centre's working day, less the time of
 * the counsellor's `busy` (pinned) sessions. Weekends and public holidays never count, whatever
 * `weekly` says. Sorted by date.
 */
export function counsellorDays(
  c: Counsellor,
  from: IsoDate,
  to: IsoDate,
  policy: Policy,
  busy: readonly Session[],
): CounsellorDay[] {
  const dayStart = parseHhMm(policy.workingDay.start)
  const dayEnd = parseHhMm(policy.workingDay.end)

  const hoursByWeekday = new Map<number, MinuteRange[]>()
  for (const w of c.weekly) {
    const r: MinuteRange = [Math.max(parseHhMm(w.start), dayStart), Math.min(parseHhMm(w.end), dayEnd)]
    hoursByWeekday.set(w.weekday, [...(hoursByWeekday.get(w.weekday) ?? []), r])
  }

  const busyByDay = new Map<number, MinuteRange[]>()
  for (const s of busy) {
    if (s.counsellorId !== c.id) continue
    const start = fromOsloDateTime(s.start)
    const end = fromOsloDateTime(s.end)
    const day = dayNumber(start.date)
    // A session never spans midnight; clamp defensively so a malformed one only blocks its own day.
    const endMinute = end.date === start.date ? end.minute : 1440
    busyByDay.set(day, [...(busyByDay.get(day) ?? []), [start.minute, endMinute]])
  }

  let first = dayNumber(from)
  let last = dayNumber(to)
  if (c.employedFrom) first = Math.max(first, dayNumber(c.employedFrom))
  if (c.employedUntil) last = Math.min(last, dayNumber(c.employedUntil))
  const absences = c.absences.map((a) => [dayNumber(a.from), dayNumber(a.to)] as const)

  const out: CounsellorDay[] = []
  for (let n = first; n <= last; n++) {
    const date = fromDayNumber(n)
    if (!isOpenDay(date, policy)) continue
    if (absences.some(([a, b]) => n >= a && n <= b)) continue
    const hours = hoursByWeekday.get(isoWeekday(date))
    if (!hours) continue
    let free: MinuteRange[] = normalise(hours)
    const taken = busyByDay.get(n) ?? []
    for (const r of taken) free = subtractRange(free, r)
    if (free.length === 0) continue
    const sessionsLeft = c.maxSessionsPerDay === undefined ? Infinity : c.maxSessionsPerDay - taken.length
    // A day whose session cap is used up has no bookable time either.
    if (sessionsLeft <= 0) continue
    out.push({ counsellorId: c.id, date, free, sessionsLeft })
  }
  return out
}
