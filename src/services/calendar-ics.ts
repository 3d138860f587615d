import { createEvents, type EventAttributes } from 'ics'
import { messages } from '../i18n/index.ts'
import type { CalendarRepository, MovedAway } from '../store/calendar-repository.ts'
import type { SessionRepository, StoredSession } from '../store/session-repository.ts'

const KIND_TITLE: Record<StoredSession['kind'], string> = {
  individual: 'Karriereveiledning',
  followup: 'Karriereveiledning, oppfølging',
  group: 'Gruppemøte',
}

/** A UTC instant as the ics package's date array, so DTSTART/DTEND come out in UTC (Z), valid in any calendar. */
function utcArray(iso: string): [number, number, number, number, number] {
  const d = new Date(iso)
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
}

/**
 * A counsellor's booked sessions as an iCalendar document (RFC 5545: CRLF, folded lines, a UID
 * per session, DTSTAMP). No participant names or DUF numbers: a calendar leaves the centre's
 * control (phones, shared mailboxes), so it names referral ids and municipalities only.
 */
export function calendarIcs(
  counsellorId: string,
  sessions: readonly StoredSession[],
  changes: { readonly sequences?: ReadonlyMap<string, number>; readonly movedAway?: readonly MovedAway[] } = {},
): string {
  const events: EventAttributes[] = sessions.map((s) => {
    const municipalities = [...new Set(s.referrals.map((r) => r.municipality))].sort()
    const lines = [
      `Referrals: ${s.referrals.map((r) => r.id).join(', ')}`,
      `Municipality: ${municipalities.join(', ')}`,
      ...(s.language ? [`Language: ${s.language}`] : []),
      s.interpreterOrderBy !== null ? `Interpreter booked (order by ${s.interpreterOrderBy})` : 'No interpreter',
    ]
    return {
      // Stable whatever URL the calendar was fetched by, so a re-import updates instead of duplicating.
      uid: `${s.id}@tildeling`,
      title: `${KIND_TITLE[s.kind]}${s.language ? ` (${s.language})` : ''}`,
      description: lines.join('\n'),
      start: utcArray(s.startUtc),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: utcArray(s.endUtc),
      endInputType: 'utc',
      endOutputType: 'utc',
      // A cancelled session stays in the feed as CANCELLED, and every change raises SEQUENCE, so a
      // subscribed or imported copy updates instead of keeping the old entry (issue 11).
      sequence: changes.sequences?.get(s.id) ?? 0,
      status: s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      busyStatus: s.status === 'cancelled' ? 'FREE' : 'BUSY',
      productId: 'tildeling/calendar',
    }
  })
  // A session moved to another counsellor leaves this calendar: cancelled at the time it had here.
  for (const m of changes.movedAway ?? []) {
    events.push({
      uid: `${m.sessionId}@tildeling`,
      title: messages('nb').mail.calendarMovedAway,
      start: utcArray(m.startUtc),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: utcArray(m.endUtc),
      endInputType: 'utc',
      endOutputType: 'utc',
      sequence: m.sequence,
      status: 'CANCELLED',
      busyStatus: 'FREE',
      productId: 'tildeling/calendar',
    })
  }
  const { error, value } = createEvents(events, { productId: 'tildeling/calendar', calName: `tildeling ${counsellorId}`, method: 'PUBLISH' })
  if (error || value === null) throw error ?? new Error('ics produced no calendar')
  return value
}

/** How far back cancelled and moved-away sessions stay in a feed, so the subscribed copy has time to drop them. */
const CANCELLED_KEPT_DAYS = 60

/** A counsellor's feed: booked sessions, and those cancelled or moved away in the last 60 days, with their SEQUENCE. */
export function counsellorFeed(deps: { readonly sessions: SessionRepository; readonly calendar: CalendarRepository }, counsellorId: string, now = new Date()): string {
  const since = new Date(now.getTime() - CANCELLED_KEPT_DAYS * 86_400_000).toISOString()
  const sessions = [...deps.sessions.list({ status: 'booked', counsellorId }), ...deps.sessions.list({ status: 'cancelled', counsellorId, fromUtc: since })].sort((a, b) => a.startUtc.localeCompare(b.startUtc) || a.id.localeCompare(b.id))
  return calendarIcs(counsellorId, sessions, { sequences: deps.calendar.sequences(sessions.map((s) => s.id)), movedAway: deps.calendar.movedAway(counsellorId, since) })
}
