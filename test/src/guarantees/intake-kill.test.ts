import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openDatabase, type Db } from '../../../src/store/db.ts'
import { createReferralRepository } from '../../../src/store/referral-repository.ts'
import { BATCH_SIZE, batch, toWrite } from './intake-batch.ts'

// All-or-nothing intake (issue 14, item 2), the process killed: a child stores a batch and SIGKILLs
// itself at a fixed row (crash-hook.ts), and the file holds the whole batch before it or none of
// this one. intake-crash.test.ts stops the same batches by an error in process.
const INSERT = 'INSERT INTO referrals'
const REPLACE = 'UPDATE referrals SET track'
const AUDIT = 'INSERT INTO audit_log'

function stored(db: Db) {
  return db.prepare('SELECT language, count(*) AS n FROM referrals GROUP BY language ORDER BY language').all()
}

/** Runs intake-crash-child.ts, which SIGKILLs itself at the n-th run of `sql`; resolves with its exit signal and output. */
function killedChild(file: string, mode: 'repository' | 'service', sql: string, n: number, language: string): Promise<{ signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import=tsx', join(import.meta.dirname, 'intake-crash-child.ts'), file, mode, sql, String(n), language], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (_code, signal) => resolve({ signal, out }))
  })
}

t.test('SIGKILL at a chosen row of the write: the file holds all of the batch before it or none of this one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const cases = [
    { mode: 'repository', sql: INSERT, n: 2, first: false },
    { mode: 'repository', sql: INSERT, n: BATCH_SIZE, first: false },
    { mode: 'repository', sql: REPLACE, n: 50, first: true },
    { mode: 'service', sql: AUDIT, n: BATCH_SIZE, first: false },
  ] as const
  // Two children at a time: the machine has two cores.
  for (let i = 0; i < cases.length; i += 2) {
    await Promise.all(cases.slice(i, i + 2).map(async (c, j) => {
      const file = join(dir, `crash-${i + j}.db`)
      const db = openDatabase(file)
      if (c.first) createReferralRepository(db, undefined).upsertBatch(batch('ar').map(toWrite))
      db.close()
      const { signal, out } = await killedChild(file, c.mode, c.sql, c.n, 'ti')
      const what = `${c.mode}, SIGKILL at ${c.sql} #${c.n}`
      t.same({ signal, out }, { signal: 'SIGKILL', out: '' }, `${what}: the child died there`)
      const after = openDatabase(file)
      t.same(stored(after), c.first ? [{ language: 'ar', n: BATCH_SIZE }] : [], `${what}: ${c.first ? 'the earlier batch, whole' : 'nothing'}`)
      after.close()
    }))
  }
})
