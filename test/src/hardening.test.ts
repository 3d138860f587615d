import net from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../../src/logger.ts'
import { build, referral } from '../helpers/build.ts'

// Reproductions of an adversarial review (issue 13): each answers with a clear 4xx now.

t.test('dates outside 2000-01-01..2100-12-31 are a 4xx naming the field, never a 500 or a year-10000 horizon', async (t) => {
  const { app, auth } = await build(t)
  const capacity = await app.inject({ method: 'GET', url: '/v1/capacity?from=0000-01-01', headers: auth.coordinator })
  t.equal(capacity.statusCode, 400, 'a query-string date out of range: 400')
  t.equal(capacity.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  t.match(capacity.json().errors, [{ path: 'from', message: /2000-01-01 to 2100-12-31/ }], 'saying which range')
  const run = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: '9999-12-31' } })
  t.equal(run.statusCode, 422, 'a runDate in 9999: 422')
  t.match(run.json().errors, [{ path: 'runDate' }], 'naming runDate')
  const far = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { referrals: [referral({ programmeEndsOn: '2101-01-01' })] } })
  t.equal(far.statusCode, 422, 'a referral date past 2100: 422')
  t.match(far.json().errors, [{ index: 0, path: 'programmeEndsOn', message: /2100-12-31/ }], 'naming the item and field')
  const absence = await app.inject({
    method: 'PUT', url: '/v1/counsellors/c1', headers: auth.coordinator,
    payload: { name: 'Ola', weekly: [], absences: [{ from: '1999-12-31', to: '2025-01-01', reason: 'leave' }] },
  })
  t.equal(absence.statusCode, 422, 'an absence from 1999: 422')
  const replay = await app.inject({
    method: 'POST', url: '/v1/replays', headers: auth.analyst,
    payload: { name: 'x', from: '9999-06-01', to: '9999-12-31', counsellors: [], referrals: [] },
  })
  t.equal(replay.statusCode, 422, 'a replay in 9999: 422')
  const fine = await app.inject({ method: 'GET', url: '/v1/capacity?from=2100-12-01&to=2100-12-31', headers: auth.coordinator })
  t.equal(fine.statusCode, 200, 'the last month of the range still works')
})

t.test('an unpaired UTF-16 surrogate in any string field is refused with 422, nothing stored', async (t) => {
  const { app, auth } = await build(t)
  // Sent as raw JSON: the escape \ud800 parses to a lone surrogate.
  const body = (ref: string) => `{"referrals":[${JSON.stringify(referral({ externalRef: 'LS-PLACEHOLDER' })).replace('LS-PLACEHOLDER', ref)}]}`
  const res = await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.coordinator, 'content-type': 'application/json' }, payload: body('LS\\ud800') })
  t.equal(res.statusCode, 422, 'a lone high surrogate: 422')
  t.match(res.json().errors, [{ path: 'referrals.0.externalRef', message: /surrogate/ }], 'naming the field')
  const low = await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.coordinator, 'content-type': 'application/json' }, payload: body('LS\\udc00') })
  t.equal(low.statusCode, 422, 'a lone low surrogate: 422')
  const list = await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.coordinator })
  t.same(list.json().referrals, [], 'nothing was stored')
  const emoji = await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.coordinator, 'content-type': 'application/json' }, payload: body('LS\\ud83d\\ude00') })
  t.equal(emoji.statusCode, 200, 'a proper pair (an emoji) is text and is accepted')
  const name = await app.inject({
    method: 'PUT', url: '/v1/counsellors/c1', headers: { ...auth.coordinator, 'content-type': 'application/json' },
    payload: '{"name":"Ola \\udfff","weekly":[]}',
  })
  t.equal(name.statusCode, 422, 'in a counsellor name too')
  t.match(name.json().errors, [{ path: 'name' }], 'naming it')
})

t.test('an oversized counsellor is refused with 422 and not stored', async (t) => {
  const { app, auth } = await build(t)
  const weekly = Array.from({ length: 50_000 }, (_, i) => ({ weekday: (i % 5) + 1, start: '09:00', end: '15:00' }))
  const res = await app.inject({ method: 'PUT', url: '/v1/counsellors/c1', headers: auth.coordinator, payload: { name: 'Ola', weekly } })
  t.equal(res.statusCode, 422, '50,000 weekly windows: 422')
  t.match(res.json().errors, [{ path: 'weekly', message: /at most 50/ }], 'saying the limit')
  const municipalities = Array.from({ length: 101 }, (_, i) => String(1000 + i))
  t.equal((await app.inject({ method: 'PUT', url: '/v1/counsellors/c1', headers: auth.coordinator, payload: { name: 'Ola', weekly: [], municipalities } })).statusCode, 422, '101 municipalities: 422')
  const absences = Array.from({ length: 1001 }, () => ({ from: '2025-01-01', to: '2025-01-01', reason: 'sick' }))
  t.equal((await app.inject({ method: 'PUT', url: '/v1/counsellors/c1', headers: auth.coordinator, payload: { name: 'Ola', weekly: [], absences } })).statusCode, 422, '1,001 absences: 422')
  const list = await app.inject({ method: 'GET', url: '/v1/counsellors', headers: auth.coordinator })
  t.same(list.json().counsellors, [], 'nothing stored')
})

function capture() {
  const lines: string[] = []
  const stream = new Writable({ write(c, _e, done) { lines.push(...String(c).split('\n').filter(Boolean)); done() } })
  return { lines, logger: createLogger({ level: 'info', stream }) }
}

t.test('logs keep no query string and no oversized or odd client request id', async (t) => {
  const { lines, logger } = capture()
  const { app, auth } = await build(t, { logger })
  await app.inject({ method: 'GET', url: '/v1/referrals?status=pending&duf=199912398765', headers: auth.coordinator })
  t.ok(lines.length > 0, 'requests were logged')
  t.notOk(lines.some((l) => l.includes('199912398765') || l.includes('duf=')), 'no query string value reaches a log line')
  t.ok(lines.some((l) => l.includes('"route":"/v1/referrals"')), 'the route pattern is logged')

  const long = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'x'.repeat(15_000) } })
  t.not(long.headers['x-request-id'], 'x'.repeat(15_000), 'a 15 kB request id is replaced')
  t.match(long.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'by an id of ours')
  t.notOk(lines.some((l) => l.includes('x'.repeat(200))), 'and is in no log line')
  const odd = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a b"<script>' } })
  t.match(odd.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'an id with odd characters is replaced too')
  const plain = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-4bf92f3577b34da6.01' } })
  t.equal(plain.headers['x-request-id'], 'trace-4bf92f3577b34da6.01', 'a plain client id is kept (for tracing across services)')
})

t.test('an unencoded non-ASCII path or a broken escape gets problem+json', async (t) => {
  const { app } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as net.AddressInfo
  const raw = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1')
      let out = ''
      s.on('data', (d) => (out += d)).on('close', () => resolve(out)).on('error', reject)
      s.write(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'utf8'))
    })
  for (const path of ['/v1/referrals/å', '/v1/%E0%A4%A']) {
    const res = await raw(path)
    const [head = '', body = ''] = res.split('\r\n\r\n')
    t.match(head, /^HTTP\/1\.1 400/, `${path}: 400`)
    t.match(head, /content-type: application\/problem\+json/i, `${path}: problem+json`)
    t.match(JSON.parse(body), { status: 400, title: 'Bad Request', detail: /percent-encode|percent-encoded/ }, `${path}: saying what to do`)
  }
})

t.test('a cancel without a body says what to send, not "expected object, received null"', async (t) => {
  const { app, auth } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/sessions/8d3e1a52-6c1f-4b7a-9e0c-2f4b5a6c7d8e/cancel', headers: auth.coordinator })
  t.equal(res.statusCode, 422, '422')
  t.notMatch(res.body, /received null|received undefined/, 'not the schema library\'s words')
  t.match(res.json().errors, [{ path: '', message: /send a JSON object body .*POST \/v1\/sessions\/:id\/cancel/ }], 'but what to send and where it is described')
})
