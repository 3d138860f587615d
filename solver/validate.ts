// The proposal validator: checks every hard rule for every session of a proposal, re-derived from
// the rule text (domain.md, contract.md, issue 2) and independent of how the engine plans. The
// engine's tests, the property tests and the benchmarks all judge proposals with it, so it must
// not share the engine's reasoning (it never calls eligibility()) and must stay near-linear:
// sessions are indexed by counsellor-day and by referral, never compared pairwise.
//
// Rules that depend on the run (lead time, horizon, deferral; session length and the interpreter
// order date under this run's policy) apply to new sessions only: a pinned session was valid when it was committed, possibly
// under another run date or an earlier policy era, and cannot be moved now. Everything else
// (calendar, overlaps, caps, track rules) holds for pinned sessions too.

import type { Closing } from './calendar.ts'
import { addDays, addMonths, dayNumber, fromOsloDateTime, interpreterOrderDate, isOpenDay, isPublicHoliday, isoWeekday, parseHhMm } from './calendar.ts'
import { trackInForceOn } from './policy.ts'
import type { Counsellor, IsoDate, MinuteRange, Problem, Proposal, Referral, Session, Violation } from './types.ts'

type Placed = {
  readonly session: Session
  /** Words naming the session in a violation's detail (ids and times only, no personal data). */
  readonly label: string
  readonly date: IsoDate
  readonly day: number
  readonly start: number
  readonly end: number
  /** Planned in this run, as opposed to pinned (committed before). */
  readonly isNew: boolean
}

/** Everything that identifies a committed session; a pinned one must come back with all of it unchanged. */
function sessionKey(s: Session): string {
  const who = s.kind === 'group' ? [...s.referralIds].sort().join(',') : s.referralId
  const language = s.kind === 'group' ? s.language : ''
  return [s.kind, s.counsellorId, who, language, s.start, s.end, s.interpreterOrderBy ?? ''].join('|')
}

function labelOf(s: Session): string {
  const who = s.kind === 'group' ? `group (${s.language}) of ${s.referralIds.length}` : `${s.kind} session of ${s.referralId}`
  return `${who} with ${s.counsellorId} at ${s.start}`
}

/** Merged working blocks per ISO weekday: the counsellor's weekly hours within the centre's day. */
function workingBlocks(c: Counsellor, dayStart: number, dayEnd: number): Map<number, MinuteRange[]> {
  const out = new Map<number, MinuteRange[]>()
  for (const w of c.weekly) {
    const s = Math.max(parseHhMm(w.start), dayStart)
    const e = Math.min(parseHhMm(w.end), dayEnd)
    if (e > s) out.set(w.weekday, [...(out.get(w.weekday) ?? []), [s, e]])
  }
  for (const [weekday, ranges] of out) {
    ranges.sort((a, b) => a[0] - b[0])
    const merged: [number, number][] = []
    for (const [s, e] of ranges) {
      const last = merged[merged.length - 1]
      if (last && s <= last[1]) last[1] = Math.max(last[1], e)
      else merged.push([s, e])
    }
    out.set(weekday, merged)
  }
  return out
}

/**
 * Whether the interpreter order date is `days` days before the start: at the same Oslo wall time,
 * or exactly days × 24 hours earlier (the two differ only across a DST switch; both are fair).
 */
/** `interpreter-order`: ordered on the last open day with `days` open days before the session, not before the run. */
function orderedInTime(orderBy: string, p: Placed, days: number, closing: Closing, runDate: IsoDate): boolean {
  try {
    const given = fromOsloDateTime(orderBy)
    return given.date === interpreterOrderDate(p.date, days, closing) && given.date >= runDate
  } catch {
    return false
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

export function validateProposal(problem: Problem, proposal: Proposal): Violation[] {
  const violations: Violation[] = []
  const fail = (rule: string, detail: string): void => {
    violations.push({ rule, detail })
  }
  const { policy, runDate } = problem
  const horizonEnd = addDays(runDate, 7 * problem.horizonWeeks - 1)
  const dayStart = parseHhMm(policy.workingDay.start)
  const dayEnd = parseHhMm(policy.workingDay.end)

  const referrals = new Map<string, Referral>(problem.referrals.map((r) => [r.id, r]))
  const counsellors = new Map<string, Counsellor>(problem.counsellors.map((c) => [c.id, c]))
  const blocks = new Map<string, Map<number, MinuteRange[]>>()
  for (const c of problem.counsellors) blocks.set(c.id, workingBlocks(c, dayStart, dayEnd))

  // ---- pinned-kept: every committed session comes back unchanged; nothing new poses as pinned ----
  const pinnedKeys = new Map<string, number>()
  for (const p of problem.pinned) pinnedKeys.set(sessionKey(p), (pinnedKeys.get(sessionKey(p)) ?? 0) + 1)
  const sessions: { session: Session; isNew: boolean }[] = []
  for (const s of proposal.sessions) {
    const key = sessionKey(s)
    const left = pinnedKeys.get(key) ?? 0
    if (left > 0) {
      pinnedKeys.set(key, left - 1)
      sessions.push({ session: s, isNew: false })
    } else {
      if (s.pinned) fail('pinned-kept', `${labelOf(s)} is marked pinned but matches no committed session`)
      sessions.push({ session: s, isNew: true })
    }
  }
  for (const p of problem.pinned) {
    const key = sessionKey(p)
    const left = pinnedKeys.get(key) ?? 0
    if (left > 0) {
      pinnedKeys.set(key, left - 1)
      fail('pinned-kept', `committed ${labelOf(p)} is missing or changed in the proposal`)
      // Its time is still taken: keep it in the checks below so overlaps with it are found.
      sessions.push({ session: p, isNew: false })
    }
  }

  // ---- place every session on its Oslo day ----
  const placed: Placed[] = []
  for (const { session: s, isNew } of sessions) {
    const label = labelOf(s)
    let start: { date: IsoDate; minute: number }
    let end: { date: IsoDate; minute: number }
    try {
      start = fromOsloDateTime(s.start)
      end = fromOsloDateTime(s.end)
    } catch {
      fail('time-format', `${label}: start or end is not an ISO 8601 date-time`)
      continue
    }
    if (end.date !== start.date || end.minute <= start.minute) {
      fail('time-format', `${label}: must end after it starts, on the same day (ends ${s.end})`)
      continue
    }
    placed.push({ session: s, label, date: start.date, day: dayNumber(start.date), start: start.minute, end: end.minute, isNew })
  }

  // Indexes: by counsellor-day, first and follow-up sessions by referral, group meetings by participant.
  const byCounsellorDay = new Map<string, Placed[]>()
  const individualsOf = new Map<string, Placed[]>()
  const followupsOf = new Map<string, Placed[]>()
  const groupsOf = new Map<string, Placed[]>()
  for (const p of placed) {
    push(byCounsellorDay, `${p.session.counsellorId}|${p.date}`, p)
    const s = p.session
    if (s.kind === 'group') for (const id of s.referralIds) push(groupsOf, id, p)
    else push(s.kind === 'individual' ? individualsOf : followupsOf, s.referralId, p)
  }

  const interpreterUse = new Map<string, number>()

  for (const p of placed) {
    const s = p.session
    const c = counsellors.get(s.counsellorId)

    // ---- the counsellor's calendar ----
    const weekday = isoWeekday(p.date)
    if (weekday >= 6) fail('working-day', `${p.label} falls on a ${weekday === 6 ? 'Saturday' : 'Sunday'}`)
    else if (isPublicHoliday(p.date)) fail('working-day', `${p.label} falls on a public holiday (${p.date})`)
    else if (p.isNew && !isOpenDay(p.date, policy)) fail('centre-closed', `${p.label} falls on a day the centre is closed (${p.date})`)
    if (!c) {
      fail('counsellor-exists', `${p.label}: no counsellor ${s.counsellorId} in the problem`)
    } else {
      const inside = (blocks.get(c.id)?.get(weekday) ?? []).some(([bs, be]) => p.start >= bs && p.end <= be)
      if (!inside) fail('working-hours', `${p.label} is outside ${c.id}'s working hours that weekday (within ${policy.workingDay.start}-${policy.workingDay.end})`)
      const away = c.absences.find((a) => p.date >= a.from && p.date <= a.to)
      if (away) fail('absence', `${p.label} falls in ${c.id}'s absence ${away.from}..${away.to}`)
      if ((c.employedFrom && p.date < c.employedFrom) || (c.employedUntil && p.date > c.employedUntil))
        fail('employment', `${p.label} is outside ${c.id}'s employment (${c.employedFrom ?? '…'}..${c.employedUntil ?? '…'})`)
    }

    // ---- the referrals it serves ----
    const members: Referral[] = []
    if (s.kind === 'group') {
      for (const id of s.referralIds) {
        const r = referrals.get(id)
        if (r) members.push(r)
        else if (p.isNew) fail('referral-exists', `${p.label}: no referral ${id} in the problem`)
      }
    } else {
      const r = referrals.get(s.referralId)
      if (r) members.push(r)
      else if (p.isNew) fail('referral-exists', `${p.label}: no referral ${s.referralId} in the problem`)
    }
    const referral = s.kind === 'group' ? undefined : members[0]
    // A group meeting always has an interpreter; a pinned session of an unknown referral shows it by its order date.
    const interpreted = s.kind === 'group' || (referral ? referral.interpreter : s.interpreterOrderBy !== undefined)
    const track = s.kind === 'group' ? 'ukraine' : referral?.track

    // ---- the run: lead time, horizon, length, deferral (new sessions only) ----
    if (p.isNew) {
      if (track !== undefined) {
        const days = interpreted ? policy.leadDays[track] : policy.noticeDays
        const first = addDays(runDate, days)
        if (p.date < first)
          fail('lead-time', `${p.label} is before ${first}: ${interpreted ? `an interpreter needs ${days} days' notice` : `${days} days' notice`} from the run date ${runDate}`)
      }
      if (p.date < runDate || p.date > horizonEnd) fail('horizon', `${p.label} is outside the horizon ${runDate}..${horizonEnd}`)
      const minutes = s.kind === 'group' ? policy.groupMeeting.minutes : track ? policy.sessionMinutes[track] : undefined
      if (minutes !== undefined && p.end - p.start !== minutes)
        fail('session-length', `${p.label} lasts ${p.end - p.start} minutes; the ${s.kind === 'group' ? 'group meeting' : `${track} session`} takes ${minutes}`)
      for (const r of members)
        if (r.deferredUntil !== undefined && p.date < r.deferredUntil)
          fail('deferral', `${p.label} is before ${r.id}'s deferral until ${r.deferredUntil}`)
    }

    // ---- interpreter ordering (its exact date follows this run's policy: new sessions only) ----
    if (interpreted) {
      if (s.interpreterOrderBy === undefined) fail('interpreter-order', `${p.label} needs an interpreter but has no interpreterOrderBy`)
      else if (p.isNew && !orderedInTime(s.interpreterOrderBy, p, policy.interpreterNoticeDays, policy, runDate))
        fail('interpreter-order', `${p.label}: interpreterOrderBy ${s.interpreterOrderBy} is not the last open day ${policy.interpreterNoticeDays} working days before the start, on or after the run date`)
      const language = s.kind === 'group' ? s.language : referral?.language
      if (language !== undefined) {
        const key = `${language}|${p.date}`
        interpreterUse.set(key, (interpreterUse.get(key) ?? 0) + 1)
      }
    } else if (s.interpreterOrderBy !== undefined) {
      fail('interpreter-order', `${p.label} has an interpreter order but the referral needs none`)
    }

    // ---- track and referral rules ----
    for (const r of members) {
      if (r.programmeEndsOn !== undefined && p.date > r.programmeEndsOn)
        fail('programme-end', `${p.label} is after ${r.id}'s programme end ${r.programmeEndsOn}`)
      if (p.isNew && !trackInForceOn(policy, r.track, p.date)) fail('track-in-force', `${p.label}: the ${r.track} track is not in force on ${p.date}`)
    }
    if (s.kind === 'group') {
      if (s.referralIds.length === 0 || s.referralIds.length > policy.groupMeeting.maxParticipants)
        fail('group-size', `${p.label}: ${s.referralIds.length} participants, allowed 1..${policy.groupMeeting.maxParticipants}`)
      if (new Set(s.referralIds).size !== s.referralIds.length) fail('group-size', `${p.label} names a participant twice`)
      for (const r of members) {
        if (r.track !== 'ukraine') fail('group-participants', `${p.label}: ${r.id} is on the ${r.track} track, not ukraine`)
        if (r.language !== s.language) fail('group-participants', `${p.label}: ${r.id} speaks ${r.language}, not ${s.language}`)
      }
    } else if (referral) {
      if (referral.track === 'ordinary' && !referral.competenceMappingDone)
        fail('competence-mapping', `${p.label}: ${referral.id}'s competence mapping is not done`)
      if (s.kind === 'individual' && referral.track === 'ukraine' && !referral.groupMeetingDone) {
        const latestGroup = p.day - policy.groupMeeting.daysBeforeIndividual
        const ok = (groupsOf.get(referral.id) ?? []).some((g) => g.day <= latestGroup)
        if (!ok)
          fail('group-meeting-first', `${p.label}: ${referral.id} has no group meeting at least ${policy.groupMeeting.daysBeforeIndividual} days before`)
      }
      if (s.kind === 'followup') {
        if (referral.meetings !== 2) fail('followup', `${p.label}: ${referral.id} has one meeting, not two`)
        const firsts = individualsOf.get(referral.id) ?? []
        if (firsts.length === 0) fail('followup', `${p.label}: ${referral.id} has no first session`)
        for (const f of firsts)
          if (p.day - f.day < policy.secondMeetingGapDays)
            fail('followup', `${p.label} is ${p.day - f.day} days after the first session; at least ${policy.secondMeetingGapDays} are needed`)
      }
    }
  }

  // ---- per counsellor-day: overlaps and the daily cap ----
  for (const day of byCounsellorDay.values()) {
    day.sort((a, b) => a.start - b.start)
    let latest: Placed | undefined
    for (const p of day) {
      if (latest && p.start < latest.end) fail('overlap', `${p.label} overlaps ${latest.label}`)
      if (!latest || p.end > latest.end) latest = p
    }
    const first = day[0]
    const cap = first ? counsellors.get(first.session.counsellorId)?.maxSessionsPerDay : undefined
    if (first && cap !== undefined && day.length > cap)
      fail('max-sessions-per-day', `${first.session.counsellorId} has ${day.length} sessions on ${first.date}; at most ${cap}`)
  }

  // ---- interpreter capacity per language per day ----
  for (const [key, used] of interpreterUse) {
    const [language, date] = key.split('|') as [string, string]
    const cap = problem.interpreterCapacity?.[language]
    if (cap !== undefined && used > cap) fail('interpreter-capacity', `${used} interpreted sessions in ${language} on ${date}; capacity ${cap}`)
  }

  // ---- per referral: one first session, one follow-up, one group meeting ----
  for (const [id, list] of individualsOf)
    if (list.length > 1) fail('one-individual', `${id} has ${list.length} individual sessions`)
  for (const [id, list] of followupsOf)
    if (list.length > 1) fail('followup', `${id} has ${list.length} follow-up sessions`)
  for (const [id, list] of groupsOf)
    if (list.length > 1 && list.some((g) => g.isNew)) fail('group-meeting-once', `${id} is in ${list.length} group meetings`)

  // ---- every referral is either scheduled or unassigned, exactly once ----
  const unassignedCount = new Map<string, number>()
  for (const u of proposal.unassigned) {
    unassignedCount.set(u.referralId, (unassignedCount.get(u.referralId) ?? 0) + 1)
    if (!referrals.has(u.referralId)) fail('referral-exists', `unassigned names ${u.referralId}, which is not in the problem`)
  }
  for (const r of problem.referrals) {
    const scheduled = individualsOf.has(r.id)
    const n = unassignedCount.get(r.id) ?? 0
    if (scheduled && n > 0) fail('accounted-once', `${r.id} has a first session and is also unassigned`)
    else if (!scheduled && n === 0) fail('accounted-once', `${r.id} has neither a first session nor an unassigned entry`)
    else if (n > 1) fail('accounted-once', `${r.id} is unassigned ${n} times`)
  }

  // ---- deadline breaches: each one real, and every late first session reported ----
  const firstDate = (id: string): IsoDate | null => {
    const list = individualsOf.get(id)
    if (!list || list.length === 0) return null
    return list.reduce((a, b) => (b.day < a.day ? b : a)).date
  }
  const deadlineOf = (r: Referral): IsoDate => addMonths(r.settledOn, policy.deadlineMonths)
  const breached = new Set<string>()
  for (const b of proposal.deadlineBreaches) {
    const r = referrals.get(b.referralId)
    if (!r) {
      fail('deadline-breach', `breach for ${b.referralId}, which is not in the problem`)
      continue
    }
    if (breached.has(r.id)) fail('deadline-breach', `${r.id} has more than one breach entry`)
    breached.add(r.id)
    if (r.track !== 'ordinary') {
      fail('deadline-breach', `breach for ${r.id} on the ${r.track} track, which has no deadline`)
      continue
    }
    const deadline = deadlineOf(r)
    const planned = firstDate(r.id)
    if (b.deadline !== deadline) fail('deadline-breach', `breach for ${r.id} gives deadline ${b.deadline}; it is ${deadline}`)
    if (b.plannedOn !== planned) fail('deadline-breach', `breach for ${r.id} gives plannedOn ${b.plannedOn}; the first session is on ${planned}`)
    if (planned !== null && planned <= deadline) fail('deadline-breach', `breach for ${r.id}, whose first session ${planned} is within the deadline ${deadline}`)
  }
  for (const r of problem.referrals) {
    if (r.track !== 'ordinary' || breached.has(r.id)) continue
    const list = individualsOf.get(r.id) ?? []
    // A late pinned session was reported when it was committed; a new late one must be reported now.
    const late = list.find((p) => p.isNew && p.date > deadlineOf(r))
    if (late) fail('deadline-breach', `${late.label} is after ${r.id}'s deadline ${deadlineOf(r)} and no breach is reported`)
  }

  return violations
}
