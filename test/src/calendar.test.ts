import t from 'tap'
import { build } from '../helpers/build.ts'
import { proposeOn, seedCentre } from './allocation-seed.ts'

/** Unfold RFC 5545 content lines (CRLF followed by one space or tab continues the line). */
function unfold(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '')
}

t.test("calendar.ics: one VEVENT per session, the cancelled one as CANCELLED, CRLF, folded lines, UTC times, no personal data", async (t) => {
  const b = await build(t)
  const { app, auth } = b
  await seedCentre(b, 3)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const booked = (await app.inject({ method: 'GET', url: '/v1/sessions?counsellorId=kari', headers: auth.coordinator })).json().sessions as { id: string; start: string; referralId: string }[]
  t.ok(booked.length > 0, 'kari has booked sessions')
  // Cancel one: it stays in the calendar as CANCELLED with a higher SEQUENCE, so a subscribed copy drops it.
  await app.inject({ method: 'POST', url: `/v1/sessions/${booked[0]!.id}/cancel`, headers: auth.coordinator, payload: { reason: 'moved' } })

  const res = await app.inject({ method: 'GET', url: '/v1/counsellors/kari/calendar.ics', headers: auth.coordinator })
  t.equal(res.statusCode, 200, 'the calendar is served')
  t.match(res.headers['content-type'], /^text\/calendar/, 'as text/calendar')
  const ics = res.body
  t.ok(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.endsWith('END:VCALENDAR\r\n'), 'a VCALENDAR with CRLF line ends')
  t.notOk(/[^\r]\n/.test(ics), 'every line ends in CRLF')
  t.ok(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'no content line is longer than 75 octets (folded)')
  const lines = unfold(ics)
  t.ok(lines.includes('VERSION:2.0') && lines.some((l) => l.startsWith('PRODID:')), 'VERSION and PRODID present')
  const events = lines.filter((l) => l === 'BEGIN:VEVENT').length
  t.equal(events, booked.length, 'one VEVENT per session, the cancelled one included')
  const vevents = ics.replace(/\r\n[ \t]/g, '').split('BEGIN:VEVENT').slice(1)
  const cancelled = vevents.filter((v) => v.includes('STATUS:CANCELLED'))
  t.equal(cancelled.length, 1, 'exactly one event is cancelled')
  t.match(cancelled[0], `UID:${booked[0]!.id}@tildeling`, 'the cancelled one is the session cancelled')
  t.match(cancelled[0], /SEQUENCE:1\r\n/, 'its SEQUENCE went up, so calendars apply the change')
  t.ok(vevents.filter((v) => !v.includes('STATUS:CANCELLED')).every((v) => v.includes('SEQUENCE:0')), 'the unchanged ones keep SEQUENCE 0')
  const uids = lines.filter((l) => l.startsWith('UID:'))
  t.equal(new Set(uids).size, events, 'a distinct UID per session')
  t.equal(lines.filter((l) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(l)).length, events, 'a DTSTAMP on every event')
  const starts = lines.filter((l) => l.startsWith('DTSTART')).map((l) => l.split(':')[1])
  const expected = booked.map((s) => new Date(s.start).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''))
  t.same(starts.sort(), expected.sort(), 'DTSTART in UTC matches each session\'s start')
  const body = lines.join('\n')
  t.match(body, /Interpreter booked/, 'the interpreter note is there')
  t.match(body, /Language: ar/, 'the language is there')
  t.match(body, /5001/, 'the municipality is there')
  t.notMatch(body, /Testperson|12345678|Rådgiver|kari@/, 'no participant name, DUF number or advisor')

  const none = await app.inject({ method: 'GET', url: '/v1/counsellors/nobody/calendar.ics', headers: auth.coordinator })
  t.equal(none.statusCode, 404, 'an unknown counsellor is 404')
  const municipality = await app.inject({ method: 'GET', url: '/v1/counsellors/kari/calendar.ics', headers: auth.municipality })
  t.equal(municipality.statusCode, 403, 'a municipality key cannot read a counsellor calendar')
})
