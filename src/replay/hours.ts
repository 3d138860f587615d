// A counsellor's guidance hours: the free working time of each day, but no more than the day's
// session cap allows. Capacity and replay utilisation both count time this way.

import { counsellorDays } from '../../solver/availability.ts'
import type { Counsellor, IsoDate, Policy } from '../../solver/types.ts'

/** Hours `counsellors` can hold sessions from `from` to `to`; a capped day counts its cap times the longest session. */
export function guidanceHours(counsellors: readonly Counsellor[], from: IsoDate, to: IsoDate, policy: Policy): number {
  const longest = Math.max(...Object.values(policy.sessionMinutes))
  let minutes = 0
  for (const c of counsellors) {
    for (const d of counsellorDays(c, from, to, policy, [])) {
      const free = d.free.reduce((sum, [a, b]) => sum + (b - a), 0)
      minutes += Math.min(free, d.sessionsLeft * longest)
    }
  }
  return minutes / 60
}
