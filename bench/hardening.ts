// Figures for issue 13 (not a test): prints them; bench/README.md "## Hardening" keeps the latest.
//   1. two processes writing one database file: batches and counsellor PUTs from this process
//      while a child process imports batches, counting failures (SQLITE_BUSY was a 500 before);
//   2. GET /v1/referrals?status=completed&limit=1 on 10,000 referrals (2.2 s before, in JavaScript);
//   7. PUT /v1/counsellors with 50,000 weekly windows (accepted before; a capacity query then took
//      34 s) and GET /v1/capacity with a counsellor at the limits.
//
//   npx tsx bench/hardening.ts [--referrals 10000] [--batches 40]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { addDays } from '../solver/calendar.ts'
import { buildApp } from '../src/app.ts'
import { COUNSELLOR_LIMITS } from '../src/schemas/counsellor.ts'
import { openDatabase } from '../src/store/db.ts'
import { createKeyRepository } from '../src/store/key-repository.ts'

const { values } = parseArgs({ options: { referrals: { type: 'string', default: '10000' }, batches: { type: 'string', default: '40' } } })
const N = Number(values.referrals)
const BATCHES = Number(values.batches)

const dir = mkdtempSync(join(tmpdir(), 'bench-hardening-'))
const path = join(dir, 'b.db')
const db = openDatabase(path)
const app = await buildApp({ db })
const auth = { authorization: `Bearer ${createKeyRepository(db).create('coordinator').key}` }
const today = new Date().toISOString().slice(0, 10)
const referral = (ref: string) => ({
  externalRef: ref, municipality: '5001', track: 'ordinary', settledOn: '2025-01-10', referredOn: today, language: 'ar',
  competenceMappingDone: true, advisor: { name: 'Kari', email: 'kari@example.no' },
})
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now()
  await f()
  return performance.now() - t0
}

// 1. Two writers on one file.
const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', `
  const { openDatabase } = await import('./src/store/db.ts')
  const { createReferralRepository } = await import('./src/store/referral-repository.ts')
  const { intakeReferrals } = await import('./src/services/referrals.ts')
  const repo = createReferralRepository(openDatabase(${JSON.stringify(path)}), undefined)
  let failed = 0
  for (let b = 0; b < ${BATCHES}; b++) {
    const items = Array.from({ length: 250 }, (_, i) => (${JSON.stringify(referral('X'))}))
      .map((r, i) => ({ ...r, externalRef: 'CLI-' + b + '-' + i }))
    try { intakeReferrals(repo, { role: 'coordinator', keyId: 'cli' }, items) } catch (e) { failed++ }
  }
  process.stdout.write(String(failed))
`], { stdio: ['ignore', 'pipe', 'inherit'], cwd: new URL('..', import.meta.url).pathname })
let childOut = ''
child.stdout.on('data', (d: Buffer) => (childOut += d))
const statuses = new Map<number, number>()
const t0 = performance.now()
for (let b = 0; b < BATCHES; b++) {
  const batch = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth, payload: { referrals: Array.from({ length: 250 }, (_, i) => referral(`API-${b}-${i}`)) } })
  const put = await app.inject({ method: 'PUT', url: `/v1/counsellors/c${b % 5}`, headers: auth, payload: { name: 'C', municipalities: ['5001'], weekly: [{ weekday: 1, start: '09:00', end: '15:00' }] } })
  for (const s of [batch.statusCode, put.statusCode]) statuses.set(s, (statuses.get(s) ?? 0) + 1)
}
if (child.exitCode === null) await once(child, 'exit')
const concurrentMs = performance.now() - t0
console.log(`1. two processes: ${BATCHES} API batches of 250 + ${BATCHES} counsellor PUTs beside ${BATCHES} CLI imports of 250 in ${concurrentMs.toFixed(0)} ms`)
console.log(`   API statuses ${JSON.stringify(Object.fromEntries(statuses))}; CLI imports failed: ${childOut}`)

// 2. The status filter on N referrals (top up to N; a few completed ones far down the id order would
// be found the same way: the query walks the referrals in id order until the page is full).
const have = db.prepare('SELECT count(*) FROM referrals').pluck().get() as number
for (let b = 0; have + b * 1000 < N; b++) {
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth, payload: { referrals: Array.from({ length: Math.min(1000, N - have - b * 1000) }, (_, i) => referral(`TOP-${b}-${i}`)) } })
}
const total = db.prepare('SELECT count(*) FROM referrals').pluck().get() as number
for (const q of ['status=completed&limit=1', 'status=pending&limit=1', 'limit=100']) {
  const ms: number[] = []
  for (let i = 0; i < 15; i++) ms.push(await time(() => app.inject({ method: 'GET', url: `/v1/referrals?${q}`, headers: auth })))
  console.log(`2. GET /v1/referrals?${q} on ${total} referrals: median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (15 runs)`)
}

// 7. Oversized and maximal counsellors.
const huge = { name: 'Huge', weekly: Array.from({ length: 50_000 }, (_, i) => ({ weekday: (i % 5) + 1, start: '09:00', end: '15:00' })) }
let status = 0
const refuseMs = await time(async () => (status = (await app.inject({ method: 'PUT', url: '/v1/counsellors/huge', headers: auth, payload: huge })).statusCode))
console.log(`7. PUT with 50,000 weekly windows: ${status} in ${refuseMs.toFixed(0)} ms`)
const max = {
  name: 'Max', municipalities: Array.from({ length: COUNSELLOR_LIMITS.municipalities }, (_, i) => String(1000 + i)),
  weekly: Array.from({ length: COUNSELLOR_LIMITS.weekly }, (_, i) => ({ weekday: (i % 5) + 1, start: `${String(8 + (i % 7)).padStart(2, '0')}:00`, end: `${String(9 + (i % 7)).padStart(2, '0')}:00` })),
  absences: Array.from({ length: COUNSELLOR_LIMITS.absences }, (_, i) => ({ from: addDays(today, i * 3), to: addDays(today, i * 3 + 1), reason: 'leave' })),
}
const put = await app.inject({ method: 'PUT', url: '/v1/counsellors/max', headers: auth, payload: max })
const ms: number[] = []
for (let i = 0; i < 5; i++) ms.push(await time(() => app.inject({ method: 'GET', url: '/v1/capacity', headers: auth })))
console.log(`7. a counsellor at the limits (${COUNSELLOR_LIMITS.weekly} windows, ${COUNSELLOR_LIMITS.absences} absences, ${COUNSELLOR_LIMITS.municipalities} municipalities): PUT ${put.statusCode}; GET /v1/capacity median ${median(ms).toFixed(0)} ms (5 runs, ${total} open referrals)`)

await app.close()
db.close()
rmSync(dir, { recursive: true, force: true })
