import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { addDays } from '../../solver/calendar.ts'
import { nationalYear } from '../../src/replay/national.ts'
import { createReplayPool, runReplayJob } from '../../src/replay/worker.ts'
import replayRoutes from '../../src/routes/replays.ts'
import { openDatabase } from '../../src/store/db.ts'
import { createKeyRepository } from '../../src/store/key-repository.ts'
import { build } from '../helpers/build.ts'

const weekly = [1, 2, 3].map((weekday) => ({ weekday, start: '08:00', end: '15:30' }))
const scenario = {
  name: 'api replay',
  from: '2025-03-03',
  to: '2025-05-30',
  counsellors: [{ id: 'a', name: 'A', municipalities: ['5001'], weekly, absences: [] }],
  referrals: Array.from({ length: 12 }, (_, i) => ({
    externalRef: `ref-${i}`,
    municipality: '5001',
    track: 'ordinary',
    settledOn: addDays('2025-01-10', i),
    referredOn: addDays('2025-02-25', i * 3),
    language: 'ar',
    competenceMappingDone: true,
    participant: { name: 'Amina Participant', dufNumber: '2020 12345678' },
    advisor: { name: 'Per Advisor', email: 'per@kommune.no' },
  })),
}

t.test('POST /v1/replays: figures per policy for analysts and coordinators, nothing personal', async (t) => {
  const { app, auth } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/replays?policy=fifo,optimised&seed=3', headers: auth.analyst, payload: scenario })
  t.equal(res.statusCode, 200, 'an analyst may replay a posted scenario')
  const body = res.json()
  t.same(body.policies.map((p: { policy: string }) => p.policy), ['fifo', 'optimised'], 'one result per policy, in order')
  const a = body.policies[1].accounts
  t.equal(a.held + a.booked + a.pending + a.withdrawn, 12, 'the accounts add up to the posted referrals')
  t.equal(body.policies[1].target.referrals, 12, 'the share by target date is in the result')
  t.ok(body.policies[1].weeks.some((w: { withinTargetShareToDate: unknown }) => typeof w.withinTargetShareToDate === 'number'), 'with its weekly figure')
  t.notMatch(res.body, /Amina|2020 ?12345678|Per Advisor|kommune\.no|ref-\d/, 'no names, DUF numbers, e-mails or referral ids in the result')
  const coordinator = await app.inject({ method: 'POST', url: '/v1/replays', headers: auth.coordinator, payload: scenario })
  t.equal(coordinator.statusCode, 200, 'a coordinator may replay too')
  t.equal(coordinator.json().policies[0].policy, 'optimised', 'default policy: optimised when the scenario has none')
  const municipality = await app.inject({ method: 'POST', url: '/v1/replays', headers: auth.municipality, payload: scenario })
  t.equal(municipality.statusCode, 403, 'a municipality may not')
})

t.test('POST /v1/replays: bad scenarios and oversized ones are problems', async (t) => {
  const { app, auth } = await build(t)
  const bad = await app.inject({ method: 'POST', url: '/v1/replays', headers: auth.analyst, payload: { ...scenario, counsellors: 'none' } })
  t.equal(bad.statusCode, 422, 'an invalid scenario is 422')
  t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  const policy = await app.inject({ method: 'POST', url: '/v1/replays?policy=lottery', headers: auth.analyst, payload: scenario })
  t.ok([400, 422].includes(policy.statusCode), 'an unknown policy name is refused')
  const many = { ...scenario, referrals: Array.from({ length: 20_001 }, () => ({})) }
  const big = await app.inject({ method: 'POST', url: '/v1/replays', headers: auth.analyst, payload: many })
  t.equal(big.statusCode, 422, 'over 20,000 referrals is refused')
  t.match(big.json().detail, /at most 20,000 referrals/, 'and says the bound')
  const long = await app.inject({ method: 'POST', url: '/v1/replays', headers: auth.analyst, payload: { ...scenario, to: '2035-01-01' } })
  t.equal(long.statusCode, 422, 'a period of ten years is refused')
})

// A centre's year (about 2,300 referrals): under four policies it computes for a second or more,
// against milliseconds for a health check.
const heavy = nationalYear({ referrals: 10_000, counsellors: 40 })[0]!
const ALL_POLICIES = 'fifo,edf,optimised,corona-2020'

t.test('POST /v1/replays runs off the event loop: health answers meanwhile, a second replay is 503 busy', async (t) => {
  const { app, auth } = await build(t)
  const post = () => app.inject({ method: 'POST', url: `/v1/replays?policy=${ALL_POLICIES}`, headers: auth.analyst, payload: heavy })
  const replays = [post(), post()]
  const settled = new Set<number>()
  replays.forEach((p, i) => void p.then(() => settled.add(i)))

  // The slot holder computes for seconds; the other is turned away at once.
  const busy = await Promise.race(replays)
  t.equal(busy.statusCode, 503, 'a replay while another runs is 503')
  t.equal(busy.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  t.equal(busy.headers['retry-after'], '15', 'with Retry-After')
  t.match(busy.json().detail, /another replay is running/, 'saying why')
  t.equal(settled.size, 1, 'the running replay has not answered yet')

  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200, 'GET /health answers while the replay computes')
  t.equal(settled.size, 1, 'and answers before the replay does (the event loop is free)')

  const [a, b] = await Promise.all(replays)
  const done = a!.statusCode === 200 ? a! : b!
  t.equal(done.statusCode, 200, 'the running replay completes')
  t.same(done.json().policies.map((p: { policy: string }) => p.policy), ALL_POLICIES.split(','), 'with one result per policy')
  t.equal(done.json().policies[2].accounts.referrals, heavy.referrals.length, 'over the whole scenario')

  const after = await app.inject({ method: 'POST', url: '/v1/replays?policy=fifo', headers: auth.analyst, payload: scenario })
  t.equal(after.statusCode, 200, 'once it is done the slot is free again')
})

t.test('POST /v1/replays past the time limit: 503 problem saying what to do, not a hung request', async (t) => {
  const { app, auth } = await build(t)
  // The same plugin once more with a 1 ms limit, mounted under /v1 so the app's key check and
  // error handler apply as they do to the real route. Starting the worker thread alone takes
  // longer than that on any machine, so the limit is always passed (a slow machine only passes it
  // by more); a 100 ms limit assumed a replay that is slower than the machine may make it.
  await app.register(replayRoutes, { prefix: '/v1/limited', timeoutMs: 1 })
  const res = await app.inject({ method: 'POST', url: `/v1/limited/v1/replays?policy=${ALL_POLICIES}`, headers: auth.analyst, payload: heavy })
  t.equal(res.statusCode, 503, 'a replay past the limit is 503')
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  t.match(res.json().detail, /ran past the limit of 0\.001 s and was stopped.*tildeling replay/, 'naming the limit and the way out')
  t.equal(res.headers['retry-after'], undefined, 'with no Retry-After: the same replay would only time out again')
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200, 'the service answers on')
})

t.test('the installed command (bin/tildeling.js serve) replays in its worker, started from another directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-replay-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 't.db')
  const setup = openDatabase(dbPath)
  const { key } = createKeyRepository(setup).create('analyst')
  setup.close()
  // No --import here: bin/tildeling.js registers tsx itself, and the worker must do the same.
  const bin = new URL('../../bin/tildeling.js', import.meta.url).pathname
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', dbPath], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => child.kill('SIGKILL'))
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const check = setInterval(() => {
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (listening) resolve((clearInterval(check), listening[1]!))
      if (child.exitCode !== null) reject(new Error(`server exited early: ${out}`))
    }, 50)
  })
  const res = await fetch(`${url}/v1/replays?policy=fifo`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(scenario) })
  t.equal(res.status, 200, 'the replay answers over HTTP')
  t.match(await res.json(), { scenario: 'api replay', policies: [{ policy: 'fifo', accounts: { referrals: 12 } }] }, 'with the figures')
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM still closes the server (its idle worker with it) and exits 0')
})

t.test('replay pool: the worker gives what the engine gives; a timeout, an engine error or an abort ends that worker, not the pool', async (t) => {
  const job = { scenario: heavy, policies: ['fifo'] }
  const pool = createReplayPool({ maxConcurrent: 2, timeoutMs: 60_000 })
  t.teardown(() => pool.close())
  const outcome = await pool.run(job)
  // Solve times differ from run to run; every other figure must not.
  const figures = (x: unknown) => JSON.parse(JSON.stringify(x, (key, value) => (key === 'solveMs' ? undefined : value)))
  t.ok(outcome.ok, 'the replay completes in the worker')
  if (outcome.ok) t.same(figures(outcome.result), figures(runReplayJob(job)), 'with the figures of the same replay in this thread')

  const limited = createReplayPool({ timeoutMs: 100 })
  t.teardown(() => limited.close())
  const late = await limited.run({ scenario: heavy, policies: ALL_POLICIES.split(',') })
  t.same(late, { ok: false, why: 'timeout', limitMs: 100 }, 'a replay past the limit is stopped and says so')
  t.equal(limited.running, 0, 'its worker is gone and the slot is free')

  const broken = await pool.run({ scenario: heavy, policies: ['lottery'] })
  t.match(broken, { ok: false, why: 'failed', error: { message: /unknown built-in policy lottery/ } }, 'an engine error comes back as failed, with its message')
  t.match(await pool.run(job), { ok: true }, 'and the pool still runs the next replay')

  const controller = new AbortController()
  const running = pool.run({ scenario: heavy, policies: ALL_POLICIES.split(',') }, controller.signal)
  t.equal(pool.running, 1, 'the replay holds a slot while it runs')
  controller.abort()
  t.same(await running, { ok: false, why: 'aborted' }, 'an aborted replay ends at once')
  t.equal(pool.running, 0, 'and frees its slot')
  t.match(await pool.run(job), { ok: true }, 'the next replay runs in a fresh worker')
})

t.test('GET /v1/capacity: the centre\'s open referrals against its counsellors, per week', async (t) => {
  const { app, auth } = await build(t)
  await app.inject({ method: 'PUT', url: '/v1/counsellors/a', headers: auth.coordinator, payload: { name: 'A', municipalities: ['5001'], weekly: [{ weekday: 1, start: '08:00', end: '15:30' }] } })
  const referrals = Array.from({ length: 10 }, (_, i) => ({
    externalRef: `c-${i}`, municipality: '5001', track: 'ordinary', settledOn: '2025-01-08', referredOn: '2025-03-01', language: 'ar',
    competenceMappingDone: true, advisor: { name: 'Per', email: 'per@kommune.no' },
  }))
  const posted = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { referrals } })
  t.equal(posted.statusCode, 200, 'referrals posted')
  const res = await app.inject({ method: 'GET', url: '/v1/capacity?from=2025-03-10&to=2025-04-13', headers: auth.analyst })
  t.equal(res.statusCode, 200, 'an analyst may read capacity')
  const table = res.json()
  t.equal(table.weeks.length, 5, 'a row per week')
  t.equal(table.availableHours, 37.5, 'five Mondays of 7.5 h')
  t.equal(table.neededHours, 10 * 2, 'ten 2-hour ordinary sessions (the 2025 rules)')
  t.equal(table.peakShortfallHours, 0, 'which fit')
  const backwards = await app.inject({ method: 'GET', url: '/v1/capacity?from=2025-04-13&to=2025-03-10', headers: auth.coordinator })
  t.equal(backwards.statusCode, 400, 'to before from is a 400')
  const municipality = await app.inject({ method: 'GET', url: '/v1/capacity', headers: auth.municipality })
  t.equal(municipality.statusCode, 403, 'a municipality may not read capacity')
})

t.test('closing the server stops a running replay (503) instead of waiting for it', async (t) => {
  const { app, auth } = await build(t)
  // Over a real connection: Fastify's close waits for open HTTP requests (injected ones it does not).
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const replay = fetch(`${url}/v1/replays?policy=${ALL_POLICIES}`, { method: 'POST', headers: { ...auth.analyst, 'content-type': 'application/json' }, body: JSON.stringify(heavy) })
  // Let the request reach its worker (the heavy scenario computes for seconds), then close.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await app.close()
  const res = await replay
  t.equal(res.status, 503, 'the running replay is stopped, not awaited')
  t.match(((await res.json()) as { detail: string }).detail, /server is closing/, 'saying why')
})
