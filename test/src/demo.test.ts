import t from 'tap'
import { loadDemoCentre } from '../../src/services/demo.ts'
import { demoInstructions } from '../../src/cli/demo.ts'
import { openDatabase } from '../../src/store/db.ts'
import { allocationDeps, commitAllocation, propose } from '../../src/services/allocation.ts'
import { mondayOf } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'

t.test('the demo centre loads twice without duplicates, dated to this week', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const first = loadDemoCentre(db)
  t.equal(first.runDate, mondayOf(todayInOslo()), "the fixture's run date becomes this week's Monday")
  t.match(first, { counsellors: 4, created: 40, updated: 0 }, 'first load creates 4 counsellors and 40 referrals')
  const second = loadDemoCentre(db)
  t.match(second, { created: 0, updated: 40 }, 'a second load updates, creating nothing')
  const deps = allocationDeps(db)
  t.equal(deps.referrals.list().length, 40, 'still 40 referrals')
  t.equal(deps.counsellors.list().length, 4, 'still 4 counsellors')
  const municipalities = new Set(deps.referrals.list().map((r) => r.municipality))
  t.same([...municipalities].sort(), ['5001', '5006', '5035'], 'three municipalities')

  // The demo's story: a proposal with deadlines live, then a reload after committing.
  const proposal = propose(deps, {})
  t.ok(proposal.sessions.length > 0, 'the demo centre has sessions to propose this week')
  t.ok(proposal.unassigned.some((u) => u.reason === 'missing-competence-mapping'), 'one referral waits for its competence mapping')
  const deferred = proposal.sessions.filter((s) => s.kind !== 'group' && deps.referrals.findById(s.referralId)?.deferredUntil !== undefined)
  t.ok(deferred.every((s) => s.start.slice(0, 10) >= deps.referrals.findById((s as { referralId: string }).referralId)!.deferredUntil!), 'the deferred referral is not planned before its date')
  const committed = commitAllocation(deps, proposal.id)
  const third = loadDemoCentre(db)
  t.equal(third.skipped > 0 && third.created === 0, true, 'after a commit, scheduled referrals are left as they are and nothing is duplicated')
  t.equal(deps.sessions.list({ status: 'booked' }).length, committed.booked, 'the booked sessions stay')
  const open = deps.referrals.list().find((r) => !deps.sessions.list({ status: 'booked' }).some((x) => x.referrals.some((m) => m.id === r.id)))!
  db.prepare('UPDATE referrals SET withdrawn_at = ? WHERE id = ?').run(new Date().toISOString(), open.id)
  const fourth = loadDemoCentre(db)
  t.equal(fourth.skipped, third.skipped + 1, 'a withdrawn demo referral is left as it is on reload, not refused')
})

t.test('the printed instructions carry the keys and every step', async (t) => {
  const text = demoInstructions('http://127.0.0.1:3000', 'tl_COORD', 'tl_MUNI', './data/tildeling.db')
  for (const step of ['POST http://127.0.0.1:3000/v1/allocations ', '/v1/allocations/$ID ', '/v1/allocations/$ID/commit', '/v1/sessions ', '/v1/counsellors/kari/calendar.ics']) {
    t.ok(text.includes(step), `has ${step.trim()}`)
  }
  t.ok(text.includes('Bearer tl_COORD') && text.includes('Bearer tl_MUNI'), 'the keys are filled in')
})

t.test('tildeling demo on a real loopback port: the printed curl steps work', async (t) => {
  const { spawn } = await import('node:child_process')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-demo-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const root = new URL('../..', import.meta.url).pathname
  const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'demo', '--port', '0', '--db', join(dir, 'demo.db')], { cwd: root, env: { ...process.env, TILDELING_SECRET: '' } })
  t.teardown(() => child.kill('SIGTERM'))
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (/Municipality key \(5001\):\s+\S+/.test(out) && out.includes('Stop with Ctrl-C')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${out}`)))
  })
  t.notMatch(out, /^\{/m, 'no JSON log line in the human output')
  t.match(out, 'TILDELING_SECRET is not set', 'the missing secret is said in words')
  const url = /served at (http:\/\/\S+) /.exec(out)?.[1]
  const key = /Coordinator key \(shown once\):\s+(\S+)/.exec(out)?.[1]
  if (!url || !key) throw new Error(`no url or key in: ${out}`)
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  const proposed = await fetch(`${url}/v1/allocations`, { method: 'POST', headers, body: '{}' })
  t.equal(proposed.status, 201, 'the printed key proposes')
  const { id } = (await proposed.json()) as { id: string }
  const committed = await fetch(`${url}/v1/allocations/${id}/commit`, { method: 'POST', headers: { authorization: headers.authorization } })
  t.equal(committed.status, 200, 'and commits')
  const ics = await fetch(`${url}/v1/counsellors/kari/calendar.ics`, { headers: { authorization: headers.authorization } })
  t.match(await ics.text(), /BEGIN:VEVENT/, "kari's calendar has events")
})

t.test('tildeling demo on a busy port: one line, exit 1, and nothing loaded or created', async (t) => {
  const { execFile } = await import('node:child_process')
  const { createServer } = await import('node:net')
  const { existsSync, mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { openDatabase } = await import('../../src/store/db.ts')
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-demo-busy-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => busy.close())
  const port = (busy.address() as { port: number }).port
  const dbPath = join(dir, 'demo.db')
  const root = new URL('../..', import.meta.url).pathname
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'demo', '--port', String(port), '--db', dbPath], { cwd: root }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    ),
  )
  t.equal(result.code, 1, 'exits 1')
  t.equal(result.stderr, `tildeling: port ${port} is in use: stop what runs there, or choose another port with --port or PORT\n`, 'says so in one line')
  t.equal(result.stdout, '', 'and prints no keys or sign-in links')
  if (existsSync(dbPath)) {
    const db = openDatabase(dbPath)
    t.teardown(() => db.close())
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    t.same({ keys: count('api_keys'), users: count('users'), referrals: count('referrals') }, { keys: 0, users: 0, referrals: 0 }, 'no key, account or referral was created')
  }
})
