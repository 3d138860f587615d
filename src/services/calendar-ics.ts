import { createEvents, type EventAttributes } from 'ics'
import type { StoredSession } from '../store/session-repository.ts'

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
export function calendarIcs(counsellorId: string, sessions: readonly StoredSession[]): string {
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
      status: 'CONFIRMED',
      busyStatus: 'BUSY',
      productId: 'tildeling/calendar',
    }
  })
  const { error, value } = createEvents(events, { productId: 'tildeling/calendar', calName: `tildeling ${counsellorId}`, method: 'PUBLISH' })
  if (error || value === null) throw error ?? new Error('ics produced no calendar')
  return value
}
