import t from 'tap'
import { addDays } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'
import { ProposalSchema } from '../../src/schemas/session.ts'
import { allocationDeps, commitAllocation } from '../../src/services/allocation.ts'
import { build, referral } from '../helpers/build.ts'
import { counsellor, proposeOn, RUN_DATE, seedCentre, SETTLED } from './allocation-seed.ts'

t.test('propose -> get -> commit: sessions booked, referrals scheduled, a second commit 409', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { own, other } = await seedCentre(b)
  const proposal = await proposeOn(b)
  t.ok(ProposalSchema.safeParse(proposal).success, 'the proposal has the contract shape')
  t.match(proposal, { runDate: RUN_DATE, status: 'proposed' }, 'proposed on the requested run date')
  t.equal(proposal.sessions.length, 8, 'every referral gets a session (capacity is ample)')

  const got = await app.inject({ method: 'GET', url: `/v1/allocations/${proposal.id}`, headers: auth.coordinator })
  t.same(got.json(), proposal, 'GET returns the stored proposal')

  const before = await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })
  t.same(before.json().sessions, [], 'nothing is booked before commit')

  const commit = await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  t.equal(commit.statusCode, 200, 'commit succeeds')
  t.match(commit.json(), { status: 'committed', booked: 8 }, 'commit books every new session')

  const sessions = await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })
  t.equal(sessions.json().sessions.length, 8, 'the booked sessions are listed')
  const r = await app.inject({ method: 'GET', url: `/v1/referrals/${own[0]}`, headers: auth.coordinator })
  t.equal(r.json().status, 'scheduled', 'a referral with a booked session reads as scheduled')

  const again = await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  t.equal(again.statusCode, 409, 'committing the same proposal twice is 409')
  t.match(again.json().detail, /committed, not proposed/, 'and says why')

  // Next week: the committed sessions are pinned and nobody is booked twice.
  const next = await proposeOn(b)
  t.equal(next.sessions.filter((s) => s.pinned).length, 8, 'committed sessions come back pinned in a later run')
  t.equal(next.sessions.filter((s) => !s.pinned).length, 0, 'and no referral gets a second first session')
  t.ok(other.length === 4, 'both municipalities were seeded')
})

t.test('commit after a change is 409 and books nothing', async (t) => {
  for (const change of ['new referral', 'counsellor changed', 'policy changed'] as const) {
    const b = await build(t)
    const { app, auth } = b
    await seedCentre(b, 2)
    const proposal = await proposeOn(b)
    if (change === 'new referral') await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ externalRef: 'LATE', settledOn: SETTLED })] } })
    if (change === 'counsellor changed') await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: counsellor([]) })
    if (change === 'policy changed') await app.inject({ method: 'PUT', url: '/v1/policy', headers: auth.coordinator, payload: { leadDays: { ordinary: 10 } } })
    const res = await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
    t.equal(res.statusCode, 409, `${change}: commit is 409`)
    t.match(res.json().detail, /changed since this proposal.*re-run the allocation/, `${change}: the detail says to re-run`)
    const sessions = await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })
    t.same(sessions.json().sessions, [], `${change}: nothing was booked`)
    const got = await app.inject({ method: 'GET', url: `/v1/allocations/${proposal.id}`, headers: auth.coordinator })
    t.equal(got.json().status, 'stale', `${change}: the proposal is marked stale`)
  }
})

t.test('no booking in the past: a run date before today is 422; a proposal committed after its run date or once a session began is 409', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  await seedCentre(b, 2)
  const past = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: addDays(todayInOslo(), -1) } })
  t.equal(past.statusCode, 422, 'yesterday as run date is refused')
  t.match(past.json(), { errors: [{ path: 'runDate' }] }, 'naming the field')
  const proposal = await proposeOn(b)
  const deps = allocationDeps(db)
  const later = new Date(`${addDays(RUN_DATE, 1)}T12:00:00Z`)
  t.throws(() => commitAllocation(deps, proposal.id, later), { statusCode: 409, message: new RegExp(`proposed for ${RUN_DATE}`) }, 'a proposal left lying past its run date is not committed')
  const first = Math.min(...proposal.sessions.map((x) => Date.parse(x.start)))
  t.throws(() => commitAllocation(deps, proposal.id, new Date(first + 60_000)), { statusCode: 409, message: /has begun/ }, 'nor one whose first session has begun, and it says which')
  t.equal(db.prepare(`SELECT count(*) FROM sessions`).pluck().get(), 0, 'nothing was booked')
  t.equal(commitAllocation(deps, proposal.id).booked, proposal.sessions.length, 'committed in time, it books')
})

t.test('roles: only coordinators propose, read and commit', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  for (const [who, headers] of [['municipality', auth.municipality], ['analyst', auth.analyst]] as const) {
    const res = await app.inject({ method: 'POST', url: '/v1/allocations', headers, payload: {} })
    t.equal(res.statusCode, 403, `a ${who} key cannot propose`)
  }
  const none = await app.inject({ method: 'POST', url: '/v1/allocations', payload: {} })
  t.equal(none.statusCode, 401, 'no key is 401')
  const unknown = await app.inject({ method: 'GET', url: '/v1/allocations/00000000-0000-4000-8000-000000000000', headers: auth.coordinator })
  t.equal(unknown.statusCode, 404, 'an unknown allocation is 404')
  const commitUnknown = await app.inject({ method: 'POST', url: '/v1/allocations/00000000-0000-4000-8000-000000000000/commit', headers: auth.coordinator })
  t.equal(commitUnknown.statusCode, 404, 'committing an unknown allocation is 404')
  const bad = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { horizonWeeks: 27 } })
  t.equal(bad.statusCode, 422, 'a horizon over 26 weeks is 422')
})

t.test('GET /v1/allocations: the run history newest first, with status and stats, without sessions, in pages', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  await seedCentre(b, 2)
  const a = await proposeOn(b)
  const bee = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${bee.id}/commit`, headers: auth.coordinator })
  const refused = await app.inject({ method: 'POST', url: `/v1/allocations/${a.id}/commit`, headers: auth.coordinator })
  t.equal(refused.statusCode, 409, 'the older proposal cannot be committed after the newer one (it turns stale)')
  const c = await proposeOn(b)

  const res = await app.inject({ method: 'GET', url: '/v1/allocations', headers: auth.coordinator })
  t.equal(res.statusCode, 200, 'a coordinator reads the history')
  const { allocations, nextCursor } = res.json() as { allocations: Record<string, unknown>[]; nextCursor: string | null }
  t.same(allocations.map((x) => [x.id, x.status]), [[c.id, 'proposed'], [bee.id, 'committed'], [a.id, 'stale']], 'newest first, each with its status')
  t.match(allocations[1], { runDate: RUN_DATE, horizonWeeks: 4, createdAt: String, committedAt: String, stats: { referrals: 4, scheduled: 4 } }, 'with run date, times and the stats summary')
  t.notOk(allocations.some((x) => 'sessions' in x || 'unassigned' in x || 'deadlineBreaches' in x), 'without the session lists')
  t.equal(nextCursor, null, 'one page holds them all')

  const committed = (await app.inject({ method: 'GET', url: '/v1/allocations?status=committed', headers: auth.coordinator })).json()
  t.same(committed.allocations.map((x: { id: string }) => x.id), [bee.id], 'filtered by status')

  const walked: string[] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/allocations?limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`
    const page = (await app.inject({ method: 'GET', url, headers: auth.coordinator })).json() as { allocations: { id: string }[]; nextCursor: string | null }
    t.ok(page.allocations.length <= 1, 'a page holds at most the limit')
    walked.push(...page.allocations.map((x) => x.id))
    cursor = page.nextCursor
  } while (cursor !== null && walked.length < 10)
  t.same(walked, [c.id, bee.id, a.id], 'walking pages of one gives each run once, in the same order')

  const bad = await app.inject({ method: 'GET', url: '/v1/allocations?cursor=abc', headers: auth.coordinator })
  t.equal(bad.statusCode, 400, 'a bad cursor is 400')
  t.match(bad.json(), { errors: [{ path: 'cursor' }] }, 'naming the cursor')
  const badStatus = await app.inject({ method: 'GET', url: '/v1/allocations?status=done', headers: auth.coordinator })
  t.equal(badStatus.statusCode, 400, 'an unknown status is 400')
})

t.test('GET /v1/allocations: coordinators only', async (t) => {
  const { app, auth } = await build(t)
  for (const [who, headers] of [['municipality', auth.municipality], ['analyst', auth.analyst]] as const) {
    const res = await app.inject({ method: 'GET', url: '/v1/allocations', headers })
    t.equal(res.statusCode, 403, `a ${who} key cannot read the run history`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${who}: as problem+json`)
  }
  const none = await app.inject({ method: 'GET', url: '/v1/allocations' })
  t.equal(none.statusCode, 401, 'no key is 401')
  const empty = (await app.inject({ method: 'GET', url: '/v1/allocations', headers: auth.coordinator })).json()
  t.same(empty, { allocations: [], nextCursor: null }, 'no runs yet: an empty page')
})
