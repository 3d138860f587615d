import { createEvent, type EventAttributes } from 'ics'

/** A UTC instant as the ics package's date array, so DTSTART/DTEND come out in UTC (Z). */
export function utcArray(iso: string): [number, number, number, number, number] {
  const d = new Date(iso)
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
}

/** The UID of a session in every calendar (invitations and feeds): stable, so a client updates instead of duplicating. */
export const sessionUid = (sessionId: string) => `${sessionId}@tildeling`

/** `"Name <addr@x>"` or a bare address → its parts. */
export function parseAddress(from: string): { name?: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from)
  return m ? { ...(m[1] && { name: m[1].replace(/^"|"$/g, '') }), email: m[2]! } : { email: from.trim() }
}

/**
 * An iTIP invitation (RFC 5546) for one advisor: METHOD:REQUEST books or moves, METHOD:CANCEL
 * removes it; the UID is the session's and SEQUENCE rises with every change, which is how Outlook
 * knows an update from a new meeting.
 */
export function invitationIcs(i: {
  readonly method: 'REQUEST' | 'CANCEL'
  readonly sessionId: string
  readonly sequence: number
  readonly startUtc: string
  readonly endUtc: string
  readonly title: string
  readonly description: string
  readonly organizer: string
  readonly attendee: { readonly name: string; readonly email: string }
}): string {
  const organizer = parseAddress(i.organizer)
  const event: EventAttributes = {
    uid: sessionUid(i.sessionId),
    sequence: i.sequence,
    title: i.title,
    description: i.description,
    start: utcArray(i.startUtc),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utcArray(i.endUtc),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: i.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    busyStatus: 'BUSY',
    organizer: { ...(organizer.name && { name: organizer.name }), email: organizer.email },
    attendees: [{ name: i.attendee.name, email: i.attendee.email, rsvp: true, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' }],
    productId: 'tildeling/invitation',
    method: i.method,
  }
  const { error, value } = createEvent(event)
  if (error || !value) throw error ?? new Error('ics produced no invitation')
  return value
}
