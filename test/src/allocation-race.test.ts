import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openDatabase } from '../../src/store/db.ts'
import { build } from '../helpers/build.ts'
import { proposeOn, seedCentre } from './allocation-seed.ts'

/** A child that commits allocation `id` step by step (guarantees/commit-child.ts); `next()` resolves with its next line, `go()` lets it take the next step. */
function commitChild(dbPath: string, id: string, role: 'holder' | 'contender') {
  const child = spawn(process.execPath, ['--import=tsx', join(import.meta.dirname, 'guarantees', 'commit-child.ts'), dbPath, id, role], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  const waiting: ((line: string) => void)[] = []
  let buffered = ''
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString()
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i)
      buffered = buffered.slice(i + 1)
      const w = waiting.shift()
      if (w) w(line)
      else lines.push(line)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    next: () => new Promise<string>((resolve) => { const l = lines.shift(); if (l !== undefined) resolve(l); else waiting.push(resolve) }),
    go: () => child.stdin.write('\n'),
    exited,
  }
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

  // The barrier is a handshake, not a moment on the clock: the holder is inside its commit's
  // transaction (checked, inserted, not yet committed) when the contender calls commit, so the two
  // commits overlap however loaded the machine is.
  const holder = commitChild(dbPath, a.id, 'holder')
  const contender = commitChild(dbPath, b.id, 'contender')
  t.same([await holder.next(), await contender.next()], ['ready', 'ready'], 'both children have the database open')
  holder.go()
  t.equal(await holder.next(), 'inside', 'the holder is inside its commit, holding the write lock')
  contender.go()
  t.equal(await contender.next(), 'calling', 'the contender calls commit while the holder is inside')
  holder.go()
  const won = JSON.parse(await holder.next()) as { ok: boolean; booked?: number }
  const lost = JSON.parse(await contender.next()) as { ok: boolean; why?: string }
  t.same([await holder.exited, await contender.exited], [0, 0], 'both children exit cleanly')
  t.same(won, { ok: true, booked: a.sessions.length }, 'the holder wins')
  t.match(lost, { ok: false, why: 'state-moved' }, 'the contender waited for the lock and then saw the state had moved')

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
