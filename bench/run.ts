// npm run bench [-- --quick]: flow vs greedy vs the HiGHS optimum on generated scenarios; prints
// markdown tables. No assertions: figures only.
//
// Each size at the generator's default week and at hours × 0.9, where counsellor capacity is about
// the within-deadline demand at 2,000 × 30: the regime where the coupled limits (interpreter caps
// per language and day against counsellor-days) decide, and greedy can fall behind.
// Every measurement runs in a fresh child process (bench/solver.ts): timing (both methods
// interleaved, ratio in that process), and peak RSS per method and size (plus the problem alone).
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { highsWithinDeadline } from './highs.ts'
import type { HighsResult } from './highs.ts'
import type { Job, MethodResult, PeakResult, Size, TimeResult } from './solver.ts'
import { problemFor } from './solver.ts'
import { gapPercent, mib } from './stats.ts'

const quick = process.argv.includes('--quick')
const base: Size[] = quick
  ? [{ referrals: 500, counsellors: 10, weeks: 6, runs: 3 }, { referrals: 2000, counsellors: 30, weeks: 6, runs: 3 }]
  : [
      { referrals: 500, counsellors: 10, weeks: 6, runs: 7 },
      { referrals: 2000, counsellors: 30, weeks: 6, runs: 7 },
      { referrals: 10000, counsellors: 60, weeks: 6, runs: 3 },
    ]
const sizes: Size[] = base.flatMap((s) => [s, { ...s, shortage: 0.9 }])
// HiGHS gets a bounded time; past it we report its status and dual bound.
const HIGHS_SECONDS = quick ? 20 : 120
// Further seeds, one run each, to show how often flow and greedy differ (seed 1 is in the main table).
const MORE_SEEDS = quick ? [2, 3] : [2, 3, 4, 5]

const solverScript = fileURLToPath(new URL('./solver.ts', import.meta.url))

function child<T>(job: Job): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', solverScript, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 })
  return JSON.parse(out.trim().split('\n').at(-1)!) as T
}

const label = (s: Size): string => `${s.referrals} × ${s.counsellors} × ${s.weeks}${s.shortage ? ` (hours × ${s.shortage})` : ''}`
const write = (line: string): void => {
  process.stdout.write(line + '\n')
}

write(`Measured ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, seed 1${quick ? ', --quick' : ''}.`)
write('')
write('| referrals × counsellors × weeks | method | median ms (runs) | × greedy time | peak RSS (problem alone) | scheduled | within deadline | HiGHS within-deadline optimum (status, s) | gap to HiGHS | violations |')
write('|---|---|---|---|---|---|---|---|---|---|')

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
      `| ${label(size)} | ${r.method} (${r.outcome}) | ${r.medianMs.toFixed(0)} (${size.runs}) | ${ratio} | ${mib(peak[r.method].peakRss)} (${mib(alone.peakRss)}) | ${r.scheduled} | ${r.withinDeadline} | ${highsCell} | ${gapPercent(r.withinDeadline, highs.bound)} | ${r.violations} |`,
    )
  }
  const seeds = MORE_SEEDS.map((seed) => child<TimeResult>({ mode: 'time', size: { ...size, runs: 1 }, seed, validate: false }))
  rows.push({ size, time, highs, seeds })
}

write('')
write(`Within deadline, flow vs greedy over seeds 1, ${MORE_SEEDS.join(', ')} (one run each):`)
write('')
write('| referrals × counsellors × weeks | flow − greedy per seed | flow total | greedy total | greedy behind |')
write('|---|---|---|---|---|')
for (const { size, time, seeds } of rows) {
  const all = [time, ...seeds]
  const flow = all.reduce((s, x) => s + x.flow.withinDeadline, 0)
  const greedy = all.reduce((s, x) => s + x.greedy.withinDeadline, 0)
  write(`| ${label(size)} | ${all.map((x) => x.flow.withinDeadline - x.greedy.withinDeadline).join(', ')} | ${flow} | ${greedy} | ${gapPercent(greedy, flow)} |`)
}
