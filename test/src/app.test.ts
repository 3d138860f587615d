import t from 'tap'
import { z } from 'zod'
import { build, referral } from '../helpers/build.ts'

t.test('GET /health is open and reads the database', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200, 'health answers 200 without a key')
  t.match(res.json(), { status: 'ok', database: 'ok' }, 'health reports the database ok')
  t.ok(res.headers['x-request-id'], 'every response carries its request id')
})

t.test('GET /health is 503 problem when the database is closed', async (t) => {
  const { app, db } = await build(t)
  db.close() // build()'s teardown closes it again, which better-sqlite3 allows
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 503, 'a closed database makes health 503')
  t.match(res.headers['content-type'], /application\/problem\+json/, 'as problem+json')
})

t.test('unknown routes are 404 problem+json under /v1 or when JSON is asked for, a page otherwise', async (t) => {
  const { app, auth } = await build(t)
  const open = await app.inject({ method: 'GET', url: '/nothing-here', headers: { accept: 'application/json' } })
  t.equal(open.statusCode, 404, 'an unknown open route is 404')
  t.match(open.headers['content-type'], /application\/problem\+json/, 'as problem+json when JSON is asked for')
  t.match(open.json(), { type: '/problems/not-found', title: 'Not Found', status: 404, detail: /no route GET \/nothing-here/ }, 'with the RFC 9457 fields')
  const v1 = await app.inject({ method: 'GET', url: '/v1/nope', headers: auth.coordinator })
  t.equal(v1.statusCode, 404, 'an unknown /v1 route is 404 for a valid key')
  t.match(v1.headers['content-type'], /^application\/problem\+json/, 'as problem+json, whatever the Accept header')
  t.same(v1.json(), { type: '/problems/not-found', title: 'Not Found', status: 404, detail: 'no route GET /v1/nope' }, 'with exactly the RFC 9457 fields')
  const browser = await app.inject({ method: 'GET', url: '/v1/nope', headers: { ...auth.coordinator, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
  t.match(browser.headers['content-type'], /^application\/problem\+json/, 'an unknown /v1 path stays problem+json even for a browser')
  const anon = await app.inject({ method: 'GET', url: '/v1/nothing' })
  t.equal(anon.statusCode, 401, 'but 401 without a key: nothing under /v1 answers without one')
  const page = await app.inject({ method: 'GET', url: '/nothing-here', headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 404, 'an unknown page address is 404')
  t.match(page.headers['content-type'], /^text\/html/, 'answered with the web app\'s 404 page')
  t.match(page.body, '<html lang="nb"', 'in bokmål by default')
})

t.test('the OpenAPI 3.1 document and its UI are served at /docs', async (t) => {
  const { app } = await build(t)
  const json = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(json.statusCode, 200, '/docs/json answers')
  const doc = json.json()
  t.equal(doc.openapi, '3.1.0', 'the document is OpenAPI 3.1')
  t.ok(doc.paths['/v1/referrals']?.post, 'it documents POST /v1/referrals')
  t.ok(doc.paths['/v1/counsellors/{id}']?.put, 'it documents PUT /v1/counsellors/{id}')
  const ui = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(ui.statusCode, 200, '/docs serves the UI itself (no redirect)')
  t.match(ui.headers['content-type'], /^text\/html/, 'as a page')
  t.match(ui.body, /swagger-ui/i, 'the Swagger UI')
})

t.test('request bodies: malformed JSON 400, wrong content type 415, too large 413', async (t) => {
  const { app, auth } = await build(t)
  const bad = await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.coordinator, 'content-type': 'application/json' }, payload: '{"referrals": [' })
  t.equal(bad.statusCode, 400, 'malformed JSON is 400')
  t.match(bad.headers['content-type'], /application\/problem\+json/, 'as problem+json')
  t.match(bad.json().detail, /not valid JSON/, 'saying the body is not JSON')

  const text = await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.coordinator, 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 415, 'a text/plain body is 415')
  t.match(text.json().detail, /application\/json/, 'saying which type to send')

  const huge = JSON.stringify({ referrals: [referral({ targetIndustry: 'x'.repeat(200) })], pad: 'y'.repeat(11 * 1024 * 1024) })
  const big = await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.coordinator, 'content-type': 'application/json' }, payload: huge })
  t.equal(big.statusCode, 413, 'a body over 10 MB is 413')
  t.match(big.json().detail, /10 MB/, 'naming the limit')
})

t.test('5xx never leaks a message; a response that fails its schema is a 500 too', async (t) => {
  const { app } = await build(t)
  app.get('/boom', async () => {
    throw new Error('SQLITE said something about row 42 of Amina')
  })
  app.get('/bad-shape', { schema: { response: { 200: z.object({ n: z.number() }) } } }, async () => ({ n: 'not a number' }) as unknown as { n: number })
  const boom = await app.inject({ method: 'GET', url: '/boom' })
  t.equal(boom.statusCode, 500, 'an unexpected error is 500')
  t.match(boom.headers['content-type'], /application\/problem\+json/, 'as problem+json')
  t.notMatch(boom.body, /SQLITE|Amina|42/, 'without the error message')
  t.match(boom.json().detail, /request id/, 'pointing to the log by request id instead')
  const bad = await app.inject({ method: 'GET', url: '/bad-shape' })
  t.equal(bad.statusCode, 500, 'a response that fails its schema is 500, not sent')
  t.notMatch(bad.body, /not a number/, 'and its content does not leak')
})
