import t from 'tap'
import { signBody, verifySignature } from '../../../src/services/notifications/signing.ts'
import { startDeliveryWorker } from '../../../src/services/notifications/worker.ts'
import { build } from '../../helpers/build.ts'
import { proposeOn, RUN_DATE, seedCentre } from '../allocation-seed.ts'
import { receiver, testConfig } from './helpers.ts'

t.test('the signature is the lowercase hex HMAC-SHA256 of the raw body keyed with the secret string', async (t) => {
  // RFC 4231, test case 2.
  t.equal(signBody('what do ya want for nothing?', 'Jefe'), 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'the RFC 4231 vector')
  t.ok(verifySignature('{"a":1}', 'k', signBody('{"a":1}', 'k')), 'a receiver verifies it')
  t.notOk(verifySignature('{"a":2}', 'k', signBody('{"a":1}', 'k')), 'a changed body fails')
  t.notOk(verifySignature('{"a":1}', 'other', signBody('{"a":1}', 'k')), 'another secret fails')
  t.notOk(verifySignature('{"a":1}', 'k', undefined), 'no header fails')
})

t.test('POST /v1/webhooks: who may, and which URLs', async (t) => {
  const { app, auth } = await build(t)
  const post = (headers: { authorization: string }, url: string) => app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: { url, events: ['session.booked'] } })
  const ok = await post(auth.municipality, 'http://127.0.0.1:9/hook')
  t.equal(ok.statusCode, 201, 'http to a loopback host is accepted')
  t.match(ok.json(), { id: String, secret: /^whsec_/ }, 'answers id and secret')
  t.equal((await post(auth.coordinator, 'http://localhost:9/x')).statusCode, 201, 'localhost too')
  t.equal((await post(auth.analyst, 'https://127.0.0.1/x')).statusCode, 403, 'an analyst key may not')
  for (const [url, why] of [
    ['http://93.184.215.14/hook', 'plain http to a public host'],
    ['https://10.1.2.3/hook', 'a private address'],
    ['https://192.168.0.10/hook', 'a home network'],
    ['https://169.254.169.254/latest/meta-data', 'the cloud metadata address'],
    ['https://[fd00::1]/hook', 'an IPv6 unique-local address'],
    ['https://[::ffff:10.0.0.1]/hook', 'a private IPv4 written as IPv6'],
    ['ftp://127.0.0.1/x', 'another scheme'],
    ['https://user:pw@127.0.0.1/x', 'credentials in the URL'],
  ] as const) {
    const res = await post(auth.coordinator, url)
    t.equal(res.statusCode, 422, `refused: ${why}`)
    t.equal(res.json().errors?.[0]?.path, 'url', `the problem names url (${why})`)
  }
  const bad = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth.coordinator, payload: { url: 'http://127.0.0.1/x', events: ['session.exploded'] } })
  t.equal(bad.statusCode, 422, 'an unknown event type is refused')
  const list = (await app.inject({ method: 'GET', url: '/v1/webhooks', headers: auth.otherMunicipality })).json()
  t.same(list.webhooks, [], "another municipality does not see 5001's webhook")
  const foreign = await app.inject({ method: 'GET', url: `/v1/webhooks/${ok.json().id}/deliveries`, headers: auth.otherMunicipality })
  t.equal(foreign.statusCode, 404, "nor its delivery log")
  t.notMatch(JSON.stringify((await app.inject({ method: 'GET', url: '/v1/webhooks', headers: auth.coordinator })).json()), /whsec_/, 'the secret is never listed')
})

t.test('bookings and cancellations reach each webhook signed, once per session, a municipality only its own', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  const own = await receiver(t)
  const other = await receiver(t)
  const centre = await receiver(t)
  const make = async (headers: { authorization: string }, url: string) =>
    (await app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: { url, events: ['session.booked', 'session.cancelled', 'referral.unassigned'] } })).json() as { id: string; secret: string }
  const hOwn = await make(auth.municipality, own.url)
  const hOther = await make(auth.otherMunicipality, other.url)
  const hCentre = await make(auth.coordinator, centre.url)

  await seedCentre(b, 3)
  const proposal = await proposeOn(b)
  t.equal((await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })).statusCode, 200, 'committed')
  const sessions = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as { id: string; referralId: string; counsellorId: string }[]
  t.ok(sessions.length >= 2, 'sessions were booked')

  const worker = startDeliveryWorker({ db, config: testConfig(), poll: false })
  t.teardown(() => worker.stop())
  await worker.runOnce()

  const booked = (r: typeof own) => r.got.filter((g) => g.json.type === 'session.booked')
  t.equal(booked(centre).length, sessions.length, "the centre's webhook hears every booking")
  t.same(new Set(booked(centre).map((g) => g.json.data.sessionId)), new Set(sessions.map((s) => s.id)), 'one event per session, the session id in data')
  const refs = (g: (typeof own.got)[number]) => g.json.data.referrals as { municipality: string }[]
  t.ok(booked(own).length > 0 && booked(own).every((g) => refs(g).every((r) => r.municipality === '5001')), "5001 hears only about 5001's referrals")
  t.ok(booked(other).length > 0 && booked(other).every((g) => refs(g).every((r) => r.municipality === '5035')), "5035 only about 5035's")
  t.equal(booked(own).length + booked(other).length, sessions.length, 'between them, every session once')
  for (const [r, h] of [[own, hOwn], [other, hOther], [centre, hCentre]] as const) {
    t.ok(r.got.every((g) => verifySignature(g.body, h.secret, g.headers['x-tildeling-signature'] as string)), 'every body carries a valid signature')
    t.ok(r.got.every((g) => typeof g.json.id === 'string' && typeof g.json.occurredAt === 'string'), 'id, type, occurredAt, data')
    t.notMatch(r.got.map((g) => g.body).join('\n'), /Testperson|12345678|Rådgiver|kari@/, 'no name, DUF number or advisor in any payload')
  }

  const log = (await app.inject({ method: 'GET', url: `/v1/webhooks/${hOwn.id}/deliveries`, headers: auth.municipality })).json()
  t.equal(log.deliveries.length, own.got.length, 'the delivery log has one row per delivery')
  t.ok(log.deliveries.every((d: { status: string; lastStatus: number; attempts: number }) => d.status === 'delivered' && d.lastStatus === 200 && d.attempts === 1), 'delivered on the first attempt, 200')

  const target = sessions.find((s) => s.counsellorId === 'kari')!
  await app.inject({ method: 'POST', url: `/v1/sessions/${target.id}/cancel`, headers: auth.coordinator, payload: { reason: 'counsellor ill' } })
  await worker.runOnce()
  const cancelled = own.got.filter((g) => g.json.type === 'session.cancelled')
  t.equal(cancelled.length, 1, 'the owner hears of the cancellation once')
  t.match(cancelled[0]?.json.data, { sessionId: target.id, sequence: 1, scope: 'session', lateCancellation: false }, 'with the session id and a higher sequence')
  t.notMatch(cancelled[0]?.body, /counsellor ill/, "the coordinator's free-text reason is not sent (it may name someone)")
  t.equal(other.got.filter((g) => g.json.type === 'session.cancelled').length, 0, 'another municipality hears nothing of it')
  t.equal(centre.got.filter((g) => g.json.type === 'session.cancelled').length, 1, 'the centre hears it')
})

t.test('a receiver that fails is retried with back-off until it answers 2xx', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  let answer = 503
  const r = await receiver(t, { status: () => answer })
  const hook = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth.municipality, payload: { url: r.url, events: ['session.booked'] } })).json() as { id: string }
  await seedCentre(b, 1)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  let clock = Date.now()
  const worker = startDeliveryWorker({ db, config: testConfig(), poll: false, now: () => new Date(clock) })
  t.teardown(() => worker.stop())

  t.ok((await worker.runOnce()) >= 1, 'the first attempt at once (with the advisors\' e-mails, skipped without SMTP)')
  const deliveries = async () => (await app.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries`, headers: auth.municipality })).json().deliveries[0]
  const first = await deliveries()
  t.match(first, { status: 'pending', attempts: 1, lastStatus: 503 }, 'failed, still pending')
  t.equal(Date.parse(first.nextAttemptAt) - clock, 5_000, 'the first retry 5 s later')
  t.equal(await worker.runOnce(), 0, 'nothing is due before then')
  clock += 5_000
  await worker.runOnce()
  const second = await deliveries()
  t.equal(Date.parse(second.nextAttemptAt) - clock, 10_000, 'then 10 s: the delay doubles')
  answer = 200
  clock += 10_000
  await worker.runOnce()
  t.match(await deliveries(), { status: 'delivered', attempts: 3, lastStatus: 200 }, 'delivered on the third attempt')
  t.equal(r.got.length, 1, 'received once')
})

t.test('referral.unassigned tells a change, not every run: a second run with the same reasons sends nothing new', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  await seedCentre(b, 30)
  const run = async () => {
    const p = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: RUN_DATE, horizonWeeks: 1 } })).json() as { id: string; unassigned: { referralId: string; reason: string }[] }
    t.equal((await app.inject({ method: 'POST', url: `/v1/allocations/${p.id}/commit`, headers: auth.coordinator })).statusCode, 200, 'committed')
    return p
  }
  const told = () => db.prepare(`SELECT json_extract(data, '$.referralId') AS id, json_extract(data, '$.reason') AS reason FROM outbox_events WHERE type = 'referral.unassigned' ORDER BY occurred_at`).all() as { id: string; reason: string }[]
  const first = await run()
  t.ok(first.unassigned.length > 0, `one week is too short for everyone (${first.unassigned.length} wait)`)
  t.same(told().map((e) => e.id).sort(), first.unassigned.map((u) => u.referralId).sort(), 'the first run tells each waiting referral once')
  const second = await run()
  const changed = second.unassigned.filter((u) => first.unassigned.find((f) => f.referralId === u.referralId)?.reason !== u.reason)
  t.equal(told().length, first.unassigned.length + changed.length, `the second run tells only those whose reason changed (${changed.length})`)
})
