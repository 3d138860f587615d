import { addDays } from '../../solver/calendar.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import { todayInOslo } from '../clock.ts'
import { BadRequest } from '../errors.ts'
import { capacityTable } from '../replay/capacity.ts'
import { loadProblem, type AllocationDeps } from './allocation.ts'

/** The centre's capacity against its open referrals, week by week from `from` (today) for 12 weeks by default, a year at most. */
export function centreCapacity(deps: AllocationDeps, q: { readonly from?: string | undefined; readonly to?: string | undefined }) {
  const from = q.from ?? todayInOslo()
  const to = q.to ?? addDays(from, 12 * 7 - 1)
  if (to < from) throw new BadRequest('to must be on or after from')
  if (to > addDays(from, 366)) throw new BadRequest('a capacity table covers a year at most')
  const problem = loadProblem(deps, from, 1)
  // Referrals already seen before `from` need no more hours.
  const seen = new Set(problem.pinned.flatMap((s) => (s.kind === 'individual' && s.start.slice(0, 10) < from ? [s.referralId] : [])))
  const policyInput = deps.settings.policyInput()
  return capacityTable({
    referrals: problem.referrals.filter((r) => !seen.has(r.id)),
    counsellors: problem.counsellors,
    policyOn: (d) => resolvePolicy(policyInput, d),
    from,
    to,
  })
}
