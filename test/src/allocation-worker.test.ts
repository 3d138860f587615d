import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { createSolvePool, type SolveJob } from '../../src/services/solve-worker.ts'
import { solve } from '../../solver/solve.ts'
import { openDatabase } from '../../src/store/db.ts'
import type { Built } from '../helpers/build.ts'
import { counsellor, RUN_DATE, seedCentre } from './allocation-seed.ts'

/** An app whose solve pool holds each run at a barrier until the test lets it go. */
async function held(t: Test) {
  let arrived!: () => void
  const reached = new Promise<void>((resolve) => (arrived = resolve))
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const jobs: SolveJob[] = []
  const pool = createSolvePool({
    beforeRun: async (job) => {
      jobs.push(job)
      arrived()
      await gate
    },
  })
  const db = openDatabase(':memory:')
  const app = await buildApp({ db, secret: 'test-secret-not-for-production', solvePool: pool })
  t.teardown(async () => {
    await app.close()
    await pool.close()
    db.close()
  })
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
  const keys = app.store.keys
  const built: Built = {
    app,
    db,
    auth: {
      coordinator: bearer(keys.create('coordinator').key),
      municipality: bearer(keys.create('municipality', '5001').key),
      otherMunicipality: bearer(keys.create('municipality', '5035').key),
      analyst: bearer(keys.create('analyst').key),
    },
  }
  return { built, reached, release, jobs }
}

t.test('a second propose while one runs gets 503 with Retry-After; reads are answered meanwhile; the run then completes', async (t) => {
  const { built, reached, release, jobs } = await held(t)
  const { app, auth } = built
  await seedCentre(built)
  const body = { runDate: RUN_DATE, horizonWeeks: 4 }
  const first = app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: body })
  await reached

  const second = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: body })
  t.equal(second.statusCode, 503, 'the second propose is refused while the first runs')
  t.match(second.headers['content-type'], /application\/problem\+json/, 'as problem+json')
  t.ok(Number(second.headers['retry-after']) > 0, 'with Retry-After in seconds')
  t.match(second.json().detail, /in progress/, 'saying a run is in progress')

  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200, '/health answers while the run is held')
  const list = await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.municipality })
  t.equal(list.statusCode, 200, 'GET /v1/referrals answers while the run is held')

  release()
  const done = await first
  t.equal(done.statusCode, 201, 'the first run completes once released')
  const proposal = done.json()
  const job = jobs[0]!
  if (job.kind === 'repair') throw new Error('the propose ran as a repair')
  const inThread = solve(job.problem, job.options)
  t.same(proposal.stats.scheduled, inThread.stats.scheduled, 'the worker proposes what the solver proposes in this thread')
  t.same(proposal.sessions.length, inThread.sessions.length, 'the same sessions')
  t.ok(job.options.timeLimitMs !== undefined, 'the run carries the time limit the API states')

  const third = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: body })
  t.equal(third.statusCode, 201, 'a propose after the run finished is accepted')
})

t.test('the OpenAPI description states the time limit and the 503', async (t) => {
  const { built } = await held(t)
  const doc = await built.app.inject({ method: 'GET', url: '/docs/json' })
  const op = doc.json().paths['/v1/allocations'].post
  t.match(op.description, /time limit of \d+ s/, 'the time limit in seconds')
  t.match(op.description, /timedout/, 'and how the proposal says it was reached')
  t.ok(op.responses['503'], '503 is documented')
})

t.test('a repair runs in the worker too: 503 while a plan run is in progress, then repaired off the event loop', async (t) => {
  const { built, reached, release, jobs } = await held(t)
  const { app, auth } = built
  await seedCentre(built)
  const first = app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: RUN_DATE, horizonWeeks: 4 } })
  await reached
  const during = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { mode: 'repair' } })
  t.equal(during.statusCode, 503, 'a repair while a run is in progress is refused')
  t.ok(Number(during.headers['retry-after']) > 0, 'with Retry-After')
  release()
  const planned = (await first).json() as { id: string; sessions: { counsellorId: string; start: string }[] }
  t.equal((await app.inject({ method: 'POST', url: `/v1/allocations/${planned.id}/commit`, headers: auth.coordinator })).statusCode, 200, 'the plan commits')
  const karis = planned.sessions.filter((s) => s.counsellorId === 'kari')
  t.ok(karis.length > 0, 'kari has bookings')
  const day = karis[0]!.start.slice(0, 10)
  const put = await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: { ...counsellor(['5001']), absences: [{ from: day, to: day, reason: 'sick' }] } })
  t.ok(put.json().disrupted.length > 0, 'her sick day disrupts a booking')

  const repaired = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { mode: 'repair' } })
  t.equal(repaired.statusCode, 201, 'the repair is proposed')
  t.equal(jobs.at(-1)?.kind, 'repair', 'by the worker pool, as a repair job')
  t.equal(repaired.json().changes.length, put.json().disrupted.length, 'one change per disrupted booking')
})
