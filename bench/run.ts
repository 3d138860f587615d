// npm run bench [-- --quick]: flow vs greedy vs a HiGHS bound on generated scenarios; prints a
// markdown table. Speed is also given as a ratio to greedy measured in the same process, since
// the machine is shared. No assertions: figures only.
import { cpus } from 'node:os'
import { benchMethod, problemFor } from './solver.ts'
import type { Size } from './solver.ts'
import { highsBound } from './highs.ts'
import { mib } from './stats.ts'

const quick = process.argv.includes('--quick')
// Each size twice: with room for nearly everyone, and under a shortage (40 % of the hours) where
// the order of who gets the scarce days decides how many are seen within deadline.
const base: Size[] = quick
  ? [{ referrals: 500, counsellors: 10, weeks: 6, runs: 3 }, { referrals: 2000, counsellors: 30, weeks: 6, runs: 3 }]
  : [
      { referrals: 500, counsellors: 10, weeks: 6, runs: 5 },
      { referrals: 2000, counsellors: 30, weeks: 6, runs: 5 },
      { referrals: 10000, counsellors: 60, weeks: 6, runs: 3 },
    ]
const sizes: Size[] = base.flatMap((s) => [s, { ...s, shortage: 0.4 }])
// HiGHS gets a bounded time; past it we report its status and best bound, not an optimum.
const HIGHS_SECONDS = quick ? 20 : 60

const lines: string[] = [
  `Measured ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, seed 1${quick ? ', --quick' : ''}.`,
  '',
  '| referrals × counsellors × weeks | method | median ms (runs) | × greedy time | heap Δ | scheduled | within deadline | HiGHS bound on within deadline (status, s) | violations |',
  '|---|---|---|---|---|---|---|---|---|',
]
process.stdout.write(lines.join('\n') + '\n')
for (const size of sizes) {
  const problem = problemFor(size)
  const greedy = benchMethod(problem, 'greedy', size.runs)
  const flow = benchMethod(problem, 'flow', size.runs)
  const highs = await highsBound(problem, HIGHS_SECONDS)
  const label = `${size.referrals} × ${size.counsellors} × ${size.weeks}${size.shortage ? ` (hours × ${size.shortage})` : ''}`
  const highsCell = `${highs.bound} (${highs.status}, ${(highs.ms / 1000).toFixed(1)})`
  for (const r of [flow, greedy]) {
    const line = `| ${label} | ${r.method} (${r.outcome}) | ${r.medianMs.toFixed(0)} (${size.runs}) | ${(r.medianMs / greedy.medianMs).toFixed(2)} | ${mib(r.heapDelta)} | ${r.scheduled} | ${r.withinDeadline} | ${highsCell} | ${r.violations} |`
    lines.push(line)
    process.stdout.write(line + '\n')
  }
}
process.stdout.write(`\npeak RSS of the whole run: ${mib(process.resourceUsage().maxRSS * 1024)}\n`)
