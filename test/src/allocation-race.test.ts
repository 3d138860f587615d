import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openDatabase } from '../../src/store/db.ts'
import { build } from '../helpers/build.ts'
import { proposeOn, seedCentre } from './allocation-seed.ts'

/** Commit one allocation in a child process once the wall clock reaches `at`, so both children hit the database together. */
function commitInChild(dbPath: string, id: string, at: number): Promise<string> {
  const script = `
    import { openDatabase } from './src/store/db.ts'
    import { createAllocationRepository } from './src/store/allocation-repository.ts'
    const db = openDatabase(${JSON.stringify(dbPath)})
    const repo = createAllocationRepository(db)
    while (Date.now() < ${at}) {}
    process.stdout.write(JSON.stringify(repo.commit(${JSON.stringify(id)})))
    db.close()`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))))
  })
}

t.test('two commits built on the same state, in two processes at once: exactly one wins, no double booking', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-race-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 'race.db')
  // Built on a file, so the two child processes below share it; closed before they start.
  const built = await build(t, { dbPath })
  const { app, db } = built
  await seedCentre(built, 6)
  const a = await proposeOn(built)
  const b = await proposeOn(built)
  await app.close()
  db.close()
  t.same(
    a.sessions.map((s) => [s.counsellorId, s.start]),
    b.sessions.map((s) => [s.counsellorId, s.start]),
    'both proposals book the same slots (the solver is deterministic), so both commits would double-book',
  )

  const at = Date.now() + 1500
  const outcomes = (await Promise.all([commitInChild(dbPath, a.id, at), commitInChild(dbPath, b.id, at)])).map((o) => JSON.parse(o) as { ok: boolean; why?: string })
  t.equal(outcomes.filter((o) => o.ok).length, 1, 'exactly one commit wins')
  t.match(outcomes.find((o) => !o.ok), { why: 'state-moved' }, 'the other is refused because the state moved')

  const check = openDatabase(dbPath)
  t.teardown(() => check.close())
  const overlaps = check
    .prepare(
      `SELECT count(*) FROM sessions x JOIN sessions y ON x.counsellor_id = y.counsellor_id AND x.id < y.id
       WHERE x.status = 'booked' AND y.status = 'booked' AND x.start_utc < y.end_utc AND y.start_utc < x.end_utc`,
    )
    .pluck()
    .get()
  t.equal(overlaps, 0, 'no counsellor has overlapping booked sessions')
  const booked = check.prepare(`SELECT count(*) FROM sessions WHERE status = 'booked'`).pluck().get()
  t.equal(booked, a.sessions.length, 'the winner booked its sessions once')
})
