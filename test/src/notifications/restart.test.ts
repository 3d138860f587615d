import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { verifySignature } from '../../../src/services/notifications/signing.ts'
import { startDeliveryWorker } from '../../../src/services/notifications/worker.ts'
import { openDatabase } from '../../../src/store/db.ts'
import { createKeyRepository } from '../../../src/store/key-repository.ts'
import { referral, TEST_SECRET } from '../../helpers/build.ts'
import { counsellor, RUN_DATE, SETTLED } from '../allocation-seed.ts'
import { receiver, testConfig } from './helpers.ts'

const ROOT = new URL('../../..', import.meta.url).pathname

/** Wait for a condition that the server reaches in its own time; a generous limit, never a fixed sleep. */
async function until(what: string, ok: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function serve(dbPath: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', dbPath], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      TILDELING_SECRET: TEST_SECRET,
      // Short timings so the test does not wait for real back-off; the order of events is what it checks.
      TILDELING_OUTBOX_POLL_MS: '100',
      TILDELING_OUTBOX_RETRY_MS: '100',
      TILDELING_OUTBOX_MAX_DELAY_MS: '200',
      TILDELING_OUTBOX_TIMEOUT_MS: '2000',
      TILDELING_OUTBOX_LEASE_MS: '3000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearInterval(check)
        resolve({ child, url: m[1]!, exited })
      }
      if (child.exitCode !== null) reject(new Error(`server exited early: ${out}`))
    }, 50)
  })
}

t.test('at least once across a SIGKILL: receiver down, server killed, receiver up, server back: every event arrives, deduplicated by id', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-outbox-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 't.db')
  const setup = openDatabase(dbPath)
  const keys = createKeyRepository(setup)
  const coordinator = { authorization: `Bearer ${keys.create('coordinator').key}`, 'content-type': 'application/json' }
  const municipality = { authorization: `Bearer ${keys.create('municipality', '5001').key}`, 'content-type': 'application/json' }
  setup.close()
  const peek = new Database(dbPath, { readonly: true })
  t.teardown(() => peek.close())
  const webhookRows = () => peek.prepare(`SELECT event_id, status, attempts FROM deliveries WHERE channel = 'webhook'`).all() as { event_id: string; status: string; attempts: number }[]

  // The receiver's port, with nothing listening on it yet.
  const probe = await receiver(t)
  const port = probe.port
  await new Promise<void>((resolve) => probe.server.close(() => resolve()))

  const first = await serve(dbPath)
  t.teardown(() => first.child.kill('SIGKILL'))
  const call = async (url: string, method: string, headers: Record<string, string>, body?: unknown) => {
    const { 'content-type': _json, ...bare } = headers
    const res = await fetch(`${first.url}${url}`, body === undefined ? { method, headers: bare } : { method, headers, body: JSON.stringify(body) })
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<Record<string, unknown>>
  }
  const hook = (await call('/v1/webhooks', 'POST', municipality, { url: `http://127.0.0.1:${port}/hook`, events: ['session.booked', 'session.cancelled'] })) as { id: string; secret: string }
  await call('/v1/counsellors/kari', 'PUT', coordinator, counsellor(['5001']))
  await call('/v1/referrals', 'POST', municipality, { referrals: Array.from({ length: 4 }, (_, i) => referral({ externalRef: `K-${i}`, settledOn: SETTLED })) })
  const proposal = (await call('/v1/allocations', 'POST', coordinator, { runDate: RUN_DATE, horizonWeeks: 4 })) as { id: string }
  await call(`/v1/allocations/${proposal.id}/commit`, 'POST', coordinator)
  const { sessions } = (await call('/v1/sessions', 'GET', coordinator)) as { sessions: { id: string }[] }
  t.ok(sessions.length >= 2, 'sessions were booked')
  await call(`/v1/sessions/${sessions[0]!.id}/cancel`, 'POST', coordinator, { reason: 'test' })
  const expected = sessions.length + 1
  t.equal(webhookRows().length, expected, 'the outbox holds one delivery per booking and one for the cancellation')

  await until('every delivery tried and failed against the closed port', () => webhookRows().every((r) => r.attempts >= 1 && r.status === 'pending'))
  first.child.kill('SIGKILL')
  t.equal(await first.exited, null, 'the server is killed, not closed')
  t.ok(webhookRows().every((r) => r.status === 'pending'), 'nothing was lost: all still pending')

  const up = await receiver(t, { port })
  const second = await serve(dbPath)
  t.teardown(() => second.child.kill('SIGKILL'))
  await until('every delivery delivered after the restart', () => webhookRows().every((r) => r.status === 'delivered'))
  const ids = new Set(up.got.map((g) => g.json.id))
  t.same([...ids].sort(), webhookRows().map((r) => r.event_id).sort(), 'deduplicated by id, exactly the events of the outbox arrived')
  t.ok(up.got.every((g) => verifySignature(g.body, hook.secret, g.headers['x-tildeling-signature'] as string)), 'each signed with the secret')
  t.same(new Set(up.got.filter((g) => g.json.type === 'session.booked').map((g) => g.json.data.sessionId)), new Set(sessions.map((s) => s.id)), 'one booking event per session')

  second.child.kill('SIGTERM')
  t.equal(await second.exited, 0, 'SIGTERM stops the worker and the server cleanly')
})

t.test('two workers on two connections to one database (as two server processes) never send the same delivery in the same attempt', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-two-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 't.db')
  const r = await receiver(t)
  const a = openDatabase(dbPath)
  const b = openDatabase(dbPath)
  t.teardown(() => {
    a.close()
    b.close()
  })
  a.prepare(`INSERT INTO webhooks (id, url, events, secret, municipality, created_by, created_at) VALUES ('w', ?, '["session.booked"]', 's', NULL, 'test', '2025-01-01T00:00:00Z')`).run(r.url)
  const now = new Date().toISOString()
  const insertEvent = a.prepare(`INSERT INTO outbox_events (id, type, occurred_at, session_id, data, municipalities) VALUES (?, 'session.booked', ?, NULL, '{"sessionId":"x","referrals":[]}', '[]')`)
  const insertDelivery = a.prepare(`INSERT INTO deliveries (event_id, channel, webhook_id, status, next_attempt_at, created_at) VALUES (?, 'webhook', 'w', 'pending', ?, ?)`)
  a.transaction(() => {
    for (let i = 0; i < 200; i++) {
      insertEvent.run(`e${i}`, now)
      insertDelivery.run(`e${i}`, now, now)
    }
  })()
  const one = startDeliveryWorker({ db: a, config: testConfig(), poll: false })
  const two = startDeliveryWorker({ db: b, config: testConfig(), poll: false })
  const [n1, n2] = await Promise.all([one.runOnce(), two.runOnce()])
  t.equal(n1 + n2, 200, 'between them every delivery was attempted once')
  t.equal(r.got.length, 200, 'the receiver got 200 posts')
  t.equal(new Set(r.got.map((g) => g.json.id)).size, 200, 'no event twice')
})
