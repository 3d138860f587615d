import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createCounsellorRepository } from '../../src/store/counsellor-repository.ts'
import { openDatabase } from '../../src/store/db.ts'
import { createReferralRepository, type ReferralWrite } from '../../src/store/referral-repository.ts'

/**
 * Another process (the CLI import beside `tildeling serve`) takes the write lock, writes, and
 * commits a moment later. A deferred read-then-write transaction started meanwhile has read a
 * snapshot that commit makes stale, and SQLite fails it with SQLITE_BUSY without waiting.
 */
async function whileAnotherProcessWrites(path: string, write: () => unknown): Promise<unknown> {
  const child = spawn(process.execPath, ['-e', `
    const db = require('better-sqlite3')(${JSON.stringify(path)})
    db.exec('BEGIN IMMEDIATE')
    db.prepare("INSERT INTO settings (key, value) VALUES ('other-process', '1') ON CONFLICT (key) DO UPDATE SET value = value + 1").run()
    process.stdout.write('locked\\n')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400)
    db.exec('COMMIT')
    db.close()
  `], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] })
  await once(child.stdout, 'data')
  try {
    return write()
  } finally {
    await once(child, 'exit')
  }
}

const item: ReferralWrite = {
  externalRef: 'R-1', municipality: '5001', track: 'ordinary', settledOn: '2025-01-10', referredOn: '2025-02-01', language: 'ar',
  interpreter: true, threatenedIndustry: false, competenceMappingDone: true, advisorConsent: true, groupMeetingDone: false, meetings: 1,
  advisor: { name: 'Kari', email: 'kari@example.no' },
}

t.test('a referral batch waits for another process\'s write instead of failing with "database is locked"', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-concurrent-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = openDatabase(join(dir, 't.db'))
  t.teardown(() => db.close())
  const referrals = createReferralRepository(db, undefined)
  const outcome = await whileAnotherProcessWrites(join(dir, 't.db'), () => referrals.upsertBatch([item]))
  t.match(outcome, { ok: true, created: 1 }, 'the batch is stored once the other process commits')
  t.equal(db.prepare("SELECT value FROM settings WHERE key = 'other-process'").pluck().get(), '1', 'and the other process\'s write stands')
})

t.test('a counsellor PUT waits for another process\'s write', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-concurrent-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = openDatabase(join(dir, 't.db'))
  t.teardown(() => db.close())
  const counsellors = createCounsellorRepository(db)
  const outcome = await whileAnotherProcessWrites(join(dir, 't.db'), () =>
    counsellors.put('c1', { name: 'Ola', municipalities: ['5001'], weekly: [{ weekday: 1, start: '09:00', end: '15:00' }], absences: [] }),
  )
  t.match(outcome, { created: true }, 'the counsellor is stored')
})
