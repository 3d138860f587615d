import t from 'tap'
import { build } from '../helpers/build.ts'

const kari = { name: 'Kari Veileder', municipalities: ['5001'], weekly: [{ weekday: 1, start: '09:00', end: '15:00' }], absences: [{ from: '2025-03-03', to: '2025-03-07', reason: 'sick' }], employedFrom: '2025-01-01' }

t.test('PUT creates (201), then replaces (200); GET reads them back', async (t) => {
  const { app, auth } = await build(t)
  const created = await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: kari })
  t.equal(created.statusCode, 201, 'a new counsellor is 201')
  t.same(created.json(), { id: 'kari', ...kari, disrupted: [] }, 'and answered as stored, with no disrupted sessions')
  const replaced = await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: { name: 'Kari V.', weekly: [] } })
  t.equal(replaced.statusCode, 200, 'a known counsellor is replaced with 200')
  t.same(replaced.json(), { id: 'kari', name: 'Kari V.', municipalities: [], weekly: [], absences: [], disrupted: [] }, 'replace, not merge: omitted fields take their defaults')
  await app.inject({ method: 'PUT', url: '/v1/counsellors/ali', headers: auth.coordinator, payload: kari })
  const list = await app.inject({ method: 'GET', url: '/v1/counsellors', headers: auth.analyst })
  t.equal(list.statusCode, 200, 'analysts may list counsellors')
  t.same(list.json().counsellors.map((c: { id: string }) => c.id), ['ali', 'kari'], 'all, by id')
  const one = await app.inject({ method: 'GET', url: '/v1/counsellors/ali', headers: auth.coordinator })
  t.equal(one.json().name, 'Kari Veileder', 'one by id')
  const none = await app.inject({ method: 'GET', url: '/v1/counsellors/nobody', headers: auth.coordinator })
  t.equal(none.statusCode, 404, 'an unknown counsellor is 404')
})

t.test('invalid counsellors are 422 with every problem named', async (t) => {
  const { app, auth } = await build(t)
  const res = await app.inject({
    method: 'PUT',
    url: '/v1/counsellors/kari',
    headers: auth.coordinator,
    payload: { name: 'K', weekly: [{ weekday: 8, start: '15:00', end: '09:00' }], absences: [{ from: '2025-02-30', to: '2025-03-01', reason: 'holiday' }], extra: 1 },
  })
  t.equal(res.statusCode, 422, 'an invalid body is 422')
  const paths = (res.json().errors as { path: string }[]).map((e) => e.path)
  for (const p of ['weekly.0.weekday', 'absences.0.from', 'absences.0.reason', '']) t.ok(paths.includes(p), `names ${p || 'the unknown field'}`)
  const badId = await app.inject({ method: 'PUT', url: '/v1/counsellors/bad%20id!', headers: auth.coordinator, payload: kari })
  t.equal(badId.statusCode, 400, 'a malformed id in the path is 400')
})
