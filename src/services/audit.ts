import { pageOf, type Page } from '../schemas/page.ts'
import type { AuditEntry, AuditRepository } from '../store/audit-repository.ts'
import { osloMidnightUtc } from '../clock.ts'

export type AuditFilter = { readonly referralId?: string | undefined; readonly from?: string | undefined; readonly to?: string | undefined }

/** One page of the audit trail, newest first; dates are Oslo days, `to` inclusive. */
export function listAudit(audit: AuditRepository, filter: AuditFilter, page: { readonly limit: number; readonly after?: string | undefined }): Page<Omit<AuditEntry, 'seq'>> {
  const found = audit.list({
    referralId: filter.referralId,
    from: filter.from === undefined ? undefined : osloMidnightUtc(filter.from),
    to: filter.to === undefined ? undefined : osloMidnightUtc(nextDay(filter.to)),
    before: page.after === undefined ? undefined : Number(page.after),
    limit: page.limit + 1,
  })
  const { items, next } = pageOf(found, page.limit, (e) => [String(e.seq)])
  return { items: items.map(({ seq: _s, ...e }) => e), next }
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}
