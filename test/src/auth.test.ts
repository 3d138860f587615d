import t from 'tap'
import { build, referral } from '../helpers/build.ts'

t.test('no key, a malformed header or an unknown key is 401 problem+json', async (t) => {
  const { app } = await build(t)
  for (const [what, headers] of [
    ['no Authorization header', {}],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['an unknown key', { authorization: 'Bearer tl_not-a-key-anyone-was-given' }],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: '/v1/referrals', headers })
    t.equal(res.statusCode, 401, `${what} is 401`)
    t.match(res.headers['content-type'], /application\/problem\+json/, `${what}: problem+json`)
    t.match(res.json(), { type: String, title: 'Unauthorized', status: 401, detail: String }, `${what}: with the RFC 9457 fields`)
  }
})

t.test('a key without the right is 403, before the body is even read', async (t) => {
  const { app, auth } = await build(t)
  const analystPost = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.analyst, payload: { referrals: [referral()] } })
  t.equal(analystPost.statusCode, 403, 'an analyst cannot post referrals')
  t.match(analystPost.json().detail, /coordinator or municipality/, 'the detail says which roles may')

  const badBody = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.analyst, payload: { nonsense: true } })
  t.equal(badBody.statusCode, 403, 'an underprivileged key gets 403, not a validation error that would describe the route')

  const munCounsellor = await app.inject({ method: 'PUT', url: '/v1/counsellors/c1', headers: auth.municipality, payload: { name: 'X', weekly: [] } })
  t.equal(munCounsellor.statusCode, 403, 'a municipality key cannot change counsellors')
  const munList = await app.inject({ method: 'GET', url: '/v1/counsellors', headers: auth.municipality })
  t.equal(munList.statusCode, 403, 'a municipality key cannot list counsellors')
  const analystPatch = await app.inject({ method: 'PATCH', url: '/v1/referrals/x', headers: auth.analyst, payload: { advisorConsent: true } })
  t.equal(analystPatch.statusCode, 403, 'an analyst cannot change referrals')
})

t.test('keys are stored as hashes only', async (t) => {
  const { app, db } = await build(t)
  const { key } = app.store.keys.create('coordinator')
  const rows = db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[]
  t.notOk(JSON.stringify(rows).includes(key), 'the plain key appears nowhere in api_keys')
  t.equal(app.store.keys.findByKey(key)?.role, 'coordinator', 'yet the key is recognised')
  t.throws(() => app.store.keys.create('municipality'), /needs a municipality number/, 'a municipality key without a number is refused')
  t.throws(() => app.store.keys.create('analyst', '5001'), /only a municipality key/, 'a municipality number on another role is refused')
})

t.test('no spelling of a /v1 URL gets past authentication', async (t) => {
  const { app } = await build(t)
  for (const url of ['/v1/referrals/', '/%761/referrals', '/v1/%72eferrals', '/v1/referrals?status=pending']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 401, `${url} without a key is 401`)
  }
})
