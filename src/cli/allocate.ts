import { InvalidArgumentError, type Command } from 'commander'
import { priorityFacts } from '../../solver/priority.ts'
import { deadlineOf } from '../../solver/rules/index.ts'
import { solve } from '../../solver/solve.ts'
import type { Problem } from '../../solver/types.ts'
import { readConfig } from '../config.ts'
import type { Lang } from '../i18n/index.ts'
import { ProposalSchema } from '../schemas/session.ts'
import { renderProposal, type NameOf, type Renderable } from '../services/explain.ts'
import { IsoDateSchema } from '../schemas/common.ts'
import { allocationDeps, commitAllocation, loadProblem, propose } from '../services/allocation.ts'
import { formatProposal } from '../services/proposal-table.ts'
import { DEFAULT_HORIZON_WEEKS, loadScenario, scenarioProblem, ScenarioError } from '../services/scenario.ts'
import { openDatabase } from '../store/db.ts'
import { counted } from '../errors.ts'
import { CliError } from './errors.ts'
import { parseLang } from './options.ts'

function parseDate(value: string): string {
  if (!IsoDateSchema.safeParse(value).success) throw new InvalidArgumentError('must be a real date, YYYY-MM-DD')
  return value
}

function parseWeeks(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 26) throw new InvalidArgumentError('must be a whole number of weeks, 1-26')
  return n
}

type Options = { scenario?: string; json?: boolean; runDate?: string; horizonWeeks?: number; greedy?: boolean; commit?: boolean; db?: string; lang: Lang }

/** The API's proposal object: details in the chosen language, and only the wire's fields. */
function wire(proposal: Renderable, lang: Lang, nameOf: NameOf): string {
  return `${JSON.stringify(ProposalSchema.parse(renderProposal(proposal, lang, nameOf)), null, 2)}\n`
}

/** Per referral, what the policy's rules see in it: the table's priority column. */
function prioritiesOf(problem: Problem): Map<string, string> {
  const rules = problem.policy.priority
  return new Map(problem.referrals.map((r) => [r.id, priorityFacts(rules, r, deadlineOf(r, problem.policy))]))
}

/** A scenario file, no database: solve it and print the proposal. */
function allocateScenario(path: string, opts: Options): void {
  let scenario
  try {
    scenario = loadScenario(path)
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(err.message)
    throw err
  }
  const problem = scenarioProblem(scenario, { runDate: opts.runDate, horizonWeeks: opts.horizonWeeks })
  const proposal = solve(problem, opts.greedy ? { method: 'greedy' } : {})
  const names = new Map(scenario.counsellors.map((c) => [c.id, c.name]))
  // A scenario names referrals by the ids the file gives them: the analyst wrote them.
  const nameOf: NameOf = (id) => id
  process.stdout.write(opts.json ? wire(proposal, opts.lang, nameOf) : formatProposal(renderProposal(proposal, opts.lang, nameOf), { counsellors: names, priorities: prioritiesOf(problem) }))
}

/** The centre's database: the same service as POST /v1/allocations (and commit). */
function allocateDatabase(opts: Options): void {
  const db = openDatabase(opts.db ?? readConfig().dbPath)
  try {
    const deps = allocationDeps(db)
    const proposal = propose(deps, { runDate: opts.runDate, horizonWeeks: opts.horizonWeeks, method: opts.greedy ? 'greedy' : undefined })
    const priorities = prioritiesOf(loadProblem(deps, proposal.runDate, opts.horizonWeeks ?? DEFAULT_HORIZON_WEEKS))
    // Referrals are UUIDs in the database; a coordinator knows them by municipality and their own ref.
    const referrals = new Map(deps.referrals.list().map((r) => [r.id, `${r.municipality}/${r.externalRef}`]))
    const counsellors = new Map(deps.counsellors.list().map((c) => [c.id, c.name]))
    const nameOf: NameOf = (id) => referrals.get(id) ?? null
    if (opts.json) process.stdout.write(wire(proposal, opts.lang, nameOf))
    else process.stdout.write(formatProposal(renderProposal({ ...deps.allocations.findById(proposal.id)!.proposal, id: proposal.id }, opts.lang, nameOf), { referrals, counsellors, priorities }))
    if (opts.commit) {
      const committed = commitAllocation(deps, proposal.id)
      process.stderr.write(`Committed allocation ${proposal.id}: ${counted(committed.booked, 'session')} booked.\n`)
    } else {
      process.stderr.write(`Not committed. Commit it with POST /v1/allocations/${proposal.id}/commit, or run again with --commit.\n`)
    }
  } catch (err) {
    // A 409 from commit reads as one line on the command line too.
    if (err instanceof Error && 'statusCode' in err) throw new CliError(err.message)
    throw err
  } finally {
    db.close()
  }
}

export function registerAllocate(program: Command): void {
  program
    .command('allocate')
    .description("propose an allocation: from a scenario file (no database) or on the centre's database")
    .option('--scenario <file.json>', 'solve a scenario file instead of the database')
    .option('--json', "print the API's proposal object instead of the table")
    .option('--run-date <date>', 'the run date (default: the scenario\'s, else today in Oslo)', parseDate)
    .option('--horizon-weeks <n>', 'weeks to plan, 1-26 (default 6)', parseWeeks)
    .option('--greedy', 'use the greedy baseline (what a coordinator does by hand) instead of the optimiser')
    .option('--commit', 'database only: book the proposal')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .option('--lang <nb|en>', 'language of the explanations (default nb)', parseLang, 'nb' as Lang)
    .action((opts: Options) => {
      if (opts.scenario !== undefined) {
        if (opts.commit) throw new CliError('--commit books into the database; a scenario run has none. Drop --commit or --scenario')
        if (opts.db !== undefined) throw new CliError('--scenario reads no database; drop --db or --scenario')
        allocateScenario(opts.scenario, opts)
      } else {
        allocateDatabase(opts)
      }
    })
}
