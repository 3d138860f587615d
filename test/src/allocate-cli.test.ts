import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ProposalSchema } from '../../src/schemas/session.ts'
import { allocationDeps } from '../../src/services/allocation.ts'
import { loadDemoCentre } from '../../src/services/demo.ts'
import { openDatabase } from '../../src/store/db.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const SCENARIO = join(ROOT, 'fixtures/rules/deadline.json')

function tildeling(args: string[]) {
  const r = spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, TILDELING_SECRET: '' }, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-allocate-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('allocate --scenario prints a table: sessions, unassigned, breaches, stats', async (t) => {
  const r = tildeling(['allocate', '--scenario', SCENARIO])
  t.equal(r.code, 0, 'exit 0')
  for (const heading of ['Sessions (', 'Unassigned (', 'Deadline breaches (', 'Stats']) t.ok(r.stdout.includes(heading), `the table has ${heading}`)
  t.match(r.stdout, /when\s+kind\s+counsellor\s+who/, 'sessions say when, what, which counsellor and who')
})

t.test('allocate --scenario on Trøndelag 2020 shows who was prioritised and why', async (t) => {
  const r = tildeling(['allocate', '--scenario', join(ROOT, 'fixtures/trondelag-2020.json')])
  t.equal(r.code, 0, 'exit 0')
  t.match(r.stdout, /priority \(policy order\)/, 'sessions and unassigned carry a priority column')
  const planned = r.stdout.split('\n').filter((l) => /\bindividual\s+Counsellor/.test(l) && !l.includes('(booked)'))
  t.ok(planned.length > 0, 'new sessions are planned')
  t.ok(planned.some((l) => /threatened industry \(/.test(l)), 'planned sessions name the threatened industry that put them first')
  t.match(r.stdout, /lower-priority\s+programme ends \d{4}-\d{2}-\d{2}.*\(regel: programme-time\)/, 'a referral left out shows its own facts next to the rule that decided, in bokmål by default')
  t.match(r.stdout, /gikk til deltakere/, 'the explanation is in Norwegian')
})

t.test('allocate --scenario --json prints exactly the proposal object', async (t) => {
  const r = tildeling(['allocate', '--scenario', SCENARIO, '--json', '--greedy', '--horizon-weeks', '3'])
  t.equal(r.code, 0, 'exit 0')
  const parsed = ProposalSchema.safeParse(JSON.parse(r.stdout))
  t.ok(parsed.success, 'stdout parses as ProposalSchema')
  t.equal(parsed.data?.stats.method, 'greedy', '--greedy picks the baseline')
})

t.test('a bad scenario file: one line on stderr, exit 1', async (t) => {
  const dir = tempDir(t)
  const notJson = join(dir, 'bad.json')
  writeFileSync(notJson, '{ "name": ')
  const invalid = join(dir, 'invalid.json')
  writeFileSync(invalid, JSON.stringify({ name: 'x', counsellors: [], referrals: [{ externalRef: 'a', municipality: '50', track: 'ordinary', settledOn: '2025-02-30', language: 'ar' }] }))
  for (const [what, file] of [['a missing file', join(dir, 'none.json')], ['a file that is not JSON', notJson], ['a file that is not a scenario', invalid]] as const) {
    const r = tildeling(['allocate', '--scenario', file])
    t.equal(r.code, 1, `${what}: exit 1`)
    t.equal(r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('npm warn')).length, 1, `${what}: one line on stderr`)
    t.equal(r.stdout, '', `${what}: nothing on stdout`)
  }
  const both = tildeling(['allocate', '--scenario', SCENARIO, '--commit'])
  t.equal(both.code, 1, '--commit with --scenario is refused')
})

t.test('allocate on the database: table, then --commit books; the next run pins them', async (t) => {
  const dbPath = join(tempDir(t), 'centre.db')
  const db = openDatabase(dbPath)
  loadDemoCentre(db)
  db.close()
  const dry = tildeling(['allocate', '--db', dbPath])
  t.equal(dry.code, 0, 'exit 0')
  t.match(dry.stdout, /Sessions \(\d+\)/, 'prints the table')
  t.match(dry.stdout, /5001\/TRD-\d+/, 'names referrals by municipality and their own ref, not by UUID')
  t.match(dry.stderr, /Not committed/, 'says nothing was booked')
  const booked = () => {
    const conn = openDatabase(dbPath)
    try {
      return allocationDeps(conn).sessions.list({ status: 'booked' }).length
    } finally {
      conn.close()
    }
  }
  t.equal(booked(), 0, 'a dry run books nothing')
  const commit = tildeling(['allocate', '--db', dbPath, '--commit'])
  t.equal(commit.code, 0, 'exit 0')
  t.match(commit.stderr, /Committed allocation .*: \d+ sessions booked/, 'reports the commit')
  const n = booked()
  t.ok(n > 0, 'sessions are booked')
  const again = tildeling(['allocate', '--db', dbPath, '--commit'])
  t.equal(again.code, 0, 'a second run commits too')
  t.equal(booked(), n, 'and books nobody twice (its sessions are the pinned ones)')
})

t.test('allocate --scenario --lang en --json: the API\'s proposal with English details, followupsUnplanned always present', async (t) => {
  const r = tildeling(['allocate', '--scenario', join(ROOT, 'fixtures/rules/waiting-limit.json'), '--json', '--lang', 'en'])
  t.equal(r.code, 0, 'exit 0')
  const p = JSON.parse(r.stdout)
  const w1 = p.unassigned.find((u: { referralId: string }) => u.referralId === 'W1')
  t.match(w1, { reason: 'lower-priority', rule: 'waiting-limit', detail: /waited longer than the policy allows \(rule: waiting-limit\)/ }, 'the deciding rule by its policy identifier, in English')
  t.same(p.followupsUnplanned, [], 'followupsUnplanned is on every proposal')
  t.notOk(JSON.stringify(p).includes('"explanation"'), 'only the wire\'s fields')
  const bad = tildeling(['allocate', '--scenario', join(ROOT, 'fixtures/rules/waiting-limit.json'), '--lang', 'de'])
  t.not(bad.code, 0, '--lang de is refused')
})
