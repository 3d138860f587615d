// The run's counsellor-days as mutable state: free time and sessions left after pinned sessions
// and whatever this run has placed so far, and interpreter use per language per day.

import { counsellorDays, firstFit, subtractRange } from './availability.ts'
import { dayNumber, fromOsloDateTime } from './calendar.ts'
import type { IsoDate, MinuteRange, Problem, Referral, Session } from './types.ts'

export type BookDay = {
  readonly index: number
  readonly counsellorId: string
  readonly date: IsoDate
  /** Calendar days after the run date. */
  readonly day: number
  free: MinuteRange[]
  sessionsLeft: number
}

export type DayBook = {
  readonly days: readonly BookDay[]
  /** Counsellor-days per date, in counsellor order. */
  readonly byDate: ReadonlyMap<IsoDate, readonly BookDay[]>
  readonly byKey: ReadonlyMap<string, BookDay>
  /** Interpreted sessions still allowed in a language on a date (Infinity where not limited). */
  interpreterLeft(language: string, date: IsoDate): number
  /** Book `minutes` at `start` on a day (and an interpreter, if a language is given). */
  book(d: BookDay, start: number, minutes: number, interpreterLanguage: string | null): void
  /** How many sessions of `minutes` this day can still hold. */
  capacity(d: BookDay, minutes: number): number
  /** An independent copy in the same state (building the days from the counsellors is the costly part). */
  clone(): DayBook
}

/** The language whose interpreter a session uses, or null. */
export function interpreterLanguage(r: Referral): string | null {
  return r.interpreter ? r.language : null
}

export function createDayBook(problem: Problem, horizonEnd: IsoDate): DayBook {
  const start = dayNumber(problem.runDate)
  const days: BookDay[] = []
  for (const c of problem.counsellors) {
    for (const cd of counsellorDays(c, problem.runDate, horizonEnd, problem.policy, problem.pinned)) {
      days.push({ index: 0, counsellorId: c.id, date: cd.date, day: dayNumber(cd.date) - start, free: [...cd.free], sessionsLeft: cd.sessionsLeft })
    }
  }
  // Date first, then counsellor in input order: the order every scan of the book follows.
  const order = new Map(problem.counsellors.map((c, i) => [c.id, i]))
  days.sort((a, b) => a.day - b.day || (order.get(a.counsellorId) ?? 0) - (order.get(b.counsellorId) ?? 0))
  const indexed = days.map((d, index) => ({ ...d, index }))

  // Pinned interpreted sessions already use the interpreter service's capacity.
  const used = new Map<string, number>()
  const referralLanguage = new Map(problem.referrals.map((r) => [r.id, interpreterLanguage(r)]))
  const count = (s: Session): void => {
    const language = s.kind === 'group' ? s.language : s.interpreterOrderBy !== undefined ? (referralLanguage.get(s.referralId) ?? null) : null
    if (language === null) return
    const key = `${language}|${fromOsloDateTime(s.start).date}`
    used.set(key, (used.get(key) ?? 0) + 1)
  }
  problem.pinned.forEach(count)
  return bookOf(indexed, used, problem.interpreterCapacity ?? {})
}

function bookOf(days: BookDay[], used: Map<string, number>, caps: Readonly<Record<string, number>>): DayBook {
  const byDate = new Map<IsoDate, BookDay[]>()
  const byKey = new Map<string, BookDay>()
  for (const d of days) {
    const list = byDate.get(d.date)
    if (list) list.push(d)
    else byDate.set(d.date, [d])
    byKey.set(`${d.counsellorId}|${d.date}`, d)
  }
  return {
    days,
    byDate,
    byKey,
    interpreterLeft(language, date) {
      const cap = caps[language]
      return cap === undefined ? Infinity : cap - (used.get(`${language}|${date}`) ?? 0)
    },
    book(d, s, minutes, language) {
      d.free = subtractRange(d.free, [s, s + minutes])
      d.sessionsLeft--
      if (language !== null) used.set(`${language}|${d.date}`, (used.get(`${language}|${d.date}`) ?? 0) + 1)
    },
    capacity(d, minutes) {
      let n = 0
      for (const [s, e] of d.free) n += Math.floor((e - s) / minutes)
      return Math.min(n, d.sessionsLeft)
    },
    clone() {
      return bookOf(
        days.map((d) => ({ ...d, free: [...d.free] })),
        new Map(used),
        caps,
      )
    },
  }
}

/** First fit of `minutes` on a day that still takes a session, or null. */
export function fitOn(d: BookDay, minutes: number): number | null {
  return d.sessionsLeft > 0 ? firstFit(d.free, minutes) : null
}
