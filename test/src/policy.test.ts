import t from 'tap'
import { DEFAULT_POLICY } from '../../solver/policy.ts'
import { build } from '../helpers/build.ts'
import { proposeOn, seedCentre } from './allocation-seed.ts'

t.test('GET /v1/policy gives the defaults; PUT stores settings that GET and the next run use', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const initial = await app.inject({ method: 'GET', url: '/v1/policy', headers: auth.analyst })
  t.equal(initial.statusCode, 200, 'analysts may read the policy')
  t.match(initial.json(), { deadlineMonths: 3, lateCancellationHours: 36, leadDays: DEFAULT_POLICY.leadDays, priority: DEFAULT_POLICY.priority }, 'the defaults of domain.md')
  t.notOk('interpreterCapacity' in initial.json(), 'no interpreter limit until one is set')

  const put = await app.inject({
    method: 'PUT',
    url: '/v1/policy',
    headers: auth.coordinator,
    payload: { priority: ['threatened-industry', 'deadline'], leadDays: { ordinary: 10 }, interpreterCapacity: { ar: 1 } },
  })
  t.equal(put.statusCode, 200, 'a coordinator sets the policy')
  t.match(put.json(), { priority: ['threatened-industry', 'deadline'], leadDays: { ordinary: 10, ukraine: 14 }, interpreterCapacity: { ar: 1 } }, 'the given fields over the defaults')
  const got = (await app.inject({ method: 'GET', url: '/v1/policy', headers: auth.coordinator })).json()
  t.same(got, put.json(), 'GET returns what PUT answered')

  // The next run honours the stored lead time and the interpreter cap.
  await seedCentre(b, 4)
  const proposal = await proposeOn(b)
  const firstDay = proposal.sessions.map((s) => s.start.slice(0, 10)).sort()[0]!
  const runDate = (proposal as unknown as { runDate: string }).runDate
  t.ok(Date.parse(firstDay) - Date.parse(runDate) >= 10 * 86_400_000, 'no interpreted session inside the stored 10 lead days')
  const perDay = new Map<string, number>()
  for (const s of proposal.sessions) perDay.set(s.start.slice(0, 10), (perDay.get(s.start.slice(0, 10)) ?? 0) + 1)
  t.ok([...perDay.values()].every((n) => n <= 1), 'at most one Arabic interpreted session a day, as the cap says')

  const reset = await app.inject({ method: 'PUT', url: '/v1/policy', headers: auth.coordinator, payload: {} })
  t.same(reset.json().leadDays, DEFAULT_POLICY.leadDays, 'PUT replaces: an empty body restores the defaults')
  t.notOk('interpreterCapacity' in reset.json(), 'and lifts the interpreter cap')
})

t.test('PUT /v1/policy: invalid settings are 422; only coordinators', async (t) => {
  const { app, auth } = await build(t)
  const bad = await app.inject({ method: 'PUT', url: '/v1/policy', headers: auth.coordinator, payload: { priority: ['deadline', 'deadline'], leadDays: { ordinary: -1 }, colour: 'red' } })
  t.equal(bad.statusCode, 422, 'invalid settings are 422')
  t.ok((bad.json().errors as unknown[]).length >= 2, 'every problem is listed')
  const muni = await app.inject({ method: 'PUT', url: '/v1/policy', headers: auth.municipality, payload: {} })
  t.equal(muni.statusCode, 403, 'a municipality cannot set the policy')
  const read = await app.inject({ method: 'GET', url: '/v1/policy', headers: auth.municipality })
  t.equal(read.statusCode, 403, 'nor read it')
})
