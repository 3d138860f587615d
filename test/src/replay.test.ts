import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { addDays, isWorkingDay } from '../../solver/calendar.ts'
import type { ReplayMetrics } from '../../src/replay/metrics.ts'
import { BUILT_IN_POLICIES, resolveReplayPolicy } from '../../src/replay/policies.ts'
import { comparisonTable, lineChart, weeklyCsv } from '../../src/replay/report.ts'
import { simulate } from '../../src/replay/simulate.ts'
import { parseScenario, ScenarioError } from '../../src/services/scenario.ts'

const run = promisify(execFile)
const weekdays = (days: number[]) => days.map((weekday) => ({ weekday, start: '08:00', end: '15:30' }))

/** A small centre under pressure: two part-time counsellors, one falls sick mid-run, 60 referrals of all tracks. */
function scenario(over: Record<string, unknown> = {}) {
  const referrals = Array.from({ length: 60 }, (_, i) => ({
    externalRef: `r${i}`,
    municipality: i % 2 ? '5001' : '5035',
    track: i % 4 === 0 ? 'ukraine' : 'ordinary',
    settledOn: addDays('2024-12-01', i),
    referredOn: addDays('2025-01-02', i * 2),
    language: i % 4 === 0 ? 'uk' : i % 3 === 0 ? 'ti' : 'ar',
    interpreter: i % 5 !== 0,
    competenceMappingDone: i % 9 !== 0,
    meetings: i % 6 === 0 ? 2 : 1,
    threatenedIndustry: i % 3 === 0,
  }))
  return parseScenario({
    name: 'small centre',
    from: '2025-01-06',
    to: '2025-05-30',
    seed: 7,
    noShowRate: 0.1,
    cancellationRate: 0.1,
    counsellors: [
      { id: 'a', name: 'A', municipalities: ['5001'], weekly: weekdays([1, 2]), absences: [{ from: '2025-02-12', to: '2025-03-14', reason: 'sick' }] },
      { id: 'b', name: 'B', municipalities: ['5035'], weekly: weekdays([3, 4]), absences: [] },
    ],
    referrals,
    ...over,
  })
}

/** The metrics without solve times (wall-clock, the one thing allowed to differ between runs). */
function timeless(m: ReplayMetrics) {
  return { ...m, solveMs: 0, weeks: m.weeks.map((w) => ({ ...w, solveMs: 0 })) }
}

t.test('a replay is deterministic for a seed, and the seed decides the no-shows', async (t) => {
  const s = scenario()
  const a = simulate(s, BUILT_IN_POLICIES.optimised!)
  const b = simulate(s, BUILT_IN_POLICIES.optimised!)
  t.same(timeless(a.metrics), timeless(b.metrics), 'same scenario and seed: the same figures')
  t.same(a.sessions, b.sessions, 'same scenario and seed: the same sessions')
  const others = [8, 9, 10, 11].map((seed) => simulate(s, BUILT_IN_POLICIES.optimised!, { seed }).metrics.noShows)
  t.ok(others.some((n) => n !== a.metrics.noShows), 'another seed draws other no-shows')
})

t.test('every referral in the period is accounted for exactly once', async (t) => {
  const s = scenario()
  const inPeriod = s.referrals.filter((r) => (r.referredOn ?? '') <= '2025-05-30').length
  for (const name of ['fifo', 'edf', 'optimised', 'corona-2020']) {
    const { metrics: m, outcomes } = simulate(s, BUILT_IN_POLICIES[name]!)
    const a = m.accounts
    t.equal(a.referrals, inPeriod, `${name}: every referral referred in the period is counted`)
    t.equal(a.held + a.booked + a.pending + a.withdrawn, a.referrals, `${name}: held + booked + pending + withdrawn = referrals`)
    t.equal(Object.values(a.pendingByReason).reduce((x, y) => x + y, 0), a.pending, `${name}: every pending referral has a reason`)
    t.equal(outcomes.size, a.referrals, `${name}: one outcome per referral`)
    t.equal(m.weeks.reduce((x, w) => x + w.firstSessionsHeld, 0), a.held, `${name}: first sessions held per week add up to the referrals held`)
    t.equal(m.weeks.reduce((x, w) => x + w.newReferrals, 0), m.weeks.at(-1)!.known - m.weeks[0]!.known + m.weeks[0]!.newReferrals, `${name}: new referrals add up to the known ones`)
    t.equal(m.weeks.at(-1)!.backlog, a.booked + a.pending, `${name}: the last week's backlog is what is booked or pending`)
    t.ok(a.pendingByReason['missing-competence-mapping']! > 0, `${name}: referrals without competence mapping stay pending with that reason`)
  }
})

t.test('no session is held in an absence, on a holiday or on a weekend', async (t) => {
  const s = scenario({ from: '2025-03-03', to: '2025-06-13' }) // Easter, 1 and 17 May, Ascension, Whit Monday
  const absences = new Map(s.counsellors.map((c) => [c.id, c.absences]))
  const { sessions } = simulate(s, BUILT_IN_POLICIES.optimised!)
  t.ok(sessions.length > 20, 'sessions were held')
  const bad = sessions.filter((x) => {
    const d = x.start.slice(0, 10)
    return !isWorkingDay(d) || (absences.get(x.counsellorId) ?? []).some((a) => a.from <= d && d <= a.to)
  })
  t.same(bad, [], 'every session falls on a working day outside its counsellor\'s absences')
})

t.test('an absence is known from its first day: its sessions are cancelled, late ones counted, and rebooked', async (t) => {
  const s = parseScenario({
    name: 'sick on Wednesday',
    from: '2025-03-03',
    to: '2025-04-25',
    counsellors: [{ id: 'a', name: 'A', municipalities: [], weekly: weekdays([3]), absences: [{ from: '2025-03-19', to: '2025-03-21', reason: 'sick' }] }],
    referrals: [{ externalRef: 'x', municipality: '5001', track: 'ordinary', settledOn: '2025-02-01', referredOn: '2025-03-08', language: 'ar', interpreter: true, competenceMappingDone: true }],
  })
  const run = simulate(s, BUILT_IN_POLICIES.optimised!)
  const week = run.metrics.weeks.find((w) => w.week === '2025-03-17')!
  t.equal(week.cancellations, 1, 'the session booked on the first sick day is cancelled that morning')
  t.equal(week.lateCancellations, 1, 'an interpreted session cancelled the same morning is a late cancellation')
  t.same(run.outcomes.get('x'), { status: 'held', firstOn: '2025-04-02' }, 'the referral is rebooked at the next run (24 March) on the first Wednesday after its lead time')
})

t.test('a withdrawal is known the morning it happens: bookings cancelled (late if under 36 h), out of the shares, in the accounts', async (t) => {
  const ref = (id: string, over: Record<string, unknown> = {}) => ({ externalRef: id, municipality: '5001', track: 'ordinary', settledOn: '2025-02-01', referredOn: '2025-03-08', language: 'ar', interpreter: true, competenceMappingDone: true, ...over })
  const s = parseScenario({
    name: 'withdrawn on Tuesday',
    from: '2025-03-03',
    to: '2025-04-25',
    counsellors: [{ id: 'a', name: 'A', municipalities: [], weekly: weekdays([3]), absences: [] }],
    referrals: [
      ref('x', { withdrawnOn: '2025-03-18' }),
      ref('y', { settledOn: '2025-02-03' }),
      ref('z', { referredOn: '2025-04-10', withdrawnOn: '2025-04-11' }),
    ],
  })
  const run = simulate(s, BUILT_IN_POLICIES.optimised!)
  const week = run.metrics.weeks.find((w) => w.week === '2025-03-17')!
  t.equal(week.cancellations, 1, 'the session booked for Wednesday 19 March is cancelled on Tuesday morning')
  t.equal(week.lateCancellations, 1, 'a day ahead of an interpreted session is under 36 hours: late')
  t.same(run.outcomes.get('x'), { status: 'withdrawn', on: '2025-03-18' }, 'x ends withdrawn')
  t.same(run.outcomes.get('z'), { status: 'withdrawn', on: '2025-04-11' }, 'z, withdrawn before any run saw it, too')
  t.equal(run.outcomes.get('y')?.status, 'held', 'y is seen')
  t.notOk(run.sessions.some((x) => x.kind !== 'group' && x.referralId === 'x'), 'nothing of x is held')
  const a = run.metrics.accounts
  t.equal(a.withdrawn, 2, 'two withdrawn')
  t.equal(a.held + a.booked + a.pending + a.withdrawn, a.referrals, 'the accounts add up')
  t.equal(run.metrics.ordinary.referrals, 1, 'withdrawn referrals are out of the share within deadline')
  t.equal(run.metrics.weeks.find((w) => w.week === '2025-03-24')!.backlog, 0, 'nor are they backlog once withdrawn')
})

t.test('a member withdrawn before the group meeting leaves the group; the meeting is held for the others', async (t) => {
  const ukr = (id: string, over: Record<string, unknown> = {}) => ({ externalRef: id, municipality: '5001', track: 'ukraine', settledOn: '2025-02-01', referredOn: '2025-03-01', language: 'uk', interpreter: true, ...over })
  const s = parseScenario({
    name: 'group, one leaves',
    from: '2025-03-03',
    to: '2025-04-25',
    counsellors: [{ id: 'a', name: 'A', municipalities: [], weekly: weekdays([1, 2, 3, 4, 5]), absences: [] }],
    referrals: [ukr('u1'), ukr('u2', { withdrawnOn: '2025-03-12' }), ukr('u3')],
  })
  const run = simulate(s, BUILT_IN_POLICIES.optimised!)
  const meetings = run.sessions.filter((x) => x.kind === 'group')
  t.equal(meetings.length, 1, 'one group meeting held')
  t.same(meetings[0]!.kind === 'group' && [...meetings[0]!.referralIds].sort(), ['u1', 'u3'], 'without the member who withdrew')
  t.same(run.outcomes.get('u2'), { status: 'withdrawn', on: '2025-03-12' }, 'u2 ends withdrawn')
  t.equal(run.metrics.cancellations, 1, 'only u2\'s own individual session is cancelled, not the meeting')
})

t.test('policies: built-ins, a policy file, and a clear error for anything else', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  const file = join(dir, 'threatened-first.json')
  writeFileSync(file, JSON.stringify({ method: 'greedy', priority: ['threatened-industry', 'waiting-time'] }))
  const p = resolveReplayPolicy(file)
  t.same(p, { name: 'threatened-first', method: 'greedy', overrides: { priority: ['threatened-industry', 'waiting-time'] } }, 'a policy file gives its name, method and fields')
  t.throws(() => resolveReplayPolicy('lottery'), ScenarioError, 'an unknown name is refused')
  writeFileSync(file, JSON.stringify({ priority: ['alphabetical'] }))
  t.throws(() => resolveReplayPolicy(file), ScenarioError, 'a policy file with an unknown rule is refused')
})

t.test('the report: one column per policy, one CSV row per policy and week', async (t) => {
  const s = scenario()
  const runs = ['fifo', 'optimised'].map((n) => simulate(s, BUILT_IN_POLICIES[n]!).metrics)
  const table = comparisonTable(runs)
  t.match(table.split('\n')[0], /fifo \(greedy\)\s+optimised \(flow\)/, 'the heading names each policy and its method')
  t.match(table, /ordinary within deadline/, 'the table shows the share within deadline')
  const csv = weeklyCsv(runs).trim().split('\n')
  t.equal(csv.length, 1 + runs[0]!.weeks.length * 2, 'a header and a row per policy and week')
})

t.test('a scenario policy in dated versions: each week the version in force that week', async (t) => {
  // From 3 March a version asks 60 days' notice: the runs from then on book nothing before May, while
  // the runs before it (6-week horizon, the defaults) reach to mid-April at most.
  const slow = { noticeDays: 60, leadDays: { ordinary: 60, ukraine: 60, corona: 60 } }
  const dated = scenario({ policy: [{ validFrom: '2025-01-06' }, { validFrom: '2025-03-03', ...slow }] })
  const heldIn = (m: ReplayMetrics, weeks: string[]) => m.weeks.filter((w) => weeks.includes(w.week)).reduce((n, w) => n + w.sessionsHeld, 0)
  const gap = ['2025-04-21', '2025-04-28']
  const a = simulate(dated, BUILT_IN_POLICIES.optimised!).metrics
  const b = simulate(scenario(), BUILT_IN_POLICIES.optimised!).metrics
  t.ok(heldIn(b, gap) > 0, 'with one policy throughout, sessions are held in the last weeks of April')
  t.equal(heldIn(a, gap), 0, 'with the version from 3 March in force, none: those weeks were never open to a run')
  t.ok(heldIn(a, ['2025-01-13', '2025-01-20', '2025-01-27']) > 0, 'while the first version booked as usual in January')
  t.throws(() => scenario({ policy: [{ validFrom: '2025-01-06' }, { validFrom: '2025-01-06', noticeDays: 3 }] }), { message: /two policy versions from 2025-01-06/ }, 'two versions from the same day are refused')
})

t.test('the charts: equal policies both show, ticks on Mondays with full dates, texts in the chosen language', async (t) => {
  const s = scenario()
  const one = simulate(s, BUILT_IN_POLICIES.optimised!).metrics
  const twin = { ...one, policy: 'optimised-copy' } // the same results under another name
  const svg = await lineChart([one, twin], 'backlog', 'nb')
  const dashes = new Set([...svg.matchAll(/stroke-dasharray="([^"]+)"/g)].map((m) => m[1]))
  t.ok(dashes.size >= 2, `each policy draws its line with its own dash pattern (${[...dashes].join(' | ')}), so one cannot hide the other`)
  t.match(svg, 'der linjene ligger oppå hverandre', 'and the subtitle says what lines on top of each other mean')
  const labels = [...svg.matchAll(/>(\d{2})\.(\d{2})\.(\d{4})</g)].map((m) => `${m[3]}-${m[2]}-${m[1]}`)
  t.ok(labels.length >= 2, `the week axis is labelled with dates (${labels.join(', ')})`)
  t.same(labels.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() !== 1), [], 'every tick is a Monday')
  t.notMatch(svg, />(19|20)\d\d</, 'no tick labelled with a year alone')
  t.match(svg, 'uke (mandag)', 'axis titles in bokmål')
  t.match(await lineChart([one], 'backlog', 'en'), 'week (Monday)', 'and in English on request')
})

t.test('tildeling replay: a table on stdout, files in --out, no progress bar off a terminal; bad input one line, exit 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'))
  const file = join(dir, 'scenario.json')
  writeFileSync(file, JSON.stringify(scenario()))
  const out = join(dir, 'out')
  const cli = ['--import=tsx', 'src/cli/main.ts', 'replay', file, '--policy', 'fifo,optimised', '--out', out]
  const { stdout, stderr } = await run(process.execPath, cli)
  t.match(stdout, /fifo \(greedy\)\s+optimised \(flow\)/, 'one table with a column per policy')
  t.equal(stderr, '', 'nothing on stderr: no progress bar when not a terminal')
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))
  t.same(metrics.policies.map((m: ReplayMetrics) => m.policy), ['fifo', 'optimised'], 'metrics.json holds each policy')
  t.match(readFileSync(join(out, 'backlog.svg'), 'utf8'), /^<svg/, 'the backlog chart is SVG')
  t.match(readFileSync(join(out, 'within-deadline.svg'), 'utf8'), /optimised/, 'the deadline chart has a line per policy')
  t.match(readFileSync(join(out, 'within-target.svg'), 'utf8'), /^<svg/, 'and the target-date chart is written too')
  const bad = await run(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'replay', file, '--policy', 'lottery']).catch((e) => e)
  t.equal(bad.code, 1, 'an unknown policy exits 1')
  t.equal(bad.stderr.trim().split('\n').length, 1, 'with one line on stderr')
  const missing = await run(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'replay', join(dir, 'nope.json')]).catch((e) => e)
  t.match(missing.stderr, /^tildeling: cannot read .*nope\.json: ENOENT\n$/, 'a missing file is one line')
})

t.test('tildeling replay without --out writes under out/<safe name>/ whatever the scenario is called', async (t) => {
  const { defaultReportDir } = await import('../../src/cli/replay.ts')
  const { resolve, sep } = await import('node:path')
  const outRoot = resolve('out') + sep
  for (const name of ['..', '.', '../..', '../../etc', '/etc/passwd', '...', '.hidden', 'a/../../b', '', 'C:\\Windows', 'Trøndelag 2020']) {
    const dir = resolve(defaultReportDir(name))
    t.ok(dir.startsWith(outRoot) && !dir.slice(outRoot.length).includes(sep), `${JSON.stringify(name)} -> ${defaultReportDir(name)}: one folder inside out/`)
  }
  t.equal(defaultReportDir('Trøndelag 2020'), join('out', 'Trøndelag-2020'), 'a plain name keeps its letters')

  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-dots-'))
  const file = join(dir, 'scenario.json')
  writeFileSync(file, JSON.stringify({ ...scenario(), name: '..' }))
  t.teardown(() => rmSync(join('out', 'scenario'), { recursive: true, force: true }))
  const { stdout } = await run(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'replay', file, '--policy', 'fifo'])
  t.match(stdout, new RegExp(`Wrote ${join('out', 'scenario', 'metrics.json').replace(/[.\\/]/g, '\\$&')}`), 'a scenario named .. writes into out/scenario/')
  t.ok(existsSync(join('out', 'scenario', 'metrics.json')), 'and the file is there')
})
