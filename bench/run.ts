// npm run bench [-- --quick]: flow vs greedy vs the HiGHS optimum on generated scenarios; prints
// markdown tables. No assertions: figures only.
//
// Every named regime of fixtures/generate.ts (REGIMES) at county size, the long horizons at 12 and
// 26 weeks, and 500 and 10,000 referrals on a few; hours × 0.9 on the defaults is where counsellor
// capacity is about the within-deadline demand and the coupled limits can put greedy behind.
// Every measurement runs in a fresh child process (bench/solver.ts): timing (both methods
// interleaved, ratio in that process), and peak RSS per method and size (plus the problem alone).
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { highsWithinDeadline } from './highs.ts'
import type { HighsResult } from './highs.ts'
import type { RegimeName } from '../fixtures/generate.ts'
import type { Job, MethodResult, PeakResult, Size, TimeResult } from './solver.ts'
import { problemFor } from './solver.ts'
import { gapPercent, mib } from './stats.ts'

const quick = process.argv.includes('--quick')
const county = { referrals: 2000, counsellors: 30, weeks: 6 }
// Every regime at county size (long horizons at their own length), then 500 and 10,000 on a few.
const regimes: RegimeName[] = ['default', 'ample', 'scarce', 'interpreter-capped', 'group-meetings', 'uniform', 'issue-week', 'issue-week-ukraine']
const sizes: Size[] = quick
  ? [...regimes.map((regime) => ({ ...county, regime, runs: 3 })), { ...county, weeks: 26, regime: 'long-26w', runs: 3 }]
  : [
      { referrals: 500, counsellors: 10, weeks: 6, runs: 7 },
      ...regimes.map((regime) => ({ ...county, regime, runs: 7 })),
      { ...county, shortage: 0.9, runs: 7 },
      { ...county, weeks: 12, regime: 'long-12w', runs: 5 },
      { ...county, weeks: 26, regime: 'long-26w', runs: 5 },
      ...(['default', 'ample', 'issue-week'] as const).map((regime) => ({ referrals: 10000, counsellors: 60, weeks: 6, regime, runs: 3 })),
      { referrals: 10000, counsellors: 60, weeks: 6, shortage: 0.9, runs: 3 },
    ]
// HiGHS gets a bounded time; past it we report its status and dual bound.
const HIGHS_SECONDS = quick ? 20 : 120
// Further seeds, one run each, to show how often flow and greedy differ (seed 1 is in the main table).
const MORE_SEEDS = quick ? [2] : [2, 3, 4, 5]

const solverScript = fileURLToPath(new URL('./solver.ts', import.meta.url))

function child<T>(job: Job): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', solverScript, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 })
  return JSON.parse(out.trim().split('\n').at(-1)!) as T
}

const label = (s: Size): string => `${s.regime ?? 'default'}${s.shortage ? ` (hours × ${s.shortage})` : ''}, ${s.referrals} × ${s.counsellors} × ${s.weeks}`
const write = (line: string): void => {
  process.stdout.write(line + '\n')
}

write(`Measured ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, seed 1${quick ? ', --quick' : ''}.`)
write('')
write('| regime, referrals × counsellors × weeks | method | median ms (runs) | × greedy time | first solve ms | group LP ms | peak RSS (problem alone) | scheduled | within deadline | HiGHS within-deadline optimum (status, s) | gap to HiGHS | violations |')
write('|---|---|---|---|---|---|---|---|---|---|---|---|')

type Row = { size: Size; time: TimeResult; highs: HighsResult; seeds: TimeResult[] }
const rows: Row[] = []
for (const size of sizes) {
  const time = child<TimeResult>({ mode: 'time', size, seed: 1, validate: true })
  const alone = child<PeakResult>({ mode: 'peak', size, seed: 1, method: null })
  const peak = { flow: child<PeakResult>({ mode: 'peak', size, seed: 1, method: 'flow' }), greedy: child<PeakResult>({ mode: 'peak', size, seed: 1, method: 'greedy' }) }
  const highs = await highsWithinDeadline(problemFor(size, 1), HIGHS_SECONDS)
  const highsCell = `${highs.value}${highs.bound > highs.value ? ` (bound ${highs.bound})` : ''} (${highs.status}, ${(highs.ms / 1000).toFixed(1)})`
  for (const r of [time.flow, time.greedy] as MethodResult[]) {
    const ratio = (r.medianMs / time.greedy.medianMs).toFixed(2)
    write(
      `| ${label(size)} | ${r.method} (${r.outcome}) | ${r.medianMs.toFixed(0)} (${size.runs}) | ${ratio} | ${r.firstMs.toFixed(0)} | ${time.groupsMs.toFixed(0)} | ${mib(peak[r.method].peakRss)} (${mib(alone.peakRss)}) | ${r.scheduled} | ${r.withinDeadline} | ${highsCell} | ${gapPercent(r.withinDeadline, highs.bound)} | ${r.violations} |`,
    )
  }
  const seeds = MORE_SEEDS.map((seed) => child<TimeResult>({ mode: 'time', size: { ...size, runs: 1 }, seed, validate: false }))
  rows.push({ size, time, highs, seeds })
}

write('')
write(`Within deadline, flow vs greedy over seeds 1, ${MORE_SEEDS.join(', ')} (one run each):`)
write('')
write('| regime, referrals × counsellors × weeks | flow − greedy per seed | flow total | greedy total | greedy behind |')
write('|---|---|---|---|---|')
for (const { size, time, seeds } of rows) {
  const all = [time, ...seeds]
  const flow = all.reduce((s, x) => s + x.flow.withinDeadline, 0)
  const greedy = all.reduce((s, x) => s + x.greedy.withinDeadline, 0)
  write(`| ${label(size)} | ${all.map((x) => x.flow.withinDeadline - x.greedy.withinDeadline).join(', ')} | ${flow} | ${greedy} | ${gapPercent(greedy, flow)} |`)
}
