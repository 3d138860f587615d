import { InvalidArgumentError, type Command } from 'commander'
import { resolvePolicy } from '../../solver/policy.ts'
import { capacityTable, DEFAULT_CAPACITY_TARGET, searchExtraCapacity, type CapacityTable, type ExtraCapacity } from '../replay/capacity.ts'
import { resolveReplayPolicy, scenarioPolicy } from '../replay/policies.ts'
import { mergePolicyInput, replayPeriod } from '../replay/simulate.ts'
import { loadScenario, scenarioPolicyOn, ScenarioError, toSolverCounsellor, toSolverReferral } from '../services/scenario.ts'
import { CliError } from './errors.ts'

function parseShare(value: string): number {
  const n = Number(value)
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('must be a share above 0 and at most 1, e.g. 0.9')
  return n
}

const h = (x: number) => x.toFixed(1)

/** The weekly table and the answer, as an analyst reads them. */
export function formatCapacity(name: string, table: CapacityTable, extra: ExtraCapacity): string {
  const lines = [
    `${name}: capacity ${table.from} to ${table.to}`,
    '',
    'Targets: ' + Object.entries(table.targets).map(([track, basis]) => `${track}: ${basis}`).join('; '),
    '',
    'week         due  needed h  available h  cum needed  cum available  shortfall h',
    ...table.weeks.map((w) =>
      [w.week, String(w.due).padStart(6), h(w.neededHours).padStart(9), h(w.availableHours).padStart(12), h(w.cumulativeNeeded).padStart(11), h(w.cumulativeAvailable).padStart(14), h(w.shortfallHours).padStart(12)].join(' '),
    ),
    '',
    `Needed ${h(table.neededHours)} h against ${h(table.availableHours)} h available.`,
    table.worstWindow === null
      ? 'No run of weeks needed more hours than it had (pooled hours; a lower bound on what is missing).'
      : `Missing at the worst: ${h(table.peakShortfallHours)} h = at least ${table.missingCounsellorDays} counsellor-days, ${table.worstWindow.from} to ${table.worstWindow.to} (${h(table.worstWindow.neededHours)} h needed by referrals known and due then, ${h(table.worstWindow.availableHours)} h available; pooled hours, a lower bound).`,
    `Past their target before they could be seen (late referral or deferral): ${table.unreachableOnArrival}; targets after the period (not counted): ${table.dueAfterPeriod}; withdrawn before their week (not counted): ${table.withdrawn}.`,
    '',
    // Not the replay's withinTargetShare: referrals past their target before anyone could see them are left out here, since no capacity helps them.
    `Replay search (${extra.policy}), target ${(extra.target * 100).toFixed(0)} % of the referrals capacity could reach in time seen by their target date (the replay's within-target share counts all referrals):`,
    ...extra.probes.map((p) => `  +${String(p.daysPerWeek).padStart(2)} counsellor-days/week: ${p.met}/${p.decided} = ${p.share === null ? '-' : (p.share * 100).toFixed(1) + ' %'}`),
    extra.daysPerWeek === null
      ? `Not reached even with the most added days tried.`
      : `Fewest added counsellor-days per week that reach it: ${extra.daysPerWeek}${extra.daysPerWeek > 0 ? ` (${(extra.daysPerWeek / 5).toFixed(1)} full-time counsellors)` : ''}.`,
  ]
  return lines.join('\n') + '\n'
}

export function registerCapacity(program: Command): void {
  program
    .command('capacity')
    .description('counsellor-hours needed per week for every referral to be seen by its target date, against hours available; and the fewest added counsellor-days per week that reach a target share (by replay)')
    .argument('<scenario>', 'scenario .json file')
    .option('--target <share>', 'share of the referrals capacity could reach in time that are seen by their target date, 0-1 (default 0.9)', parseShare, DEFAULT_CAPACITY_TARGET)
    .option('--policy <name>', 'policy for the replay search: fifo, edf, optimised, corona-2020 or a .json file (default: the scenario\'s, else optimised)')
    .option('--seed <n>', 'seed for no-shows and cancellations', (v) => {
      const n = Number(v)
      if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer')
      return n
    })
    .action((file: string, opts: { target: number; policy?: string; seed?: number }) => {
      try {
        const scenario = loadScenario(file)
        const policy = opts.policy ? resolveReplayPolicy(opts.policy) : scenarioPolicy(scenario.policy !== undefined)
        const { from, to } = replayPeriod(scenario)
        const table = capacityTable({
          referrals: scenario.referrals.map((r) => toSolverReferral(r, from)).filter((r) => r.referredOn <= to),
          counsellors: scenario.counsellors.map(toSolverCounsellor),
          policyOn: (d) => resolvePolicy(mergePolicyInput(scenarioPolicyOn(scenario, d), policy.overrides), d),
          from,
          to,
          withdrawnOn: new Map(scenario.referrals.flatMap((r) => (r.withdrawnOn !== undefined ? [[r.id ?? r.externalRef, r.withdrawnOn] as const] : []))),
        })
        const extra = searchExtraCapacity(scenario, { target: opts.target, policy, seed: opts.seed })
        process.stdout.write(formatCapacity(scenario.name, table, extra))
      } catch (err) {
        if (err instanceof ScenarioError) throw new CliError(err.message)
        throw err
      }
    })
}
