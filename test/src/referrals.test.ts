import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../../src/logger.ts'
import { build, referral } from '../helpers/build.ts'
import { bookSession } from '../helpers/sessions.ts'
import { ScenarioReferralSchema } from '../../src/schemas/referral.ts'

const post = (app: Awaited<ReturnType<typeof build>>['app'], headers: { authorization: string }, referrals: unknown[]) =>
  app.inject({ method: 'POST', url: '/v1/referrals', headers, payload: { referrals } })

t.test('a valid batch is stored and answered with ids in input order', async (t) => {
  const { app, auth } = await build(t)
  const res = await post(app, auth.municipality, [referral({ externalRef: 'A' }), referral({ externalRef: 'B', track: 'ukraine', language: 'uk' })])
  t.equal(res.statusCode, 200, 'a valid batch is 200')
  const body = res.json() as { created: number; updated: number; ids: string[] }
  t.same({ created: body.created, updated: body.updated }, { created: 2, updated: 0 }, 'both are created')
  t.equal(body.ids.length, 2, 'one id per item')
  const a = (await app.inject({ method: 'GET', url: `/v1/referrals/${body.ids[0]}`, headers: auth.municipality })).json()
  const b = (await app.inject({ method: 'GET', url: `/v1/referrals/${body.ids[1]}`, headers: auth.municipality })).json()
  t.equal(a.externalRef, 'A', 'the first id is the first item')
  t.equal(b.externalRef, 'B', 'the second id is the second item')
  t.match(a, { status: 'pending', deadline: '2025-04-10', sessions: [], interpreter: true, meetings: 1 }, 'read-back adds status, the 3-month deadline, sessions and defaults')
  t.same(a.participant, { name: 'Amina Testperson', dufNumber: '202412345678' }, 'the owning municipality sees the name and the DUF number')
  t.equal(b.deadline, null, 'the ukraine track has no deadline')
})

t.test('posting the same externalRef again updates (idempotent)', async (t) => {
  const { app, auth } = await build(t)
  const first = (await post(app, auth.municipality, [referral()])).json()
  const again = await post(app, auth.municipality, [referral({ language: 'ti' })])
  t.equal(again.statusCode, 200, 're-post is 200')
  t.match(again.json(), { created: 0, updated: 1, ids: first.ids }, 'it updates the same referral')
  const read = (await app.inject({ method: 'GET', url: `/v1/referrals/${first.ids[0]}`, headers: auth.coordinator })).json()
  t.equal(read.language, 'ti', 'with the new values')
  const same = await post(app, auth.otherMunicipality, [referral({ municipality: '5035' })])
  t.match(same.json(), { created: 1 }, 'the same externalRef from another municipality is another referral')
})

t.test('every invalid item is listed by index and path, and nothing is stored', async (t) => {
  const { app, auth, db } = await build(t)
  const { advisor: _a, ...noAdvisor } = referral({ externalRef: 'missing' })
  const res = await post(app, auth.coordinator, [
    referral({ externalRef: 'ok' }),
    referral({ externalRef: 'date', settledOn: '2025-02-30' }),
    referral({ externalRef: 'unknown', favouriteColour: 'blue' }),
    noAdvisor,
    referral({ externalRef: 'defer', deferredUntil: '2025-06-01' }),
    referral({ externalRef: 'ok' }),
  ])
  t.equal(res.statusCode, 422, 'any invalid item makes the batch 422')
  t.match(res.headers['content-type'], /application\/problem\+json/, 'as problem+json')
  const problem = res.json() as { detail: string; errors: { index: number; path: string; message: string }[] }
  t.match(problem.detail, /5 of 6 referrals are invalid; nothing was stored/, 'the detail counts the invalid items')
  const at = (i: number) => problem.errors.filter((e) => e.index === i)
  t.equal(at(0).length, 0, 'the valid item is not listed')
  t.match(at(1), [{ path: 'settledOn', message: /real date/ }], 'the impossible date 2025-02-30 is named')
  t.match(at(2), [{ path: '', message: /favouriteColour/ }], 'the unknown field is named')
  t.match(at(3), [{ path: 'advisor' }], 'the missing field is named')
  t.match(at(4), [{ path: 'deferralReason', message: /both or neither/ }], 'a deferral without reason is refused')
  t.match(at(5), [{ path: 'externalRef', message: /already item 0/ }], 'a duplicate externalRef in the batch is refused at the later index')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals').get() as { n: number }).n, 0, 'nothing was stored')
})

t.test('a batch holds 1 to 5,000 referrals', async (t) => {
  const { app, auth } = await build(t)
  const empty = await post(app, auth.coordinator, [])
  t.equal(empty.statusCode, 422, 'an empty batch is 422')
  const over = await post(app, auth.coordinator, Array.from({ length: 5001 }, (_, i) => referral({ externalRef: `R${i}` })))
  t.equal(over.statusCode, 422, '5,001 referrals are 422')
  t.match(over.json().errors, [{ path: 'referrals', message: /1 to 5,000/ }], 'saying the limit')
  const missing = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { items: [] } })
  t.equal(missing.statusCode, 422, 'a body without referrals is 422')
  const full = await post(app, auth.coordinator, Array.from({ length: 5000 }, (_, i) => referral({ externalRef: `R${i}` })))
  t.equal(full.statusCode, 200, '5,000 referrals fit in one batch')
  t.equal(full.json().created, 5000, 'and are all stored')
})

t.test('a municipality key may post only its own municipality', async (t) => {
  const { app, auth, db } = await build(t)
  const res = await post(app, auth.municipality, [referral({ externalRef: 'mine' }), referral({ externalRef: 'theirs', municipality: '5035' })])
  t.equal(res.statusCode, 403, 'another municipality number is 403')
  t.match(res.json().errors, [{ index: 1, path: 'municipality', message: /5001, not 5035/ }], 'naming the item')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals').get() as { n: number }).n, 0, 'and nothing is stored')
  const coord = await post(app, auth.coordinator, [referral({ municipality: '5035' })])
  t.equal(coord.statusCode, 200, 'the coordinator may post for any municipality')
})

t.test('a track must be in force on the referral date', async (t) => {
  const { app, auth } = await build(t)
  const res = await post(app, auth.coordinator, [
    referral({ externalRef: 'c', track: 'corona', referredOn: '2023-01-02' }),
    referral({ externalRef: 'u', track: 'ukraine', language: 'uk', settledOn: '2022-04-01', referredOn: '2022-06-14' }),
    referral({ externalRef: 'c-ok', track: 'corona', settledOn: '2020-09-01', referredOn: '2020-10-01' }),
  ])
  t.equal(res.statusCode, 422, 'a repealed or not yet enacted track is 422')
  t.match(res.json().errors, [
    { index: 0, path: 'track', message: /corona track is in force from 2020-01-01 to 2022-12-31/ },
    { index: 1, path: 'track', message: /ukraine track is in force from 2022-06-15/ },
  ], 'each with a clear message, and the corona referral of 2020 passes')
})

t.test('another municipality\'s referral is 404, never 403', async (t) => {
  const { app, auth } = await build(t)
  const { ids } = (await post(app, auth.municipality, [referral()])).json()
  const id = ids[0] as string
  const get = await app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers: auth.otherMunicipality })
  t.equal(get.statusCode, 404, 'reading it is 404')
  const patch = await app.inject({ method: 'PATCH', url: `/v1/referrals/${id}`, headers: auth.otherMunicipality, payload: { advisorConsent: false } })
  t.equal(patch.statusCode, 404, 'changing it is 404')
  const nobody = await app.inject({ method: 'GET', url: '/v1/referrals/no-such-id', headers: auth.coordinator })
  t.equal(nobody.statusCode, 404, 'an unknown id is 404')
  const list = (await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.otherMunicipality })).json()
  t.same(list.referrals, [], 'the list of another municipality does not hold it')
  const asked = (await app.inject({ method: 'GET', url: '/v1/referrals?municipality=5001', headers: auth.otherMunicipality })).json()
  t.same(asked.referrals, [], 'not even when asked for by number')
})

t.test('analysts read pseudonymised: no name, no DUF number, no advisor, no external ref, no deferral reason', async (t) => {
  const { app, auth } = await build(t)
  const { ids } = (await post(app, auth.municipality, [referral({ externalRef: 'SAK-2025-0042', deferredUntil: '2099-01-01', deferralReason: 'Amina is on sick leave' })])).json()
  const one = (await app.inject({ method: 'GET', url: `/v1/referrals/${ids[0]}`, headers: auth.analyst })).json()
  t.equal(one.participant, undefined, 'no participant')
  t.equal(one.advisor, undefined, 'no advisor')
  t.equal(one.externalRef, undefined, 'no externalRef: the municipality\'s case id identifies a person')
  t.equal(one.deferralReason, undefined, 'no free-text deferral reason')
  t.match(one, { id: ids[0], deferredUntil: '2099-01-01', status: 'deferred' }, 'the pseudonymous id and the deferral date stay')
  const own = (await app.inject({ method: 'GET', url: `/v1/referrals/${ids[0]}`, headers: auth.municipality })).json()
  t.match(own, { externalRef: 'SAK-2025-0042', deferralReason: 'Amina is on sick leave' }, 'the owning municipality sees both')
  t.equal(one.track, 'ordinary', 'but the planning fields are there')
  const list = await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.analyst })
  t.notOk(/Amina|12345678|Rådgiver|kari@|SAK-2025/.test(list.body), 'the list carries no personal data either')
  const coord = (await app.inject({ method: 'GET', url: `/v1/referrals/${ids[0]}`, headers: auth.coordinator })).json()
  t.equal(coord.participant?.dufNumber, '202412345678', 'the coordinator sees the DUF number')
})

t.test('list filters by status and municipality', async (t) => {
  const { app, auth } = await build(t)
  await post(app, auth.coordinator, [
    referral({ externalRef: 'p' }),
    referral({ externalRef: 'b', competenceMappingDone: false }),
    referral({ externalRef: 'd', deferredUntil: '2099-01-01', deferralReason: 'not ready yet' }),
    referral({ externalRef: 'o', municipality: '5035' }),
  ])
  const get = async (q: string) => ((await app.inject({ method: 'GET', url: `/v1/referrals${q}`, headers: auth.coordinator })).json().referrals as { externalRef: string }[]).map((r) => r.externalRef)
  t.same((await get('')).sort(), ['b', 'd', 'o', 'p'], 'the coordinator sees all')
  t.same(await get('?status=blocked'), ['b'], 'ordinary without competence mapping is blocked')
  t.same(await get('?status=deferred'), ['d'], 'deferred until a future date is deferred')
  t.same(await get('?status=pending&municipality=5035'), ['o'], 'filters combine')
  const bad = await app.inject({ method: 'GET', url: '/v1/referrals?status=lost', headers: auth.coordinator })
  t.equal(bad.statusCode, 400, 'an unknown status in the query is 400')
  t.match(bad.json().errors, [{ path: 'status' }], 'naming the parameter')
})

t.test('PATCH changes consent, mapping, deferral (both or neither) and withdraws', async (t) => {
  const { app, auth } = await build(t)
  const { ids } = (await post(app, auth.municipality, [referral({ competenceMappingDone: false })])).json()
  const url = `/v1/referrals/${ids[0]}`
  const patch = (payload: unknown) => app.inject({ method: 'PATCH', url, headers: auth.municipality, payload: payload as object })
  const blocked = (await app.inject({ method: 'GET', url, headers: auth.municipality })).json()
  t.equal(blocked.status, 'blocked', 'starts blocked without competence mapping')
  const mapped = await patch({ competenceMappingDone: true, advisorConsent: false })
  t.equal(mapped.statusCode, 200, 'a valid patch is 200')
  t.match(mapped.json(), { status: 'pending', competenceMappingDone: true, advisorConsent: false }, 'and returns the changed referral')
  const half = await patch({ deferredUntil: '2099-01-01' })
  t.equal(half.statusCode, 422, 'a deferral without a reason is 422')
  const deferred = await patch({ deferredUntil: '2099-01-01', deferralReason: 'no schooling yet; try after the language course' })
  t.equal(deferred.json().status, 'deferred', 'a deferral with reason defers')
  const undeferred = await patch({ deferredUntil: null, deferralReason: null })
  t.equal(undeferred.json().status, 'pending', 'both null ends the deferral')
  t.equal(undeferred.json().deferredUntil, undefined, 'and clears it')
  const empty = await patch({})
  t.equal(empty.statusCode, 422, 'an empty patch is 422')
  const unknown = await patch({ track: 'ukraine' })
  t.equal(unknown.statusCode, 422, 'an immutable field is refused')
  const withdrawn = await patch({ withdrawn: true })
  t.equal(withdrawn.json().status, 'withdrawn', 'withdrawal sets the status')
  const after = await patch({ advisorConsent: true })
  t.equal(after.statusCode, 409, 'a withdrawn referral changes no more')
  const sneaked = await patch({ withdrawn: true, advisorConsent: true })
  t.equal(sneaked.statusCode, 409, 'not even alongside withdrawn: true')
  const read = (await app.inject({ method: 'GET', url, headers: auth.municipality })).json()
  t.equal(read.advisorConsent, false, 'and the consent stayed as it was')
})

t.test('re-posting a withdrawn referral is a 409 item error, all or nothing', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids } = (await post(app, auth.municipality, [referral({ externalRef: 'A' }), referral({ externalRef: 'B' })])).json()
  await app.inject({ method: 'PATCH', url: `/v1/referrals/${ids[1]}`, headers: auth.municipality, payload: { withdrawn: true } })
  const res = await post(app, auth.municipality, [referral({ externalRef: 'A', language: 'so' }), referral({ externalRef: 'B', language: 'so' })])
  t.equal(res.statusCode, 409, 're-posting a withdrawn referral is 409')
  t.match(res.json().errors, [{ index: 1, path: 'externalRef', message: /withdrawn/ }], 'naming that item as withdrawn')
  t.equal(res.json().errors.length, 1, 'and only that item')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals WHERE language = ?').get('so') as { n: number }).n, 0, 'nothing was stored, not even the other item')
})

t.test('a scheduled referral cannot be replaced by a re-post (409, nothing stored)', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids } = (await post(app, auth.municipality, [referral({ externalRef: 'A' }), referral({ externalRef: 'B' })])).json()
  bookSession(db, ids[1], { start: '2099-03-03T09:00:00+01:00', end: '2099-03-03T11:00:00+01:00' })
  const read = (await app.inject({ method: 'GET', url: `/v1/referrals/${ids[1]}`, headers: auth.municipality })).json()
  t.equal(read.status, 'scheduled', 'a booked coming session makes it scheduled')
  t.match(read.sessions, [{ kind: 'individual', referralId: ids[1], start: '2099-03-03T09:00:00+01:00' }], 'and is listed')
  const res = await post(app, auth.municipality, [referral({ externalRef: 'A', language: 'so' }), referral({ externalRef: 'B', language: 'so' })])
  t.equal(res.statusCode, 409, 're-posting a scheduled referral is 409')
  t.match(res.json().errors, [{ index: 1, message: /already scheduled/ }], 'naming that item')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals WHERE language = ?').get('so') as { n: number }).n, 0, 'nothing was stored, not even the other item')
  bookSession(db, ids[0], { start: '2020-03-03T09:00:00+01:00', end: '2020-03-03T11:00:00+01:00' })
  const done = (await app.inject({ method: 'GET', url: `/v1/referrals/${ids[0]}`, headers: auth.municipality })).json()
  t.equal(done.status, 'completed', 'an individual session that has ended makes it completed')
})

type App = Awaited<ReturnType<typeof build>>['app']

/** Follow nextCursor from the first page to the last; the ids of every page, in order. */
async function walk(app: App, headers: { authorization: string }, query: string): Promise<string[][]> {
  const pages: string[][] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/referrals?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`
    const res = await app.inject({ method: 'GET', url, headers })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    const body = res.json() as { referrals: { id: string }[]; nextCursor: string | null }
    pages.push(body.referrals.map((r) => r.id))
    cursor = body.nextCursor
    if (pages.length > 100) throw new Error('the cursor never ends')
  } while (cursor !== null)
  return pages
}

t.test('GET /v1/referrals in pages: every referral exactly once, filters and the municipality bound kept', async (t) => {
  const { app, auth } = await build(t)
  const own = (await post(app, auth.coordinator, Array.from({ length: 13 }, (_, i) => referral({ externalRef: `m-${i}`, competenceMappingDone: i % 3 !== 0 })))).json().ids as string[]
  const other = (await post(app, auth.coordinator, Array.from({ length: 10 }, (_, i) => referral({ externalRef: `o-${i}`, municipality: '5035' })))).json().ids as string[]
  const all = [...own, ...other].sort()

  const pages = await walk(app, auth.coordinator, 'limit=5')
  t.same(pages.map((p) => p.length), [5, 5, 5, 5, 3], 'pages of the limit, the last one shorter')
  t.same(pages.flat(), all, 'every referral once, in id order')

  const exact = await walk(app, auth.coordinator, 'limit=23')
  t.same(exact.map((p) => p.length), [23], 'a limit of exactly the total is one page with nextCursor null')

  const blocked = own.filter((_, i) => i % 3 === 0).sort()
  const blockedPages = await walk(app, auth.coordinator, 'status=blocked&limit=2')
  t.same(blockedPages.map((p) => p.length), [2, 2, 1], 'a status filter pages over the matches only')
  t.same(blockedPages.flat(), blocked, 'each blocked referral once')

  const mine = await walk(app, auth.municipality, 'limit=4')
  t.same(mine.flat(), [...own].sort(), "a municipality key walks only its own referrals")
  const asked = await walk(app, auth.municipality, 'municipality=5035&limit=4')
  t.same(asked, [[]], 'and asking for another municipality is one empty page')

  // A referral added behind the cursor mid-walk is not seen twice and nothing is skipped.
  const first = (await app.inject({ method: 'GET', url: '/v1/referrals?limit=10', headers: auth.coordinator })).json()
  await post(app, auth.coordinator, [referral({ externalRef: 'late' })])
  const rest = (await app.inject({ method: 'GET', url: `/v1/referrals?limit=5000&cursor=${first.nextCursor}`, headers: auth.coordinator })).json()
  const seen = [...first.referrals, ...rest.referrals].map((r: { id: string }) => r.id)
  t.equal(new Set(seen).size, seen.length, 'no referral on two pages')
  t.ok(all.every((id) => seen.includes(id)), 'none of the earlier ones skipped')
  t.equal(rest.nextCursor, null, 'the last page says so')
})

t.test('GET /v1/referrals pages: limit bounds and bad cursors are 400 problems', async (t) => {
  const { app, auth } = await build(t)
  await post(app, auth.coordinator, Array.from({ length: 501 }, (_, i) => referral({ externalRef: `r-${i}` })))
  const get = (query: string) => app.inject({ method: 'GET', url: `/v1/referrals?${query}`, headers: auth.coordinator })
  const byDefault = (await get('')).json()
  t.equal(byDefault.referrals.length, 500, 'the default page holds 500')
  t.type(byDefault.nextCursor, 'string', 'and points on to the rest')
  t.equal((await get('limit=5000')).json().referrals.length, 501, 'a limit of 5,000 is allowed')
  for (const limit of ['0', '5001', '-1', '2.5', 'all']) {
    const res = await get(`limit=${limit}`)
    t.equal(res.statusCode, 400, `limit=${limit} is 400`)
    t.match(res.json(), { errors: [{ path: 'limit' }] }, `limit=${limit} names the parameter`)
  }
  const forged = Buffer.from(JSON.stringify({ list: 'sessions', key: ['2025-01-01T00:00:00.000Z', 'x'] })).toString('base64url')
  for (const [what, cursor] of [['garbage', 'not-a-cursor'], ['a cursor of another list', forged], ['empty', '']] as const) {
    const res = await get(`cursor=${cursor}`)
    t.equal(res.statusCode, 400, `${what} as cursor is 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: as problem+json`)
    t.match(res.json(), { errors: [{ path: 'cursor', message: /nextCursor/ }] }, `${what}: says to pass nextCursor as given`)
  }
})

t.test('withdrawal cancels the coming sessions in the same transaction; a group meeting loses only that member', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids } = (await post(app, auth.municipality, [referral({ externalRef: 'A' }), referral({ externalRef: 'B' })])).json()
  const [a, b] = ids as [string, string]
  const held = bookSession(db, a, { start: '2020-03-03T09:00:00+01:00', end: '2020-03-03T11:00:00+01:00' })
  const coming = bookSession(db, a, { start: '2099-03-03T09:00:00+01:00', end: '2099-03-03T11:00:00+01:00', kind: 'followup' })
  const group = bookSession(db, a, { start: '2099-02-03T09:00:00+01:00', end: '2099-02-03T11:00:00+01:00' })
  db.prepare("UPDATE sessions SET kind = 'group', language = 'ar' WHERE id = ?").run(group)
  db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(group, b)
  const res = await app.inject({ method: 'PATCH', url: `/v1/referrals/${a}`, headers: auth.municipality, payload: { withdrawn: true } })
  t.equal(res.statusCode, 200, 'withdrawal is 200')
  t.match(res.json(), { status: 'withdrawn' }, 'and the referral is withdrawn')
  const status = (id: string) => (db.prepare('SELECT status FROM sessions WHERE id = ?').get(id) as { status: string }).status
  t.equal(status(coming), 'cancelled', 'the coming follow-up session is cancelled')
  t.equal(status(held), 'booked', 'the held session stays as history')
  t.equal(status(group), 'booked', 'the group meeting goes on for the others')
  const members = db.prepare('SELECT referral_id FROM session_referrals WHERE session_id = ?').pluck().all(group)
  t.same(members, [b], 'the withdrawn referral left the group meeting, the other stays')
  const other = (await app.inject({ method: 'GET', url: `/v1/referrals/${b}`, headers: auth.municipality })).json()
  t.equal(other.status, 'scheduled', 'the other member is still scheduled')
  const { ids: [c] } = (await post(app, auth.municipality, [referral({ externalRef: 'C' })])).json()
  const alone = bookSession(db, c, { start: '2099-02-04T09:00:00+01:00', end: '2099-02-04T11:00:00+01:00' })
  db.prepare("UPDATE sessions SET kind = 'group', language = 'ar' WHERE id = ?").run(alone)
  await app.inject({ method: 'PATCH', url: `/v1/referrals/${c}`, headers: auth.municipality, payload: { withdrawn: true } })
  t.equal(status(alone), 'cancelled', 'a group meeting left without members is cancelled')
})

t.test('a deferral past a coming booked session is 409 and changes nothing', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids: [id] } = (await post(app, auth.municipality, [referral()])).json()
  bookSession(db, id, { start: '2099-03-03T09:00:00+01:00', end: '2099-03-03T11:00:00+01:00' })
  const url = `/v1/referrals/${id}`
  const res = await app.inject({ method: 'PATCH', url, headers: auth.municipality, payload: { deferredUntil: '2099-04-01', deferralReason: 'language course first' } })
  t.equal(res.statusCode, 409, 'deferring past the booked session is 409')
  t.match(res.headers['content-type'], /application\/problem\+json/, 'as problem+json')
  t.match(res.json().detail, /cancel .* first with POST \/v1\/sessions\/\{id\}\/cancel/, 'saying to cancel the session first')
  const read = (await app.inject({ method: 'GET', url, headers: auth.municipality })).json()
  t.match(read, { status: 'scheduled' }, 'the referral stays scheduled')
  t.equal(read.deferredUntil, undefined, 'and is not deferred')
  const after = await app.inject({ method: 'PATCH', url, headers: auth.municipality, payload: { deferredUntil: '2099-03-03', deferralReason: 'after the session' } })
  t.equal(after.statusCode, 200, 'a deferral until the session day itself is allowed')
})

t.test('a municipality reading its referral sees of a group meeting only its own referral ids', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids: [mine] } = (await post(app, auth.municipality, [referral({ externalRef: 'M' })])).json()
  const { ids: [theirs] } = (await post(app, auth.otherMunicipality, [referral({ externalRef: 'T', municipality: '5035' })])).json()
  const group = bookSession(db, mine, { start: '2099-02-03T09:00:00+01:00', end: '2099-02-03T11:00:00+01:00' })
  db.prepare("UPDATE sessions SET kind = 'group', language = 'ar' WHERE id = ?").run(group)
  db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(group, theirs)
  const one = (await app.inject({ method: 'GET', url: `/v1/referrals/${mine}`, headers: auth.municipality })).json()
  t.same(one.sessions[0]?.referralIds, [mine], 'GET by id lists only the own referral of the group meeting')
  const list = (await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.municipality })).json()
  t.same(list.referrals[0]?.sessions[0]?.referralIds, [mine], 'and so does the list')
  const coord = (await app.inject({ method: 'GET', url: `/v1/referrals/${mine}`, headers: auth.coordinator })).json()
  t.same([...coord.sessions[0].referralIds].sort(), [mine, theirs].sort(), 'the coordinator sees every member')
})

t.test('implausible dates and a blank externalRef are 422 item errors; scenarios keep their history', async (t) => {
  const { app, auth, db } = await build(t)
  const res = await post(app, auth.municipality, [
    referral({ externalRef: 'future', referredOn: '2099-01-05' }),
    referral({ externalRef: 'old', settledOn: '2010-01-01' }),
    referral({ externalRef: 'coming', settledOn: '2099-01-01' }),
    referral({ externalRef: '   ' }),
    referral({ externalRef: 'ok', settledOn: '2015-01-01' }),
  ])
  t.equal(res.statusCode, 422, 'a batch with implausible dates is 422')
  const errors = res.json().errors as { index: number; path: string; message: string }[]
  t.match(errors.filter((e) => e.index === 0), [{ path: 'referredOn', message: /after today/ }], 'a referral dated in the future is refused')
  t.match(errors.filter((e) => e.index === 1), [{ path: 'settledOn', message: /before 2015-01-01/ }], 'a settlement in 2010 is refused')
  t.match(errors.filter((e) => e.index === 2), [{ path: 'settledOn', message: /after today/ }], 'a settlement in the future is refused')
  t.match(errors.filter((e) => e.index === 3), [{ path: 'externalRef', message: /empty or only spaces/ }], 'an externalRef of spaces is refused')
  t.equal(errors.filter((e) => e.index === 4).length, 0, 'settlement on 2015-01-01 is plausible')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals').get() as { n: number }).n, 0, 'nothing was stored')
  const trimmed = await post(app, auth.municipality, [referral({ externalRef: '  SAK-7 ' })])
  t.equal(trimmed.statusCode, 200, 'an externalRef with spaces around is accepted')
  t.equal(db.prepare('SELECT external_ref FROM referrals').pluck().get(), 'SAK-7', 'and stored trimmed')
  const scenario = ScenarioReferralSchema.safeParse({ ...referral({ referredOn: '2099-01-05', settledOn: '2099-01-01' }), advisor: undefined })
  t.ok(scenario.success, 'a scenario referral is not held to today (replays are history, fixtures may be generated ahead)')
})

t.test('a stored DUF number that cannot be decrypted is left out of reads, with one warning that holds no number', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-duf-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 't.db')
  const first = await build(t, { dbPath })
  const { ids } = (await post(first.app, first.auth.coordinator, [referral()])).json()
  for (const secret of [null, 'another-secret-than-the-one-used']) {
    const lines: string[] = []
    const logger = createLogger({ stream: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) })
    const { app, auth } = await build(t, { dbPath, secret, logger })
    const label = secret === null ? 'without TILDELING_SECRET' : 'with another secret'
    const one = await app.inject({ method: 'GET', url: `/v1/referrals/${ids[0]}`, headers: auth.coordinator })
    t.equal(one.statusCode, 200, `GET by id is 200 ${label}`)
    t.same(one.json().participant, { name: 'Amina Testperson' }, `the name stays and the DUF number is left out ${label}`)
    const list = await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.coordinator })
    t.equal(list.statusCode, 200, `the list is 200 ${label}`)
    t.same(list.json().referrals[0].participant, { name: 'Amina Testperson' }, `and leaves the number out too ${label}`)
    const warnings = lines.filter((l) => l.includes('could not be decrypted'))
    t.equal(warnings.length, 2, `one warning per read ${label}`)
    t.match(warnings[0], ids[0], 'naming the referral by its id')
    t.notOk(lines.some((l) => /12345678|v1\./.test(l)), `no log line holds the number or its ciphertext ${label}`)
  }
})

t.test('the OpenAPI document shows the referral shape for the batch items, while item errors keep their index', async (t) => {
  const { app, auth } = await build(t)
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  const items = doc.paths['/v1/referrals'].post.requestBody.content['application/json'].schema.properties.referrals.items
  t.match(items, { type: 'object', additionalProperties: false, properties: { externalRef: { type: 'string' }, track: { enum: ['ordinary', 'ukraine', 'corona'] }, participant: { type: 'object' } } }, 'items are documented as a referral, not as {}')
  t.match(items.required, ['externalRef', 'municipality', 'track', 'settledOn', 'language', 'advisor'], 'with its required fields')
  const res = await post(app, auth.coordinator, [referral({ externalRef: 'ok' }), referral({ externalRef: 'bad', track: 'other' })])
  t.match(res.json().errors, [{ index: 1, path: 'track' }], 'an invalid item is still named by index and path')
})

t.test('a withdrawal close to an interpreted session records a late cancellation, as POST /v1/sessions/:id/cancel does', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids: [id] } = (await post(app, auth.municipality, [referral()])).json()
  const soon = new Date(Date.now() + 5 * 3_600_000)
  const start = soon.toISOString().replace('Z', '+00:00')
  const end = new Date(soon.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+00:00')
  const session = bookSession(db, id, { start, end })
  db.prepare('UPDATE sessions SET interpreter_order_by = ? WHERE id = ?').run(start, session)
  await app.inject({ method: 'PATCH', url: `/v1/referrals/${id}`, headers: auth.municipality, payload: { withdrawn: true } })
  const row = db.prepare('SELECT status, cancel_reason, late_cancellation FROM sessions WHERE id = ?').get(session)
  t.same(row, { status: 'cancelled', cancel_reason: 'referral withdrawn', late_cancellation: 1 }, 'cancelled five hours ahead with an interpreter booked: late, with the withdrawal as reason')
})

t.test('problem details count right for one: "1 of 1 referral is invalid", "an analyst key"', async (t) => {
  const { app, auth } = await build(t)
  const one = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [{ ...referral(), settledOn: 'not a date' }] } })
  t.match(one.json().detail, /^1 of 1 referral is invalid; nothing was stored$/, 'one invalid of one')
  const denied = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.analyst, payload: { referrals: [referral()] } })
  t.match(denied.json().detail, /yours is an analyst key$/, 'an analyst key')
})
