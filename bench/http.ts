// HTTP load on loopback (not a test): referral batch intake and proposal reads under concurrent
// clients, with autocannon against `tildeling serve` in a child process (so the load generator
// does not share the server's event loop). Prints the figures and writes them into the
// "## HTTP load" section of bench/README.md.
//
// Then the same server under a running solve: a second centre (its own database and server) holds
// a county-size week (fixtures/generate.ts, regime issue-week at --solve-referrals over
// --solve-weeks); one client proposes on it back to back while autocannon reads /health and
// GET /v1/referrals; then a burst of concurrent proposals, of which all but one must get 503.
//
// Each read is measured twice: closed loop (every connection asks again as soon as it is answered:
// the server's throughput, where latency is mostly waiting in line behind the other connections)
// and paced: --rate requests a second, evenly spaced and sent on time whether or not the earlier
// ones were answered (latency as a user meets it, and whether a running solve adds to it).
//
//   npx tsx bench/http.ts [--duration 10] [--runs 3] [--connections 10] [--rate 40] [--solve-referrals 3000] [--solve-weeks 12]
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateScenario, REGIMES } from '../fixtures/generate.ts'
import { addDays } from '../solver/calendar.ts'
import { todayInOslo } from '../src/clock.ts'
import { allocationDeps, propose } from '../src/services/allocation.ts'
import { loadDemoCentre } from '../src/services/demo.ts'
import { openDatabase } from '../src/store/db.ts'
import { createKeyRepository } from '../src/store/key-repository.ts'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
    'solve-referrals': { type: 'string', default: '3000' },
    'solve-weeks': { type: 'string', default: '12' },
    burst: { type: 'string', default: '50' },
  },
})
const SOLVE_REFERRALS = Number(values['solve-referrals'])
const SOLVE_WEEKS = Number(values['solve-weeks'])
const BURST = Number(values.burst)
const DURATION = Number(values.duration)
const RUNS = Number(values.runs)
const CONNECTIONS = Number(values.connections)
const RATE = Number(values.rate)
const BATCH = 100
const ROOT = new URL('..', import.meta.url).pathname

/** The proposing client under a solve (its own process): proposes until SIGTERM, then prints each proposal's milliseconds. */
const PROPOSER = `
const [url, key, body] = process.argv.slice(1)
let stop = false
process.on('SIGTERM', () => { stop = true })
const ms = []
while (!stop) {
  const t0 = performance.now()
  const r = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' }, body })
  await r.arrayBuffer()
  if (r.status !== 201) { console.error('propose under load: ' + r.status); process.exit(1) }
  ms.push(performance.now() - t0)
}
process.stdout.write(JSON.stringify(ms))
`

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** A municipality's batch: BATCH referrals, re-posted on every request (idempotent: updates). */
function batchBody(): string {
  const referrals = Array.from({ length: BATCH }, (_, i) => ({
    externalRef: `LOAD-${i}`,
    municipality: '5001',
    track: 'ordinary',
    settledOn: '2026-09-01',
    language: ['ar', 'ti', 'prs', 'so'][i % 4],
    competenceMappingDone: true,
    advisorConsent: true,
    participant: { name: 'Fiktiv Person' },
    advisor: { name: 'Kari Rådgiver', email: 'kari@example.no' },
  }))
  return JSON.stringify({ referrals })
}

type Figures = { reqPerSec: number; p50: number; p99: number; errors: number; non2xx: number }

/** `rate`: requests a second, evenly spaced (paced); without it, closed loop. */
async function load(url: string, opts: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, rate?: number): Promise<Figures> {
  if (rate !== undefined) return paced(url, opts, rate)
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, method: opts.method, headers: opts.headers, ...(opts.body !== undefined && { body: opts.body }) })
  return { reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx }
}

/**
 * One request every 1/rate s for the duration, each sent on time whether or not the earlier ones
 * have been answered (open loop), as independent users would. autocannon's own rate limit sends
 * each second's requests together at the start of the second, which measures a burst instead.
 */
async function paced(url: string, opts: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, rate: number): Promise<Figures> {
  const latencies: number[] = []
  let errors = 0
  let non2xx = 0
  const sent: Promise<void>[] = []
  const start = performance.now()
  const count = Math.round(rate * DURATION)
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const t0 = performance.now()
    sent.push(
      fetch(url, { method: opts.method, headers: opts.headers, ...(opts.body !== undefined && { body: opts.body }) }).then(
        async (res) => {
          await res.arrayBuffer()
          latencies.push(performance.now() - t0)
          if (res.status >= 300) non2xx++
        },
        () => void errors++,
      ),
    )
  }
  await Promise.all(sent)
  const sorted = latencies.sort((a, b) => a - b)
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN)
  return { reqPerSec: latencies.length / ((performance.now() - start) / 1000), p50: at(0.5), p99: at(0.99), errors, non2xx }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

function medianOf(runs: Figures[]): Figures {
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tildeling-http-bench-'))
const dbPath = join(dir, 'bench.db')
const db = openDatabase(dbPath)
loadDemoCentre(db)
const keys = createKeyRepository(db)
const coordinator = keys.create('coordinator').key
const municipality = keys.create('municipality', '5001').key
const proposal = propose(allocationDeps(db), {})
const proposalBytes = JSON.stringify(proposal).length
db.close()

async function serve(path: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--db', path], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', TILDELING_SECRET: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (i > 100) throw new Error('the server did not start')
    const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false)
    if (ok) break
    await new Promise((r) => setTimeout(r, 100))
  }
  return { base, stop: () => child.kill('SIGTERM') }
}

// The county-size centre for the solve scenarios: the generated week as a demo fixture (its dates
// shifted to this week), proposed from the next Monday.
const countyPath = join(dir, 'county.db')
const county = openDatabase(countyPath)
{
  const g = generateScenario({ ...REGIMES['issue-week'], referrals: SOLVE_REFERRALS, weeks: SOLVE_WEEKS, seed: 1 })
  const fixture = join(dir, 'county.json')
  writeFileSync(fixture, JSON.stringify({ name: g.name, runDate: g.runDate, counsellors: g.counsellors, referrals: g.referrals.map(({ id: _id, ...r }) => ({ ...r, participant: { name: 'Fiktiv Person' }, advisor: { name: 'Kari Rådgiver', email: 'kari@example.no' } })) }))
  loadDemoCentre(county, new Date(), fixture)
}
const countyKeys = createKeyRepository(county)
const countyCoordinator = countyKeys.create('coordinator').key
const countyMunicipality = countyKeys.create('municipality', '9001').key
county.close()
const countyRun = { runDate: addDays(todayInOslo(), 7 - ((new Date().getUTCDay() + 6) % 7)), horizonWeeks: SOLVE_WEEKS }

const { base, stop } = await serve(dbPath)
const countyServer = await serve(countyPath)
try {
  const scenarios: { name: string; url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }[] = [
    { name: `POST /v1/referrals (batch of ${BATCH})`, url: `${base}/v1/referrals`, method: 'POST', headers: { authorization: `Bearer ${municipality}`, 'content-type': 'application/json' }, body: batchBody() },
    { name: `GET /v1/allocations/:id (${proposal.sessions.length} sessions, ${(proposalBytes / 1024).toFixed(0)} KB)`, url: `${base}/v1/allocations/${proposal.id}`, method: 'GET', headers: { authorization: `Bearer ${coordinator}` } },
  ]
  const rows: string[] = []
  for (const s of scenarios) {
    const runs: Figures[] = []
    for (let i = 0; i < RUNS; i++) {
      runs.push(await load(s.url, s))
      process.stderr.write(`${s.name}: run ${i + 1}/${RUNS} ${runs.at(-1)!.reqPerSec.toFixed(0)} req/s\n`)
    }
    const m = medianOf(runs)
    const perSec = s.method === 'POST' ? ` (${(m.reqPerSec * BATCH).toFixed(0)} referrals/s)` : ''
    rows.push(`| ${s.name} | ${m.reqPerSec.toFixed(0)}${perSec} | ${m.p50} | ${m.p99} | ${m.errors + m.non2xx} |`)
  }

  // ---- under a running solve ----
  const propose = (): Promise<{ status: number; ms: number; retryAfter: string | null; outcome?: string }> => {
    const t0 = performance.now()
    return fetch(`${countyServer.base}/v1/allocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${countyCoordinator}`, 'content-type': 'application/json' },
      body: JSON.stringify(countyRun),
    }).then(async (r) => {
      const body = (await r.json()) as { stats?: { outcome: string } }
      return { status: r.status, ms: performance.now() - t0, retryAfter: r.headers.get('retry-after'), ...(body.stats && { outcome: body.stats.outcome }) }
    })
  }
  const first = await propose() // the worker's start-up is not what a coordinator waits for each week
  if (first.status !== 201) throw new Error(`county propose: ${first.status}`)
  const solveRows: string[] = []
  const proposeMs: number[] = []
  const reads: { name: string; url: string; method: 'GET'; headers: Record<string, string> }[] = [
    { name: 'GET /health', url: `${countyServer.base}/health`, method: 'GET', headers: {} },
    { name: 'GET /v1/referrals (municipality, first page)', url: `${countyServer.base}/v1/referrals`, method: 'GET', headers: { authorization: `Bearer ${countyMunicipality}` } },
  ]
  /**
   * Runs `measure` while one client proposes back to back on the county centre. The proposing
   * client is a process of its own: reading each proposal back (over a megabyte) in this one would
   * hold up the reads being timed, and their latency would be this process's, not the server's.
   */
  const underSolve = async (measure: () => Promise<Figures>): Promise<Figures> => {
    const proposer = spawn(process.execPath, ['--input-type=module', '-e', PROPOSER, `${countyServer.base}/v1/allocations`, countyCoordinator, JSON.stringify(countyRun)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proposer.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => proposer.on('exit', resolve))
    const figures = await measure()
    proposer.kill('SIGTERM')
    if ((await exited) !== 0) throw new Error('the proposing client failed')
    proposeMs.push(...(JSON.parse(out) as number[]))
    return figures
  }
  const row = (name: string, m: Figures) => `| ${name} | ${m.reqPerSec.toFixed(0)} | ${m.p50} | ${m.p99} | ${m.errors + m.non2xx} |`
  for (const [mode, rate] of [['closed loop', undefined], [`paced at ${RATE}/s`, RATE]] as const) {
    for (const r of reads) {
      const quiet: Figures[] = []
      for (let i = 0; i < RUNS; i++) quiet.push(await load(r.url, r, rate))
      solveRows.push(row(`${r.name}, ${mode}, no solve running`, medianOf(quiet)))
      const runs: Figures[] = []
      for (let i = 0; i < RUNS; i++) {
        runs.push(await underSolve(() => load(r.url, r, rate)))
        process.stderr.write(`${r.name} (${mode}) under a solve: run ${i + 1}/${RUNS} p99 ${runs.at(-1)!.p99} ms\n`)
      }
      solveRows.push(row(`${r.name}, ${mode}, proposals running back to back`, medianOf(runs)))
    }
  }
  const burst = await Promise.all(Array.from({ length: BURST }, () => propose()))
  const accepted = burst.filter((b) => b.status === 201).length
  const refused = burst.filter((b) => b.status === 503 && b.retryAfter !== null).length
  const soleMs = burst.find((b) => b.status === 201)?.ms ?? NaN
  const section = [
    '## HTTP load',
    '',
    `\`npx tsx bench/http.ts\`: autocannon on loopback against \`tildeling serve\` in a child process (SQLite file, WAL), ${CONNECTIONS} connections, ${DURATION} s per run, median of ${RUNS} runs; ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}. Measured ${new Date().toISOString().slice(0, 16)}Z. Server and load generator share the machine.`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors + non-2xx |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Under a running solve: a county-size centre (regime issue-week, ${SOLVE_REFERRALS} referrals × 30 counsellors × ${SOLVE_WEEKS} weeks) on its own server, one client (a process of its own) proposing back to back while the reads are timed (same connections and duration), closed loop (each connection asks again as soon as it is answered: throughput, and latency spent in line behind the other connections) and paced (${RATE} requests a second, evenly spaced, each sent on time whether or not the earlier ones were answered: latency as a user meets it). Propose through the API: median ${median(proposeMs).toFixed(0)} ms over ${proposeMs.length} runs (load, solve in the worker, store). A burst of ${BURST} concurrent proposals: ${accepted} accepted (${soleMs.toFixed(0)} ms), ${refused} refused with 503 and Retry-After.`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors + non-2xx |',
    '|---|---|---|---|---|',
    ...solveRows,
    '',
    '',
  ].join('\n')
  process.stdout.write(`${section}\n`)
  writeSection(join(ROOT, 'bench/README.md'), section)
} finally {
  stop()
  countyServer.stop()
  rmSync(dir, { recursive: true, force: true })
}

/** Replace (or append) only the "## HTTP load" section; the rest of the file belongs to the solver bench. */
function writeSection(path: string, section: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const start = text.indexOf('## HTTP load')
  if (start === -1) {
    writeFileSync(path, `${text.trimEnd()}\n\n${section}`)
    return
  }
  const next = text.indexOf('\n## ', start + 1)
  writeFileSync(path, text.slice(0, start) + section + (next === -1 ? '' : text.slice(next + 1)))
}
