// Repair and options on a generated county: one counsellor's two-week absence over booked sessions,
// repaired (solver/repair.ts); options for single referrals (solver/options.ts). Prints medians
// (repair) and p99 (options) and how the repair grows with the number of bookings.
//   npx tsx bench/repair.ts [runs]

import { performance } from 'node:perf_hooks'
import { addDays, fromOsloDateTime } from '../solver/calendar.ts'
import { findDisruptions, type BookedSession } from '../solver/disruptions.ts'
import { optionsFor } from '../solver/options.ts'
import { repair } from '../solver/repair.ts'
import { solve } from '../solver/solve.ts'
import type { Problem } from '../solver/types.ts'
import { validateProposal } from '../solver/validate.ts'
import { problemFor } from './solver.ts'
import { median } from './stats.ts'

const runs = Number(process.argv[2] ?? 15)

/** The county with its plan committed, and the busiest counsellor away for two weeks from their first booking. */
function setup(referrals: number) {
  const base = problemFor({ referrals, counsellors: 10, weeks: 6, runs })
  const booked = solve(base).sessions.map((s, i) => ({ ...s, id: `s${i}`, pinned: true }) as BookedSession)
  const count = new Map<string, number>()
  for (const s of booked) count.set(s.counsellorId, (count.get(s.counsellorId) ?? 0) + 1)
  const busiest = [...count].sort((a, b) => b[1] - a[1])[0]![0]
  const from = booked.filter((s) => s.counsellorId === busiest).map((s) => fromOsloDateTime(s.start).date).sort()[0]!
  const counsellors = base.counsellors.map((c) => (c.id === busiest ? { ...c, absences: [...c.absences, { from, to: addDays(from, 13), reason: 'sick' as const }] } : c))
  const sick: Problem = { ...base, counsellors, pinned: booked }
  const disrupted = findDisruptions({ sessions: booked, counsellors, referrals: base.referrals, policy: base.policy })
  const gone = new Set(disrupted.map((d) => d.sessionId))
  const forRepair: Problem = { ...sick, horizonWeeks: 8, pinned: booked.filter((b) => !gone.has(b.id)) }
  return { sick, forRepair, booked, disrupted: booked.filter((b) => gone.has(b.id)) }
}

function timeRepair(referrals: number) {
  const { forRepair, booked, disrupted } = setup(referrals)
  const times: number[] = []
  let last: ReturnType<typeof repair> | undefined
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    last = repair({ problem: forRepair, disrupted, now: `${forRepair.runDate}T07:00:00+01:00` })
    times.push(performance.now() - t0)
  }
  const violations = validateProposal(forRepair, last as never).filter((v) => v.rule === 'overlap' || v.rule === 'interpreter-capacity' || v.rule === 'absence').length
  return { referrals, bookings: booked.length, disrupted: disrupted.length, medianMs: median(times), moved: last!.stats.changed - last!.stats.dropped, sameTime: last!.stats.sameTime, dropped: last!.stats.dropped, violations }
}

function timeOptions(referrals: number) {
  const { forRepair } = setup(referrals)
  const open = forRepair.referrals.filter((r) => !forRepair.pinned.some((s) => s.kind === 'individual' && s.referralId === r.id)).slice(0, 100)
  const ask = open.length > 0 ? open : forRepair.referrals.slice(0, 100)
  const times: number[] = []
  for (let i = 0; i < Math.max(1, Math.ceil(runs / 5)); i++)
    for (const r of ask) {
      const t0 = performance.now()
      optionsFor(forRepair, r.id, { limit: 5 })
      times.push(performance.now() - t0)
    }
  times.sort((a, b) => a - b)
  return { asked: times.length, medianMs: median(times), p99Ms: times[Math.floor(0.99 * (times.length - 1))]! }
}

const main = timeRepair(500)
console.log(`repair, 500 referrals x 10 counsellors, two-week absence: ${main.disrupted} of ${main.bookings} bookings disrupted; median ${main.medianMs.toFixed(1)} ms over ${runs} runs; moved ${main.moved} (${main.sameTime} same time), dropped ${main.dropped}; hard-rule violations ${main.violations}`)
const opt = timeOptions(500)
console.log(`options, same county: ${opt.asked} requests, median ${opt.medianMs.toFixed(2)} ms, p99 ${opt.p99Ms.toFixed(2)} ms`)
console.log('growth (referrals, bookings, disrupted, median ms):')
for (const n of [250, 500, 1000, 2000]) {
  const r = timeRepair(n)
  console.log(`  ${n}\t${r.bookings}\t${r.disrupted}\t${r.medianMs.toFixed(1)}`)
}
