import t from 'tap'
import { cancelSession } from '../../src/services/sessions.ts'
import { createSessionRepository } from '../../src/store/session-repository.ts'
import { createSettingsRepository } from '../../src/store/settings-repository.ts'
import { build, referral } from '../helpers/build.ts'
import { proposeOn, seedCentre, SETTLED } from './allocation-seed.ts'

type WireSession = { id: string; start: string; counsellorId: string; referralId?: string; referralIds?: string[]; interpreterOrderBy?: string }

t.test('cancel: not late a week ahead; the referral goes back to pending; a second cancel is 409', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { own } = await seedCentre(b, 2)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const list = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  const session = list.find((s) => s.referralId === own[0])
  if (!session) throw new Error('the referral was not booked')
  t.ok(session.interpreterOrderBy, 'the session is interpreted (the test referral wants an interpreter)')

  const res = await app.inject({ method: 'POST', url: `/v1/sessions/${session.id}/cancel`, headers: auth.coordinator, payload: { reason: 'participant ill' } })
  t.equal(res.statusCode, 200, 'cancel succeeds')
  t.same(res.json(), { lateCancellation: false, alsoCancelled: [] }, 'more than 36 hours ahead is not late; nothing depended on it')
  const referral = (await app.inject({ method: 'GET', url: `/v1/referrals/${own[0]}`, headers: auth.coordinator })).json()
  t.equal(referral.status, 'pending', 'the referral goes back to pending')
  const after = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  t.notOk(after.some((s) => s.id === session.id), 'a cancelled session is no longer listed as booked')

  const again = await app.inject({ method: 'POST', url: `/v1/sessions/${session.id}/cancel`, headers: auth.coordinator, payload: { reason: 'again' } })
  t.equal(again.statusCode, 409, 'cancelling twice is 409')
  const unknown = await app.inject({ method: 'POST', url: '/v1/sessions/00000000-0000-4000-8000-000000000000/cancel', headers: auth.coordinator, payload: { reason: 'x' } })
  t.equal(unknown.statusCode, 404, 'an unknown session is 404')
  const noReason = await app.inject({ method: 'POST', url: `/v1/sessions/${list[1]!.id}/cancel`, headers: auth.coordinator, payload: {} })
  t.equal(noReason.statusCode, 422, 'a reason is required')
  const byMunicipality = await app.inject({ method: 'POST', url: `/v1/sessions/${list[1]!.id}/cancel`, headers: auth.municipality, payload: { reason: 'x' } })
  t.equal(byMunicipality.statusCode, 403, 'a municipality cannot cancel')

  // The freed capacity is offered again in the next run.
  const next = await proposeOn(b)
  t.ok(next.sessions.some((s) => !s.pinned && s.referralId === own[0]), 'the cancelled referral is planned again')
})

t.test('cancel: late under 36 hours before an interpreted session, measured against an injected now', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  await seedCentre(b, 2)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const [first, second] = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  if (!first || !second) throw new Error('two sessions expected')
  const deps = { sessions: createSessionRepository(db), settings: createSettingsRepository(db) }
  const hoursBefore = (s: WireSession, h: number) => new Date(Date.parse(s.start) - h * 3_600_000)
  t.same(cancelSession(deps, first.id, 'ill', hoursBefore(first, 35)), { lateCancellation: true, alsoCancelled: [] }, '35 hours before is late')
  t.same(cancelSession(deps, second.id, 'ill', hoursBefore(second, 37)), { lateCancellation: false, alsoCancelled: [] }, '37 hours before is not late')
  const stored = db.prepare('SELECT late_cancellation AS late, cancel_reason AS reason FROM sessions WHERE id = ?').get(first.id)
  t.same(stored, { late: 1, reason: 'ill' }, 'the late flag and the reason are stored on the session row')
})

t.test('a session that has begun or been held cannot be cancelled', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  await seedCentre(b, 1)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const [session] = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  if (!session) throw new Error('a session expected')
  const deps = { sessions: createSessionRepository(db), settings: createSettingsRepository(db) }
  t.throws(() => cancelSession(deps, session.id, 'too late', new Date(Date.parse(session.start) + 60_000)), { statusCode: 409, message: /has already begun or been held/ }, 'a minute after its start is 409')
  t.equal(db.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(session.id), 'booked', 'and it stays booked')
})

t.test('cancelling a group meeting cancels its members\' individual sessions too; the next run plans a new meeting', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  await seedCentre(b, 0)
  const ukraine = (i: number) => referral({ externalRef: `U-${i}`, municipality: '5001', track: 'ukraine', language: 'uk', settledOn: SETTLED, competenceMappingDone: false })
  const ids = (await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [ukraine(1), ukraine(2)] } })).json().ids as string[]
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const booked = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  const group = booked.find((s) => s.referralIds !== undefined)
  const individual = booked.filter((s) => s.referralId !== undefined && ids.includes(s.referralId))
  if (!group) throw new Error('the run planned no group meeting')
  t.equal(individual.length, 2, 'each member has an individual session after the meeting')

  const res = await app.inject({ method: 'POST', url: `/v1/sessions/${group.id}/cancel`, headers: auth.coordinator, payload: { reason: 'room unavailable' } })
  t.equal(res.statusCode, 200, 'the meeting is cancelled')
  t.same(res.json().alsoCancelled.map((s: { id: string }) => s.id).sort(), individual.map((s) => s.id).sort(), 'its members\' individual sessions are cancelled with it and listed')
  const left = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  t.same(left, [], 'nothing of theirs is left booked')
  for (const id of ids) t.equal((await app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers: auth.coordinator })).json().status, 'pending', 'each member is pending again')
  const next = await proposeOn(b)
  const groups = (next.sessions as unknown as (WireSession & { pinned?: boolean })[]).filter((s) => s.referralIds !== undefined && !s.pinned)
  t.ok(groups.some((s) => ids.every((id) => s.referralIds!.includes(id))), 'the next run plans a new group meeting for them')
})

t.test('a municipality key sees only the sessions of its own referrals', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { own, other } = await seedCentre(b, 3)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const mine = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.municipality })).json().sessions as WireSession[]
  t.same(mine.map((s) => s.referralId).sort(), [...own].sort(), 'exactly its own referrals')
  const asked = (await app.inject({ method: 'GET', url: '/v1/sessions?municipality=5035', headers: auth.municipality })).json().sessions
  t.same(asked, [], 'asking for another municipality gives nothing')
  const all = (await app.inject({ method: 'GET', url: '/v1/sessions?municipality=5035', headers: auth.coordinator })).json().sessions as WireSession[]
  t.same(all.map((s) => s.referralId).sort(), [...other].sort(), 'the coordinator filters by municipality')
  const first = all[0]!
  const byCounsellor = (await app.inject({ method: 'GET', url: `/v1/sessions?counsellorId=${first.counsellorId}&from=${first.start.slice(0, 10)}&to=${first.start.slice(0, 10)}`, headers: auth.coordinator })).json().sessions as WireSession[]
  t.ok(byCounsellor.length >= 1 && byCounsellor.every((s) => s.counsellorId === first.counsellorId && s.start.slice(0, 10) === first.start.slice(0, 10)), 'filters by counsellor and date range')
  const analyst = await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.analyst })
  t.equal(analyst.statusCode, 403, 'an analyst sees no sessions')
})

t.test('a group meeting shared by two municipalities shows each only its own referral ids', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  await seedCentre(b, 0)
  const ukraine = (m: string, i: number) => referral({ externalRef: `U-${m}-${i}`, municipality: m, track: 'ukraine', language: 'uk', settledOn: SETTLED, competenceMappingDone: false })
  const own = (await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [ukraine('5001', 1), ukraine('5001', 2)] } })).json().ids as string[]
  const other = (await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.otherMunicipality, payload: { referrals: [ukraine('5035', 1)] } })).json().ids as string[]
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const all = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as WireSession[]
  const group = all.find((s) => s.referralIds !== undefined)
  if (!group) throw new Error('the run planned no group meeting')
  t.same([...group.referralIds!].sort(), [...own, ...other].sort(), 'the coordinator sees every participant of the group meeting')
  const mine = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.municipality })).json().sessions as WireSession[]
  const myGroup = mine.find((s) => s.id === group.id)
  t.same([...(myGroup?.referralIds ?? [])].sort(), [...own].sort(), "municipality 5001 sees the meeting with only its own referral ids")
  const theirs = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.otherMunicipality })).json().sessions as WireSession[]
  t.same(theirs.find((s) => s.id === group.id)?.referralIds, other, 'and 5035 only its own')
})

t.test('GET /v1/sessions in pages: start order, every session once, even when the last one seen is cancelled', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { own } = await seedCentre(b, 6)
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const get = async (query: string, headers = auth.coordinator) => {
    const res = await app.inject({ method: 'GET', url: `/v1/sessions?${query}`, headers })
    if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`)
    return res.json() as { sessions: WireSession[]; nextCursor: string | null }
  }
  const walk = async (query: string, headers = auth.coordinator, from: string | null = null) => {
    const pages: WireSession[][] = []
    let cursor = from
    do {
      const page = await get(`${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, headers)
      pages.push(page.sessions)
      cursor = page.nextCursor
    } while (cursor !== null && pages.length < 100)
    return pages
  }
  const whole = await get('limit=5000')
  t.equal(whole.sessions.length, 12, 'twelve sessions booked')
  t.equal(whole.nextCursor, null, 'one page when the limit covers them')

  const pages = await walk('limit=5')
  t.same(pages.map((p) => p.length), [5, 5, 2], 'pages of the limit')
  t.same(pages.flat().map((s) => s.id), whole.sessions.map((s) => s.id), 'together exactly the whole list, in its order')
  const starts = pages.flat().map((s) => Date.parse(s.start))
  t.ok(starts.every((x, i) => i === 0 || starts[i - 1]! <= x), 'in start order')

  const mine = await walk('limit=2', auth.municipality)
  t.same(mine.flat().map((s) => s.referralId).sort(), [...own].sort(), 'a municipality key pages through its own sessions only')

  // Keyset, not offset: cancelling the last session seen shifts nothing on the next page.
  const first = await get('limit=5')
  const last = first.sessions[4]!
  await app.inject({ method: 'POST', url: `/v1/sessions/${last.id}/cancel`, headers: auth.coordinator, payload: { reason: 'ill' } })
  const rest = await walk('limit=5', auth.coordinator, first.nextCursor)
  t.same([...first.sessions, ...rest.flat()].map((s) => s.id), whole.sessions.map((s) => s.id), 'the pages after it are the same sessions as before')

  const bounds = await app.inject({ method: 'GET', url: '/v1/sessions?limit=5001', headers: auth.coordinator })
  t.equal(bounds.statusCode, 400, 'a limit over 5,000 is 400')
  const referralCursor = Buffer.from(JSON.stringify({ list: 'referrals', key: ['x'] })).toString('base64url')
  const bad = await app.inject({ method: 'GET', url: `/v1/sessions?cursor=${referralCursor}`, headers: auth.coordinator })
  t.equal(bad.statusCode, 400, "a referrals cursor on sessions is 400")
  t.match(bad.json(), { status: 400, errors: [{ path: 'cursor' }] }, 'a problem naming the cursor')
})
