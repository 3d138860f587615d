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

t.test('dated policy: PUT keeps each version by validFrom, GET ?on= gives the one in force, a proposal records it', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const put = (payload: object) => app.inject({ method: 'PUT', url: '/v1/policy', headers: auth.coordinator, payload })
  t.equal((await put({ validFrom: '2024-01-01', maxWaitWeeks: 6 })).statusCode, 200, 'an early version')
  const later = await put({ validFrom: '2026-06-01', interpreterServices: [{ name: 'Tolketjenesten', cancellationWorkingHours: 48 }, { name: 'Tolk AS', languages: ['ar'], cancellationHours: 240 }] })
  t.equal(later.statusCode, 200, 'a PUT with only interpreterServices works; cancellationHours up to 240 at least')
  t.match(later.json(), { validFrom: '2026-06-01', maxWaitWeeks: 8, interpreterServices: [{ name: 'Tolketjenesten' }, { name: 'Tolk AS' }] }, 'the rest at the defaults')
  const on = async (date: string) => (await app.inject({ method: 'GET', url: `/v1/policy?on=${date}`, headers: auth.analyst })).json()
  t.match(await on('2025-03-03'), { validFrom: '2024-01-01', maxWaitWeeks: 6 }, 'the version in force then')
  t.match(await on('2026-07-01'), { validFrom: '2026-06-01', maxWaitWeeks: 8 }, 'the later one after its validFrom')
  t.match(await on('2020-10-05'), { trackPeriods: { corona: { from: '2020-01-01', until: '2022-12-31' } } }, 'before any version: the defaults, with the track periods')
  t.notOk('validFrom' in (await on('2020-10-05')), 'no version in force')
  await put({ validFrom: '2024-01-01', maxWaitWeeks: 4 })
  t.match(await on('2025-03-03'), { validFrom: '2024-01-01', maxWaitWeeks: 4 }, 'the same validFrom replaces that version')
  t.equal((await put({ validFrom: '2024-13-01' })).statusCode, 422, 'not a date: 422')

  await seedCentre(b, 1)
  const proposal = (await proposeOn(b)) as unknown as { policyVersion: string; runDate: string }
  t.equal(proposal.policyVersion, proposal.runDate >= '2026-06-01' ? '2026-06-01' : '2024-01-01', 'the proposal records the version in force on its run date')
})
