import type { SendMailOptions } from 'nodemailer'
import { formatDateLong, formatTime } from '../../i18n/format.ts'
import { messages, type Lang } from '../../i18n/index.ts'
import type { SessionEventData, StoredEvent } from '../../store/outbox-repository.ts'
import { invitationIcs } from './invitation.ts'

/** What a mail needs beyond the event: the advisor and the counsellor's name, read when it is sent. */
export type MailContext = {
  readonly advisor: { readonly name: string; readonly email: string }
  readonly externalRef: string
  readonly counsellorName: string
  readonly from: string
  readonly lang?: Lang
}

/**
 * The advisor's message about one session event: Norwegian text from the catalogue and the
 * invitation as a text/calendar part (nodemailer's icalEvent, which Outlook shows as a meeting).
 * It names the municipality's case id, never the participant.
 */
export function advisorMail(event: StoredEvent & { readonly data: SessionEventData }, ctx: MailContext): SendMailOptions {
  const lang = ctx.lang ?? 'nb'
  const m = messages(lang).mail
  const d = event.data
  const what = m.kind[d.kind]
  const date = formatDateLong(d.start.slice(0, 10), lang)
  const when = `${date} ${formatTime(d.start, lang)}`
  const change = event.type === 'session.moved' ? 'moved' : event.type === 'session.cancelled' ? 'cancelled' : 'booked'
  const lines = [
    m.greeting(ctx.advisor.name),
    '',
    m.intro[change](ctx.externalRef),
    '',
    m.when(date, formatTime(d.start, lang), formatTime(d.end, lang)),
    ...(d.previous ? [m.previously(formatDateLong(d.previous.start.slice(0, 10), lang), formatTime(d.previous.start, lang))] : []),
    m.counsellor(ctx.counsellorName),
    ...(d.language ? [m.language(d.language)] : []),
    d.interpreter ? m.interpreter : m.noInterpreter,
    '',
    m.forward,
    '',
    m.signature,
  ]
  const method = change === 'cancelled' ? 'CANCEL' : 'REQUEST'
  const ics = invitationIcs({
    method,
    sessionId: d.sessionId,
    sequence: d.sequence,
    startUtc: new Date(d.start).toISOString(),
    endUtc: new Date(d.end).toISOString(),
    title: m.calendarTitle(what, ctx.externalRef),
    description: lines.slice(2).join('\n'),
    organizer: ctx.from,
    attendee: ctx.advisor,
  })
  return {
    from: ctx.from,
    to: { name: ctx.advisor.name, address: ctx.advisor.email },
    subject: m.subject[change](what, when, ctx.externalRef),
    text: lines.join('\n'),
    icalEvent: { method, filename: 'invitation.ics', content: ics },
    // Lets a retried message be recognised as the same one by the receiving system.
    messageId: `<${event.id}.${ctx.advisor.email.replace(/[^\w.-]/g, '_')}@tildeling>`,
  }
}
