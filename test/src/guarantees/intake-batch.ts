// The batch the all-or-nothing tests store: 100 referrals of municipality 5001, in `language`
// (so a second batch of the same refs replaces the first, and the language shows which one is stored).
import { ReferralInputSchema } from '../../../src/schemas/referral.ts'
import type { ReferralWrite } from '../../../src/store/referral-repository.ts'

export const BATCH_SIZE = 100

export function batch(language: string): Record<string, unknown>[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => ({
    externalRef: `B-${i}`, municipality: '5001', track: 'ordinary', settledOn: '2025-01-10', referredOn: '2025-02-01',
    language, competenceMappingDone: true, advisorConsent: true,
    participant: { name: `Person ${i}` }, advisor: { name: 'Kari Rådgiver', email: 'kari@example.no' },
  }))
}

/** An item as the repository takes it (the schema's defaults applied). */
export function toWrite(item: Record<string, unknown>): ReferralWrite {
  const r = ReferralInputSchema.parse(item)
  return { ...r, referredOn: r.referredOn ?? '2025-03-01' }
}
