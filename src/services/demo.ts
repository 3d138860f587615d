import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { addDays, daysBetween, mondayOf } from '../../solver/calendar.ts'
import type { Caller } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { IsoDateSchema } from '../schemas/common.ts'
import { CounsellorSchema } from '../schemas/counsellor.ts'
import { createCounsellorRepository } from '../store/counsellor-repository.ts'
import type { Db } from '../store/db.ts'
import { createReferralRepository } from '../store/referral-repository.ts'
import { intakeReferrals } from './referrals.ts'
import { describeIssues } from './scenario.ts'

/** fixtures/demo-centre.json: counsellors and referrals as the API takes them, dated around `runDate`. */
const DemoCentreSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  runDate: IsoDateSchema,
  counsellors: z.array(CounsellorSchema),
  // Checked item by item by the referral intake, exactly as a municipality's batch.
  referrals: z.array(z.record(z.string(), z.unknown())),
})

export const DEMO_FIXTURE = new URL('../../fixtures/demo-centre.json', import.meta.url)

const DATE_FIELDS = ['settledOn', 'referredOn', 'programmeEndsOn', 'deferredUntil', 'from', 'to', 'employedFrom', 'employedUntil'] as const

/** Move every date field of a fixture object by `days`, so deadlines stay live whenever the demo runs. */
function shift<T extends Record<string, unknown>>(o: T, days: number): T {
  const out: Record<string, unknown> = { ...o }
  for (const f of DATE_FIELDS) if (typeof out[f] === 'string') out[f] = addDays(out[f], days)
  return out as T
}

export type DemoLoad = { readonly runDate: string; readonly counsellors: number; readonly created: number; readonly updated: number; readonly skipped: number }

/**
 * Load the demo centre into a database, idempotently: counsellors are PUT by id and referrals
 * posted by (municipality, externalRef), so a second run updates instead of duplicating. A
 * referral already scheduled (a demo allocation was committed) or withdrawn is left as it is.
 */
export function loadDemoCentre(db: Db, now = new Date(), fixture: URL | string = DEMO_FIXTURE): DemoLoad {
  const parsed = DemoCentreSchema.safeParse(JSON.parse(readFileSync(fixture, 'utf8')))
  if (!parsed.success) throw new Error(`the demo fixture is invalid: ${describeIssues(parsed.error)}`)
  const demo = parsed.data
  const today = todayInOslo(now)
  const runDate = mondayOf(today)
  const days = daysBetween(demo.runDate, runDate)

  const counsellors = createCounsellorRepository(db)
  // No DUF numbers in the fixture, so the demo needs no TILDELING_SECRET.
  const referrals = createReferralRepository(db, undefined)
  for (const { id, ...c } of demo.counsellors) {
    counsellors.put(id, { ...c, weekly: c.weekly, absences: c.absences.map((a) => shift(a, days)), ...shift({ employedFrom: c.employedFrom, employedUntil: c.employedUntil }, days) })
  }

  const stored = referrals.list()
  const existing = new Map(stored.map((r) => [`${r.municipality}/${r.externalRef}`, r.id]))
  const withdrawn = new Set(stored.filter((r) => r.withdrawnAt !== undefined).map((r) => r.id))
  const booked = referrals.bookedSessions([...existing.values()])
  const items = demo.referrals.map((r) => shift(r, days))
  const fresh = items.filter((r) => {
    const id = existing.get(`${String(r.municipality)}/${String(r.externalRef)}`)
    return id === undefined || !(booked.has(id) || withdrawn.has(id))
  })
  const coordinator: Caller = { role: 'coordinator', keyId: 'demo-loader' }
  const result = fresh.length > 0 ? intakeReferrals(referrals, coordinator, fresh, today) : { created: 0, updated: 0 }
  return { runDate, counsellors: demo.counsellors.length, created: result.created, updated: result.updated, skipped: items.length - fresh.length }
}
