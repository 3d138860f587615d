import { z } from 'zod'
import { IsoDateSchema } from './common.ts'
import { CounsellorSchema } from './counsellor.ts'
import { PolicyInputSchema } from './policy.ts'
import { ScenarioReferralSchema } from './referral.ts'
import { SessionSchema } from './session.ts'

/** A scenario file (contract: "Scenario files"): the API's shapes in one JSON document. */
export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    runDate: IsoDateSchema.optional(),
    horizonWeeks: z.number().int().min(1).max(26).optional(),
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    /** One policy, or dated versions (each from its validFrom): a replay applies, each week, the version in force that week. */
    policy: z.union([PolicyInputSchema, z.array(PolicyInputSchema.extend({ validFrom: IsoDateSchema })).min(1).max(100)]).optional(),
    counsellors: z.array(CounsellorSchema),
    referrals: z.array(ScenarioReferralSchema),
    bookings: z.array(SessionSchema).optional(),
    /** Interpreted sessions per language per day, where the interpreter service is limited. */
    interpreterCapacity: z.record(z.string(), z.number().int().min(0)).optional(),
    /** Replay: seeded randomness for no-shows and late cancellations. */
    seed: z.number().int().optional(),
    noShowRate: z.number().min(0).max(1).optional(),
    cancellationRate: z.number().min(0).max(1).optional(),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>()
    s.referrals.forEach((r, i) => {
      const id = r.id ?? r.externalRef
      if (ids.has(id)) ctx.addIssue({ code: 'custom', path: ['referrals', i, 'id'], message: `referral id ${id} appears twice` })
      ids.add(id)
    })
    const counsellorIds = new Set<string>()
    s.counsellors.forEach((c, i) => {
      if (counsellorIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['counsellors', i, 'id'], message: `counsellor id ${c.id} appears twice` })
      counsellorIds.add(c.id)
    })
    if (s.from && s.to && s.from > s.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be on or after from' })
    if (Array.isArray(s.policy)) {
      const from = new Set<string>()
      s.policy.forEach((v, i) => {
        if (from.has(v.validFrom)) ctx.addIssue({ code: 'custom', path: ['policy', i, 'validFrom'], message: `two policy versions from ${v.validFrom}` })
        from.add(v.validFrom)
      })
    }
  })
export type Scenario = z.infer<typeof ScenarioSchema>
