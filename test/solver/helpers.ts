// Small builders of Problems for the engine's tests.

import { DEFAULT_POLICY } from '../../solver/policy.ts'
import type { Counsellor, Policy, Problem, Referral } from '../../solver/types.ts'

/** A counsellor working Monday to Friday, 08:00-15:30 unless told otherwise. */
export function counsellor(id: string, over: Partial<Counsellor> = {}): Counsellor {
  return {
    id,
    municipalities: [],
    weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '15:30' })),
    absences: [],
    ...over,
  }
}

/** An ordinary referral, ready to plan (mapping done, no interpreter unless told). */
export function referral(id: string, over: Partial<Referral> = {}): Referral {
  return {
    id,
    municipality: '5001',
    track: 'ordinary',
    settledOn: '2025-01-01',
    referredOn: '2025-01-01',
    language: 'ar',
    interpreter: false,
    threatenedIndustry: false,
    competenceMappingDone: true,
    advisorConsent: true,
    groupMeetingDone: false,
    meetings: 1,
    ...over,
  }
}

export function problem(over: Partial<Omit<Problem, 'policy'>> & { policy?: Partial<Policy> } = {}): Problem {
  return {
    runDate: '2025-03-03',
    horizonWeeks: 2,
    counsellors: [counsellor('C1')],
    referrals: [],
    pinned: [],
    ...over,
    policy: { ...DEFAULT_POLICY, ...over.policy },
  }
}
