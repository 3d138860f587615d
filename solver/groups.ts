// Ukraine track: the group meetings this run must plan before the members' individual sessions.
// Members of one language are grouped by the first date they can meet, then in priority order, up
// to maxParticipants; each group goes on
// the earliest counsellor-day with a free block and an interpreter, the main municipality's own
// counsellor preferred on that day. The meeting's time is reserved before anything else is placed.

import { addDays } from './calendar.ts'
import type { BookDay, DayBook } from './daybook.ts'
import { fitOn } from './daybook.ts'
import type { IsoDate, Policy, Referral } from './types.ts'

export type GroupCandidate = {
  readonly referral: Referral
  /** The last date the individual session may fall on. */
  readonly latest: IsoDate
}

export type PlannedGroup = {
  readonly language: string
  readonly day: BookDay
  readonly start: number
  readonly members: readonly Referral[]
}

export type GroupPlan = {
  readonly groups: readonly PlannedGroup[]
  /** Referrals left without a group meeting in the horizon, with why. */
  readonly awaiting: ReadonlyMap<string, string>
}

/**
 * `candidates` in priority order. `owns(counsellorId, municipality)` says whether a counsellor is a
 * fixed contact of a municipality.
 */
export function planGroups(
  candidates: readonly GroupCandidate[],
  book: DayBook,
  policy: Policy,
  runDate: IsoDate,
  horizonEnd: IsoDate,
  owns: (counsellorId: string, municipality: string) => boolean,
): GroupPlan {
  const { minutes, maxParticipants, daysBeforeIndividual: gap } = policy.groupMeeting
  const leadDate = addDays(runDate, policy.leadDays.ukraine)
  const earliestOf = (r: Referral): IsoDate => (r.deferredUntil !== undefined && r.deferredUntil > leadDate ? r.deferredUntil : leadDate)
  const byLanguage = new Map<string, GroupCandidate[]>()
  for (const c of candidates) byLanguage.set(c.referral.language, [...(byLanguage.get(c.referral.language) ?? []), c])
  // Members who can meet on the same date go together, so one member's deferral does not hold
  // back the rest; on the same date, priority order (stable sort) decides who fills a group first.
  for (const list of byLanguage.values()) list.sort((a, b) => (earliestOf(a.referral) < earliestOf(b.referral) ? -1 : earliestOf(a.referral) > earliestOf(b.referral) ? 1 : 0))

  const groups: PlannedGroup[] = []
  const awaiting = new Map<string, string>()
  const lastGroupDay = addDays(horizonEnd, -gap)
  for (const [language, list] of byLanguage) {
    for (let i = 0; i < list.length; i += maxParticipants) {
      const chunk = list.slice(i, i + maxParticipants)
      // The meeting always has an interpreter, and no member may be deferred past it.
      let earliest = leadDate
      for (const c of chunk) if (earliestOf(c.referral) > earliest) earliest = earliestOf(c.referral)
      const municipality = mostCommon(chunk.map((c) => c.referral.municipality))
      const found = findDay(book, earliest, lastGroupDay, minutes, language, (id) => owns(id, municipality))
      if (found === null) {
        for (const c of chunk)
          awaiting.set(
            c.referral.id,
            `no counsellor has a free ${minutes}-minute block with a ${language} interpreter for a group meeting between ${earliest} and ${lastGroupDay}`,
          )
        continue
      }
      const [day, start] = found
      // A member whose individual session could not follow the meeting in time waits for a later one.
      const members: Referral[] = []
      for (const c of chunk) {
        if (addDays(day.date, gap) <= c.latest) members.push(c.referral)
        else awaiting.set(c.referral.id, `the first group meeting with room, on ${day.date}, leaves no date for the individual session ${gap} days later before ${c.latest}`)
      }
      if (members.length === 0) continue
      book.book(day, start, minutes, language)
      groups.push({ language, day, start, members })
    }
  }
  return { groups, awaiting }
}

function findDay(
  book: DayBook,
  from: IsoDate,
  to: IsoDate,
  minutes: number,
  language: string,
  isOwn: (counsellorId: string) => boolean,
): [BookDay, number] | null {
  for (const [date, sameDay] of book.byDate) {
    if (date < from || date > to) continue
    if (book.interpreterLeft(language, date) < 1) continue
    // On the first date with room, the own counsellor goes first.
    const ordered = [...sameDay.filter((x) => isOwn(x.counsellorId)), ...sameDay.filter((x) => !isOwn(x.counsellorId))]
    for (const x of ordered) {
      const start = fitOn(x, minutes)
      if (start !== null) return [x, start]
    }
  }
  return null
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>()
  let best = values[0] ?? ''
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1)
    if ((counts.get(v) ?? 0) > (counts.get(best) ?? 0)) best = v
  }
  return best
}
