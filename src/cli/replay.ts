import { InvalidArgumentError, type Command } from 'commander'
import { join } from 'node:path'
import type { ReplayMetrics } from '../replay/metrics.ts'
import { resolveReplayPolicy, scenarioPolicy } from '../replay/policies.ts'
import { progressBar } from '../replay/progress.ts'
import { comparisonTable, writeReport } from '../replay/report.ts'
import { simulate } from '../replay/simulate.ts'
import { loadScenario, ScenarioError } from '../services/scenario.ts'
import type { Lang } from '../i18n/index.ts'
import { CliError } from './errors.ts'
import { parseLang } from './options.ts'

function parseSeed(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer')
  return n
}

/**
 * `out/<safe name>` for a scenario's name, always one folder below `out/`: letters, digits, `.`,
 * `_` and `-` only, no leading dots (a name `..` once wrote into the working directory's parent).
 */
export function defaultReportDir(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[.-]+/, '').slice(0, 100)
  return join('out', safe === '' ? 'scenario' : safe)
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay a scenario week by week (allocate each Monday, commit, let the week pass) under one or more policies, side by side')
    .argument('<scenario>', 'scenario .json file')
    .option('--policy <list>', 'comma-separated: fifo, edf, optimised, corona-2020, or policy .json files (default: the scenario\'s policy, else optimised)')
    .option('--seed <n>', 'seed for no-shows and cancellations (default: the scenario\'s seed, else 1)', parseSeed)
    .option('--out <dir>', 'where metrics.json, weekly.csv and the SVG charts go (default ./out/<scenario name>)')
    .option('--lang <nb|en>', 'language of the charts (default nb)', parseLang, 'nb' as Lang)
    .action(async (file: string, opts: { policy?: string; seed?: number; out?: string; lang: Lang }) => {
      let runs: ReplayMetrics[]
      let name: string
      try {
        const scenario = loadScenario(file)
        name = scenario.name
        const policies = opts.policy
          ? opts.policy.split(',').map((p) => p.trim()).filter(Boolean).map(resolveReplayPolicy)
          : [scenarioPolicy(scenario.policy !== undefined)]
        if (policies.length === 0) throw new ScenarioError('--policy names no policy')
        runs = policies.map((policy) => {
          const bar = progressBar(policy.name)
          try {
            return simulate(scenario, policy, { seed: opts.seed, onWeek: bar.update }).metrics
          } finally {
            bar.stop()
          }
        })
      } catch (err) {
        if (err instanceof ScenarioError) throw new CliError(err.message)
        throw err
      }
      const dir = opts.out ?? defaultReportDir(name)
      const files = await writeReport(dir, name, runs, opts.lang)
      process.stdout.write(`${name}: ${runs[0]!.from} to ${runs[0]!.to}, seed ${runs[0]!.seed}\n\n`)
      process.stdout.write(comparisonTable(runs))
      process.stdout.write(`\nWrote ${files.join(', ')}\n`)
    })
}
