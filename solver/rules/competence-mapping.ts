import type { Referral } from '../types.ts'
import type { RuleContext, RuleVerdict } from './rule.ts'
import { PASS } from './rule.ts'

/** `competence-mapping`: an ordinary (s.11) session needs the competence mapping done first (001). */
export function competenceMapping(referral: Referral, _ctx: RuleContext): RuleVerdict {
  if (referral.track !== 'ordinary' || referral.competenceMappingDone) return PASS
  return {
    ok: false,
    reason: 'missing-competence-mapping',
    detail: 'the municipality must complete the competence mapping in IMDi-nett before the session can be booked',
    explanation: { code: 'missing-competence-mapping' },
  }
}
