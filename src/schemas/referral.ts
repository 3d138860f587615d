import { z } from 'zod'
import { IsoDateSchema, MunicipalityNumberSchema, ReasonSchema, TrackSchema } from './common.ts'
import { NextCursorSchema, pageQuery } from './page.ts'
import { IndividualSessionSchema, GroupSessionSchema } from './session.ts'

export const ParticipantSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  /** The DUF number: an identifier, stored encrypted, never logged. */
  dufNumber: z.string().regex(/^\d{4}\s?\d{8}$/, 'must be a DUF number of 12 digits').optional(),
})

export const AdvisorSchema = z.strictObject({
  name: z.string().min(1).max(200),
  email: z.email('must be an e-mail address'),
})

const referralFields = {
  externalRef: z.string().trim().min(1, 'must not be empty or only spaces').max(64),
  municipality: MunicipalityNumberSchema,
  track: TrackSchema,
  settledOn: IsoDateSchema,
  referredOn: IsoDateSchema.optional(),
  language: z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 language code, e.g. ar, ti, uk, prs'),
  interpreter: z.boolean().default(true),
  programmeEndsOn: IsoDateSchema.optional(),
  threatenedIndustry: z.boolean().default(false),
  targetIndustry: z.string().min(1).max(200).optional(),
  competenceMappingDone: z.boolean().default(false),
  advisorConsent: z.boolean().default(false),
  groupMeetingDone: z.boolean().default(false),
  meetings: z.union([z.literal(1), z.literal(2)]).default(1),
  deferredUntil: IsoDateSchema.optional(),
  deferralReason: z.string().min(1).max(1000).optional(),
  participant: ParticipantSchema.optional(),
  advisor: AdvisorSchema,
}

/** Cross-field rules every referral obeys, wherever it comes from (API, CSV, scenario). */
function checkReferral(r: { deferredUntil?: string | undefined; deferralReason?: string | undefined; settledOn: string; programmeEndsOn?: string | undefined }, ctx: z.RefinementCtx) {
  if ((r.deferredUntil === undefined) !== (r.deferralReason === undefined)) {
    ctx.addIssue({ code: 'custom', path: [r.deferredUntil === undefined ? 'deferredUntil' : 'deferralReason'], message: 'deferredUntil and deferralReason come together: both or neither' })
  }
  if (r.programmeEndsOn !== undefined && r.programmeEndsOn < r.settledOn) {
    ctx.addIssue({ code: 'custom', path: ['programmeEndsOn'], message: 'the programme cannot end before settlement' })
  }
}

/** A referral as a municipality posts it. Unknown fields are refused. */
export const ReferralInputSchema = z.strictObject(referralFields).superRefine(checkReferral)
export type ReferralInput = z.infer<typeof ReferralInputSchema>

/**
 * A batch item as the route sees it: anything, because the service validates each item against
 * ReferralInputSchema itself so that every error carries the item's index. The OpenAPI document
 * still shows the referral shape: the item carries ReferralInputSchema's JSON Schema as metadata,
 * which the document generator merges into the (otherwise empty) schema of z.unknown().
 */
const { $schema: _dialect, ...referralInputJson } = z.toJSONSchema(ReferralInputSchema, { io: 'input', unrepresentable: 'any' })
const BatchItemSchema = z.unknown().meta(referralInputJson)

/** The body of `POST /v1/referrals`: 1 to 5,000 referrals. */
export const ReferralBatchSchema = z.strictObject({
  referrals: z.array(BatchItemSchema).min(1, 'a batch holds 1 to 5,000 referrals').max(5000, 'a batch holds 1 to 5,000 referrals'),
})

/**
 * A referral in a scenario file: the API's shape, with an optional id, no advisor needed (analysts
 * work pseudonymised), and, for history, the date it was withdrawn (what PATCH withdrawn does live).
 */
export const ScenarioReferralSchema = z
  .strictObject({
    ...referralFields,
    id: z.string().min(1).max(64).optional(),
    advisor: AdvisorSchema.optional(),
    withdrawnOn: IsoDateSchema.optional().describe('the referral was withdrawn that day (e.g. the participant moved or needs no guidance); nothing is planned from then'),
  })
  .superRefine(checkReferral)
export type ScenarioReferral = z.infer<typeof ScenarioReferralSchema>

export const ReferralStatusSchema = z.enum(['pending', 'deferred', 'blocked', 'scheduled', 'completed', 'withdrawn'])

/** A referral read back: the input plus what the centre knows of it. */
export const ReferralSchema = z.object({
  ...referralFields,
  externalRef: referralFields.externalRef.optional().describe('the municipality\'s case id; absent for analysts (pseudonymised: `id` is the pseudonym)'),
  deferralReason: referralFields.deferralReason.describe('free text; absent for analysts'),
  participant: ParticipantSchema.optional().describe('identity: for the coordinator and the owning municipality only; dufNumber is left out when the stored number cannot be decrypted'),
  referredOn: IsoDateSchema,
  advisor: AdvisorSchema.optional(),
  id: z.string(),
  status: ReferralStatusSchema,
  deadline: IsoDateSchema.nullable(),
  sessions: z.array(z.union([IndividualSessionSchema, GroupSessionSchema])),
  plan: z
    .object({
      status: z.enum(['planned', 'booked', 'waiting']).describe('planned: in a proposal not yet committed; booked: committed; waiting: the run left it out'),
      reason: ReasonSchema.optional(),
      detail: z.string().optional().describe("why it waits, in the caller's language (Accept-Language: nb default, en)"),
      plannedOn: IsoDateSchema.optional(),
      asOf: IsoDateSchema.describe('the run date of the latest run (proposal or committed) this comes from; stable until a newer run'),
    })
    .optional()
    .describe('what the latest allocation run did with this referral; absent before any run has seen it'),
})
export type ReferralOut = z.infer<typeof ReferralSchema>

/** `GET /v1/referrals`: filters and a page (in id order). */
export const ReferralListQuerySchema = z.strictObject({
  status: ReferralStatusSchema.optional(),
  municipality: MunicipalityNumberSchema.optional().describe('a municipality key sees only its own, whatever it asks'),
  ...pageQuery('referrals', 1),
})

/** One page of `GET /v1/referrals`. */
export const ReferralListSchema = z.object({ referrals: z.array(ReferralSchema), nextCursor: NextCursorSchema })

/** `PATCH /v1/referrals/:id`: the mutable fields. */
export const ReferralPatchSchema = z
  .strictObject({
    competenceMappingDone: z.boolean().optional(),
    advisorConsent: z.boolean().optional(),
    groupMeetingDone: z.boolean().optional(),
    deferredUntil: IsoDateSchema.nullable().optional(),
    deferralReason: z.string().min(1).max(1000).nullable().optional(),
    withdrawn: z.literal(true).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
export type ReferralPatch = z.infer<typeof ReferralPatchSchema>
