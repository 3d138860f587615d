import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { resolvePolicy } from '../../solver/policy.ts'
import type { Counsellor, PolicyInput, Problem, Referral, Session } from '../../solver/types.ts'
import { todayInOslo } from '../clock.ts'
import type { ScenarioReferral } from '../schemas/referral.ts'
import { ScenarioSchema, type Scenario } from '../schemas/scenario.ts'

export const DEFAULT_HORIZON_WEEKS = 6

/** A scenario file that does not parse or validate; the message is one line, fit for a CLI. */
export class ScenarioError extends Error {
  override name = 'ScenarioError'
}

/** One line per problem, `path: message`, as a CLI prints them. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
  const more = error.issues.length > max ? `; and ${error.issues.length - max} more` : ''
  return lines.join('; ') + more
}

export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = ScenarioSchema.safeParse(json)
  if (!parsed.success) throw new ScenarioError(`${source} is not a valid scenario: ${describeIssues(parsed.error)}`)
  return parsed.data
}

export function loadScenario(path: string): Scenario {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ScenarioError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ScenarioError(`${path} is not JSON: ${(err as Error).message}`)
  }
  return parseScenario(json, path)
}

/** The solver's view of a referral: no personal data. */
export function toSolverReferral(r: Omit<ScenarioReferral, 'participant' | 'advisor'> & { id?: string | undefined }, referredOnDefault: string): Referral {
  return {
    id: r.id ?? r.externalRef,
    municipality: r.municipality,
    track: r.track,
    settledOn: r.settledOn,
    referredOn: r.referredOn ?? referredOnDefault,
    language: r.language,
    interpreter: r.interpreter,
    threatenedIndustry: r.threatenedIndustry,
    competenceMappingDone: r.competenceMappingDone,
    advisorConsent: r.advisorConsent,
    groupMeetingDone: r.groupMeetingDone,
    meetings: r.meetings,
    ...(r.programmeEndsOn !== undefined && { programmeEndsOn: r.programmeEndsOn }),
    ...(r.targetIndustry !== undefined && { targetIndustry: r.targetIndustry }),
    ...(r.deferredUntil !== undefined && { deferredUntil: r.deferredUntil }),
    ...(r.deferralReason !== undefined && { deferralReason: r.deferralReason }),
  }
}

export function toSolverCounsellor(c: Scenario['counsellors'][number]): Counsellor {
  return {
    id: c.id,
    name: c.name,
    municipalities: c.municipalities,
    weekly: c.weekly,
    absences: c.absences,
    ...(c.employedFrom !== undefined && { employedFrom: c.employedFrom }),
    ...(c.employedUntil !== undefined && { employedUntil: c.employedUntil }),
    ...(c.maxSessionsPerDay !== undefined && { maxSessionsPerDay: c.maxSessionsPerDay }),
  }
}

/** Strip the wire-only `id` of a booking; the solver pins it as given. */
function toSolverSession(s: NonNullable<Scenario['bookings']>[number]): Session {
  const { id: _id, ...session } = s
  return { ...session, pinned: true } as Session
}

/**
 * The scenario's policy in force on `date`: its one policy, or of its dated versions the latest
 * from on or before that date (before the first, none: the defaults of that date).
 */
export function scenarioPolicyOn(s: Pick<Scenario, 'policy'>, date: string): PolicyInput | undefined {
  if (!Array.isArray(s.policy)) return s.policy as PolicyInput | undefined
  const inForce = s.policy.filter((v) => v.validFrom <= date).sort((a, b) => a.validFrom.localeCompare(b.validFrom)).at(-1)
  if (!inForce) return undefined
  const { validFrom: _from, ...policy } = inForce
  return policy as PolicyInput
}

export type ProblemOverrides = { readonly runDate?: string | undefined; readonly horizonWeeks?: number | undefined }

/**
 * The allocation problem a scenario describes: the run date is the override, else the scenario's
 * runDate, else its `from`, else today. A referral without referredOn is known from the run date;
 * referrals not yet referred, or already withdrawn, on the run date are left out.
 */
export function scenarioProblem(s: Scenario, overrides: ProblemOverrides = {}): Problem {
  const runDate = overrides.runDate ?? s.runDate ?? s.from ?? todayInOslo()
  return {
    runDate,
    horizonWeeks: overrides.horizonWeeks ?? s.horizonWeeks ?? DEFAULT_HORIZON_WEEKS,
    policy: resolvePolicy(scenarioPolicyOn(s, runDate), runDate),
    counsellors: s.counsellors.map(toSolverCounsellor),
    referrals: s.referrals.filter((r) => r.withdrawnOn === undefined || r.withdrawnOn > runDate).map((r) => toSolverReferral(r, runDate)).filter((r) => r.referredOn <= runDate),
    pinned: (s.bookings ?? []).map(toSolverSession),
    ...(s.interpreterCapacity !== undefined && { interpreterCapacity: s.interpreterCapacity }),
  }
}
