import ICAL from 'ical.js'
import t from 'tap'
import { build } from '../../helpers/build.ts'
import { proposeOn, seedCentre } from '../allocation-seed.ts'

t.test('a calendar subscription URL works without a key, and stops working when replaced or revoked', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  await seedCentre(b, 2)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })

  t.equal((await app.inject({ method: 'POST', url: '/v1/counsellors/kari/calendar-token', headers: auth.municipality })).statusCode, 403, 'only a coordinator makes one')
  const made = await app.inject({ method: 'POST', url: '/v1/counsellors/kari/calendar-token', headers: auth.coordinator })
  t.equal(made.statusCode, 201, 'made')
  const { token, url } = made.json() as { token: string; url: string }
  t.match(url, new RegExp(`/v1/counsellors/kari/calendar\\.ics\\?token=${token}$`), 'the URL carries the token')
  const path = new URL(url).pathname + new URL(url).search
  const feed = await app.inject({ method: 'GET', url: path })
  t.equal(feed.statusCode, 200, 'served with no Authorization header')
  const cal = new ICAL.Component(ICAL.parse(feed.body))
  t.ok(cal.getAllSubcomponents('vevent').length > 0, 'an iCalendar a real parser reads, with events')
  t.equal((await app.inject({ method: 'GET', url: path.replace(token, 'cal_wrong') })).statusCode, 401, 'a wrong token is 401')
  t.equal((await app.inject({ method: 'GET', url: path.replace('/kari/', '/ali/') })).statusCode, 401, "kari's token does not open ali's calendar")

  const again = (await app.inject({ method: 'POST', url: '/v1/counsellors/kari/calendar-token', headers: auth.coordinator })).json() as { token: string }
  t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 401, 'a new token revokes the old one')
  t.equal((await app.inject({ method: 'GET', url: `/v1/counsellors/kari/calendar.ics?token=${again.token}` })).statusCode, 200, 'the new one works')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/counsellors/kari/calendar-token', headers: auth.coordinator })).statusCode, 204, 'revoked')
  const revoked = await app.inject({ method: 'GET', url: `/v1/counsellors/kari/calendar.ics?token=${again.token}` })
  t.equal(revoked.statusCode, 401, 'a revoked token is 401')
  t.match(revoked.headers['content-type'], /problem\+json/, 'as problem+json')
  t.equal((await app.inject({ method: 'GET', url: '/v1/counsellors/kari/calendar.ics', headers: auth.coordinator })).statusCode, 200, 'the coordinator key still works')
  t.equal((await app.inject({ method: 'GET', url: '/v1/counsellors/kari/calendar.ics' })).statusCode, 401, 'no token and no key is 401')
})

t.test('interpreter orders: to order, ordered, to cancel after a cancellation; CSV for Excel with æøå intact', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  // An interpreter service with æøå in its name and working-hour terms (policy interpreterServices).
  db.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES ('policy', ?)`).run(JSON.stringify({ interpreterServices: [{ name: 'Tolketjenesten Bodø og Færder, Nærøysund', languages: ['ar'], cancellationWorkingHours: 48 }] }))
  await seedCentre(b, 2)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const list = async () => (await app.inject({ method: 'GET', url: '/v1/interpreter-orders?from=2000-01-01', headers: auth.coordinator })).json().orders as Record<string, unknown>[]

  t.equal((await app.inject({ method: 'GET', url: '/v1/interpreter-orders', headers: auth.municipality })).statusCode, 403, 'coordinator only')
  const first = await list()
  const sessions = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as { id: string; start: string; end: string }[]
  t.equal(first.length, sessions.length, 'one line per interpreted session')
  t.ok(first.every((o) => o.status === 'to-order'), 'all to order')
  const one = first[0]!
  const s = sessions.find((x) => x.id === one.sessionId)!
  t.match(one, { language: 'ar', date: s.start.slice(0, 10), start: s.start, end: s.end, service: 'Tolketjenesten Bodø og Færder, Nærøysund' }, 'language, date, times, service')
  t.equal(one.minutes, (Date.parse(s.end) - Date.parse(s.start)) / 60_000, 'minutes')
  t.ok(String(one.orderBy) < String(one.date), 'ordered before the day')
  t.ok(Date.parse(String(one.cancellationDeadline)) < Date.parse(s.start) - 48 * 3_600_000 + 1, 'cancellation deadline 48 working hours ahead: at least 48 clock hours')

  const marked = await app.inject({ method: 'POST', url: `/v1/interpreter-orders/${one.sessionId}/ordered`, headers: auth.coordinator })
  t.equal(marked.statusCode, 200, 'marked ordered')
  t.equal(marked.json().status, 'ordered', 'answers the line as ordered')
  t.equal((await list()).find((o) => o.sessionId === one.sessionId)?.status, 'ordered', 'reads back ordered')

  await app.inject({ method: 'POST', url: `/v1/sessions/${one.sessionId}/cancel`, headers: auth.coordinator, payload: { reason: 'x' } })
  t.same((await list()).filter((o) => o.sessionId === one.sessionId).map((o) => o.status), ['to-cancel'], 'after the cancellation the order is to cancel')
  const other = first[1]!
  await app.inject({ method: 'POST', url: `/v1/sessions/${other.sessionId}/cancel`, headers: auth.coordinator, payload: { reason: 'x' } })
  t.notOk((await list()).some((o) => o.sessionId === other.sessionId), 'a cancelled session never ordered has nothing to cancel')
  t.equal((await app.inject({ method: 'POST', url: `/v1/interpreter-orders/${other.sessionId}/ordered`, headers: auth.coordinator })).statusCode, 409, 'and cannot be ordered')

  const csv = await app.inject({ method: 'GET', url: '/v1/interpreter-orders?from=2000-01-01&format=csv', headers: auth.coordinator })
  t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/, 'text/csv in UTF-8')
  const bytes = csv.rawPayload
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 byte-order mark Excel needs')
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3))
  const rows = text.split('\r\n').filter((l) => l !== '')
  t.equal(rows[0], 'Time-ID;Språk;Dato;Fra;Til;Minutter;Bestilles innen;Avbestillingsfrist;Tolketjeneste;Status', 'a header row, semicolons')
  t.equal(rows.length, 1 + (await list()).length, 'one row per line')
  t.match(text, /Tolketjenesten Bodø og Færder, Nærøysund/, 'æøå intact')
  t.match(text, /Skal avbestilles/, 'the status in words')

  await app.inject({ method: 'POST', url: `/v1/interpreter-orders/${one.sessionId}/cancelled`, headers: auth.coordinator })
  t.notOk((await list()).some((o) => o.sessionId === one.sessionId), 'once cancelled with the service, the line goes')
})
