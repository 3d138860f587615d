import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { referral } from '../helpers/build.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const fixture = (name: string) => join(ROOT, 'fixtures/import', name)

function tildeling(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, TILDELING_SECRET: '', ...env }, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const count = (dbPath: string) => {
  const db = new Database(dbPath, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM referrals').get() as { n: number }).n
  } finally {
    db.close()
  }
}

t.test('keys create prints the key alone on its last line and stores only its hash', async (t) => {
  const db = join(tempDir(t), 't.db')
  const r = tildeling(['keys', 'create', '--role', 'municipality', '--municipality', '5001', '--db', db])
  t.equal(r.code, 0, 'exit 0')
  const last = r.stdout.trimEnd().split('\n').at(-1) ?? ''
  t.match(last, /^tl_[A-Za-z0-9_-]{43}$/, 'the last line is the key alone')
  const conn = new Database(db, { readonly: true })
  const rows = conn.prepare('SELECT role, municipality, key_hash FROM api_keys').all() as { key_hash: string }[]
  conn.close()
  t.match(rows, [{ role: 'municipality', municipality: '5001' }], 'one municipality key is stored')
  t.notOk(JSON.stringify(rows).includes(last), 'but not the key itself')

  for (const [what, args] of [
    ['a municipality key without a number', ['--role', 'municipality']],
    ['an unknown role', ['--role', 'boss']],
    ['a number on a coordinator key', ['--role', 'coordinator', '--municipality', '5001']],
    ['a malformed number', ['--role', 'municipality', '--municipality', '50']],
  ] as const) {
    const bad = tildeling(['keys', 'create', ...args, '--db', db])
    t.equal(bad.code, 1, `${what}: exit 1`)
    t.equal(bad.stderr.trimEnd().split('\n').length, 1, `${what}: one line on stderr`)
    t.notMatch(bad.stderr, /\n\s+at /, `${what}: no stack trace`)
  }
})

t.test('keys list shows what each key is for, never the key; keys revoke stops it at once', async (t) => {
  const db = join(tempDir(t), 't.db')
  const created = tildeling(['keys', 'create', '--role', 'coordinator', '--db', db])
  const key = created.stdout.trimEnd().split('\n').at(-1)!
  const id = /key ([0-9a-f-]{36})/.exec(created.stdout)![1]!
  const listed = tildeling(['keys', 'list', '--db', db])
  t.equal(listed.code, 0, 'exit 0')
  t.match(listed.stdout, new RegExp(`^${id}\\s+coordinator\\s+-\\s+created \\d{4}-`), 'one line: id, role, no municipality, when created')
  t.notOk(listed.stdout.includes(key), 'the key itself is never listed')

  const { buildApp } = await import('../../src/app.ts')
  const { openDatabase } = await import('../../src/store/db.ts')
  const open = async () => {
    const conn = openDatabase(db)
    const app = await buildApp({ db: conn })
    const res = await app.inject({ method: 'GET', url: '/v1/counsellors', headers: { authorization: `Bearer ${key}` } })
    await app.close()
    conn.close()
    return res.statusCode
  }
  t.equal(await open(), 200, 'the key works before it is revoked')
  const revoked = tildeling(['keys', 'revoke', id, '--db', db])
  t.equal(revoked.code, 0, 'revoke exits 0')
  t.equal(await open(), 401, 'a revoked key is refused like an unknown one')
  t.match(tildeling(['keys', 'list', '--db', db]).stdout, /revoked \d{4}-/, 'the list says when it was revoked')
  const again = tildeling(['keys', 'revoke', id, '--db', db])
  t.equal(again.code, 1, 'revoking twice is an error')
  t.equal(again.stderr.trimEnd().split('\n').length, 1, 'of one line')
})

t.test('import: CSV and JSON through the API\'s intake; every problem listed with line and column, exit 1', async (t) => {
  const db = join(tempDir(t), 't.db')
  const csv = tildeling(['import', fixture('referrals-excel-semicolon.csv'), '--db', db, '--lang', 'en'], { TILDELING_SECRET: 'a-secret-for-the-cli-test' })
  t.equal(csv.code, 0, 'the Excel CSV imports')
  t.match(csv.stdout, /Imported 3 referrals: 3 created, 0 updated/, 'and says so')
  const again = tildeling(['import', fixture('referrals-excel-semicolon.csv'), '--db', db, '--lang', 'en'], { TILDELING_SECRET: 'a-secret-for-the-cli-test' })
  t.match(again.stdout, /0 created, 3 updated/, 'importing again updates (idempotent)')
  const noSecret = tildeling(['import', fixture('referrals-excel-semicolon.csv'), '--db', db, '--lang', 'en'])
  t.equal(noSecret.code, 1, 'without the secret a file with DUF numbers is refused')
  t.match(noSecret.stderr, /line 2, column "participant\.dufNumber": this service stores no DUF numbers until TILDELING_SECRET is set/, 'naming the line and the reason')

  const invalid = tildeling(['import', fixture('referrals-invalid.csv'), '--db', db, '--lang', 'en'])
  t.equal(invalid.code, 1, 'an invalid file is exit 1')
  t.match(invalid.stderr, /Nothing was stored: 3 problems to correct first\.\n/, 'saying nothing was stored')
  t.match(invalid.stderr, /line 2, column "settledOn": /, 'naming line and column')
  t.match(invalid.stderr, /line 2, column "competenceMappingDone": write ja or nei/, 'and what to write instead')
  t.match(invalid.stderr, /line 3, column "advisor\.email": /, 'every problem, not the first few')
  t.equal(count(db), 3, 'and nothing of it was stored')

  const foreign = tildeling(['import', fixture('referrals.json'), '--db', db, '--municipality', '5035', '--lang', 'en'])
  t.equal(foreign.code, 1, 'rows of another municipality than --municipality are refused')
  t.match(foreign.stderr, /item 0, column "municipality": your key is for municipality 5035, not 5001/, 'naming the item')
  const json = tildeling(['import', fixture('referrals.json'), '--db', db, '--municipality', '5001'])
  t.equal(json.code, 0, 'JSON of the right municipality imports')
  t.equal(count(db), 5, 'and is stored')
  const missing = tildeling(['import', 'nowhere.json', '--db', db])
  t.match(missing, { code: 1, stderr: /cannot read nowhere\.json: ENOENT\n$/ }, 'a missing file is one line, exit 1')
})

t.test('a SIGKILL in the middle of a 5,000-item import leaves all or none', async (t) => {
  const dir = tempDir(t)
  const big = join(dir, 'big.json')
  writeFileSync(big, JSON.stringify({ referrals: Array.from({ length: 5000 }, (_, i) => referral({ externalRef: `BIG-${i}`, participant: { name: `Person ${i}` } })) }))
  // Time one uninterrupted import, then kill others at random moments from 40% to 130% of it, across
  // parsing, validation, the write (the moment that could tear a batch) and exit.
  const timed = join(dir, 'timed.db')
  const started = Date.now()
  const whole = tildeling(['import', big, '--db', timed])
  const duration = Date.now() - started
  t.equal(count(timed), 5000, `an uninterrupted import stores all 5,000 (took ${duration} ms)`)
  t.equal(whole.code, 0, 'and exits 0')
  const outcomes: number[] = []
  for (let run = 0; run < 5; run++) {
    const db = join(dir, `kill-${run}.db`)
    // Open once so the schema exists and the count below never fails on an empty file.
    tildeling(['keys', 'create', '--role', 'analyst', '--db', db])
    const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'import', big, '--db', db], { cwd: ROOT, env: { ...process.env, TILDELING_SECRET: '' }, stdio: 'ignore' })
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    const delay = Math.floor(duration * (0.4 + Math.random() * 0.9))
    await new Promise((resolve) => setTimeout(resolve, delay))
    child.kill('SIGKILL')
    await exited
    const n = count(db)
    outcomes.push(n)
    t.ok(n === 0 || n === 5000, `killed after ${delay} ms: ${n} rows, all or none`)
  }
  t.comment(`rows after each kill: ${outcomes.join(', ')}`)
  const db = join(dir, 'kill-0.db')
  const resumed = tildeling(['import', big, '--db', db])
  t.equal(resumed.code, 0, 'the database is usable after a kill: the import runs again')
  t.equal(count(db), 5000, 'and holds all 5,000')
})
