// What an analyst reads: one table with a column per policy, metrics.json, weekly.csv and SVG
// charts drawn by vega-lite (rendered headless in Node, no canvas needed for SVG).

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as vega from 'vega'
import * as vl from 'vega-lite'
import { messages, type Lang } from '../i18n/index.ts'
import type { ReplayMetrics, WeekMetrics } from './metrics.ts'

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`)
const num = (x: number | null) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(1))

/** The side-by-side table: a row per figure, a column per policy. */
export function comparisonTable(runs: readonly ReplayMetrics[]): string {
  const classes = [...new Set(runs.flatMap((m) => Object.keys(m.waitingDays)))]
  const languages = [...new Set(runs.flatMap((m) => Object.keys(m.interpreterOrders)))].sort()
  const reasons = [...new Set(runs.flatMap((m) => Object.keys(m.accounts.pendingByReason)))].sort()
  const rows: [string, ...string[]][] = [
    ['policy', ...runs.map((m) => `${m.policy} (${m.method})`)],
    ['referrals in period', ...runs.map((m) => String(m.accounts.referrals))],
    ['  first session held', ...runs.map((m) => String(m.accounts.held))],
    ['  booked after period', ...runs.map((m) => String(m.accounts.booked))],
    ['  pending at end', ...runs.map((m) => String(m.accounts.pending))],
    ...reasons.map((r): [string, ...string[]] => [`    ${r}`, ...runs.map((m) => String(m.accounts.pendingByReason[r] ?? 0))]),
    ['  withdrawn', ...runs.map((m) => String(m.accounts.withdrawn))],
    ['ordinary within deadline', ...runs.map((m) => `${m.ordinary.withinDeadline}/${m.ordinary.decided} ${pct(m.ordinary.share)}`)],
    ['all seen by target date', ...runs.map((m) => `${m.target.withinTarget}/${m.target.decided} ${pct(m.target.share)}`)],
    ['settlement→first, median d', ...runs.map((m) => num(m.daysToFirstSession.median))],
    ['settlement→first, p90 d', ...runs.map((m) => num(m.daysToFirstSession.p90))],
    ...classes.map((c): [string, ...string[]] => [
      `wait ${c} med/p90 (pend)`,
      ...runs.map((m) => {
        const w = m.waitingDays[c]
        return w ? `${num(w.median)}/${num(w.p90)} (${w.pending})` : '-'
      }),
    ]),
    ['sessions held', ...runs.map((m) => String(m.sessionsHeld))],
    ['counsellor utilisation', ...runs.map((m) => pct(m.utilisation))],
    ['peak backlog', ...runs.map((m) => String(Math.max(0, ...m.weeks.map((w) => w.backlog))))],
    ['cancellations (late)', ...runs.map((m) => `${m.cancellations} (${m.lateCancellations})`)],
    ['no-shows', ...runs.map((m) => String(m.noShows))],
    ['interpreter orders', ...runs.map((m) => String(Object.values(m.interpreterOrders).reduce((a, b) => a + b, 0)))],
    ...languages.map((l): [string, ...string[]] => [`  ${l}`, ...runs.map((m) => String(m.interpreterOrders[l] ?? 0))]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n') + '\n'
}

const WEEK_COLUMNS = [
  'week', 'newReferrals', 'known', 'backlog', 'sessionsHeld', 'firstSessionsHeld', 'groupMeetingsHeld', 'hoursHeld',
  'availableHours', 'utilisation', 'cancellations', 'lateCancellations', 'noShows', 'interpreterOrders', 'withinDeadlineShareToDate', 'withinTargetShareToDate',
] as const satisfies readonly (keyof WeekMetrics)[]

/** One row per policy and week; numbers only, so a spreadsheet reads it as it is. */
export function weeklyCsv(runs: readonly ReplayMetrics[]): string {
  const lines = [['policy', ...WEEK_COLUMNS].join(',')]
  for (const m of runs) {
    for (const w of m.weeks) {
      lines.push([m.policy, ...WEEK_COLUMNS.map((c) => {
        const v = w[c]
        return v === null ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v)
      })].join(','))
    }
  }
  return lines.join('\n') + '\n'
}

export type ChartField = 'backlog' | 'withinDeadlineShareToDate' | 'withinTargetShareToDate'

/**
 * A line per policy over the weeks, as SVG, with its texts in `lang`. Policies with equal results
 * would draw one line over the other and hide it: each policy also gets its own dash pattern, and
 * the subtitle says so.
 */
export async function lineChart(runs: readonly ReplayMetrics[], field: ChartField, lang: Lang, scenarioName?: string): Promise<string> {
  const m = messages(lang).chart
  const values = runs.flatMap((r) => r.weeks.map((w) => ({ policy: r.policy, week: w.week, value: w[field] })))
  const byPolicy = { field: 'policy', type: 'nominal', title: m.policy } as const
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: scenarioName ? `${scenarioName}: ${m.title[field]}` : m.title[field], ...(runs.length > 1 && { subtitle: m.sameLines }) },
    width: 640,
    height: 280,
    data: { values },
    mark: { type: 'line', point: { filled: false, size: 40 }, strokeWidth: 2 },
    encoding: {
      // Ticks on the Mondays themselves, dated in full: vega's own ticks fall on Sundays and label
      // one on 1 January with the year alone. Dates are UTC midnights, so no zone shifts a day.
      x: { field: 'week', type: 'temporal', title: m.week, scale: { type: 'utc' }, axis: { values: mondayTicks(runs), format: '%d.%m.%Y', labelAngle: -30 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: m.axis[field],
        ...(field !== 'backlog' && { axis: { format: '%' }, scale: { domain: [0, 1] } }),
      },
      // The legend draws a stretch of each line, so its dash pattern shows, not only its colour.
      color: { ...byPolicy, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 } },
      strokeDash: byPolicy,
    },
  }
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/** At most ten of the replay's Mondays, evenly spaced, as UTC timestamps. */
function mondayTicks(runs: readonly ReplayMetrics[]): number[] {
  const weeks = runs[0]?.weeks.map((w) => w.week) ?? []
  const step = Math.max(1, Math.ceil(weeks.length / 10))
  return weeks.filter((_, i) => i % step === 0).map((d) => Date.parse(`${d}T00:00:00Z`))
}

/** Writes metrics.json, weekly.csv, backlog.svg, within-deadline.svg and within-target.svg; returns the paths. */
export async function writeReport(dir: string, scenarioName: string, runs: readonly ReplayMetrics[], lang: Lang = 'nb'): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const files: [string, string][] = [
    ['metrics.json', JSON.stringify({ scenario: scenarioName, policies: runs }, null, 2) + '\n'],
    ['weekly.csv', weeklyCsv(runs)],
    ['backlog.svg', await lineChart(runs, 'backlog', lang, scenarioName)],
    ['within-deadline.svg', await lineChart(runs, 'withinDeadlineShareToDate', lang, scenarioName)],
    // Corona and ukraine referrals have no legal deadline; their stated targets are in metrics.json.
    ['within-target.svg', await lineChart(runs, 'withinTargetShareToDate', lang, scenarioName)],
  ]
  return files.map(([name, text]) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  })
}
