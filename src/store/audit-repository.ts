import { actorOf, type Caller } from '../auth/caller.ts'
import type { Db } from './db.ts'

/** read: personal data shown; write: posted in a batch (created or replaced); update: a PATCH; withdraw. */
export type AuditAction = 'read' | 'write' | 'update' | 'withdraw'
export type AuditEntry = { readonly seq: number; readonly at: string; readonly actor: string; readonly role: string; readonly action: AuditAction; readonly referralId: string }

export type AuditRepository = ReturnType<typeof createAuditRepository>

/**
 * The audit trail of personal data: who read or changed which referral, and when. It records ids
 * and roles, never a name or a DUF number. Writers call `record` inside their own transaction, so
 * a change and its audit line are stored together or not at all.
 */
export function createAuditRepository(db: Db) {
  const insert = db.prepare('INSERT INTO audit_log (at, actor, role, action, referral_id) VALUES (?, ?, ?, ?, ?)')
  const query = db.prepare(`
    SELECT seq, at, actor, role, action, referral_id AS referralId FROM audit_log
    WHERE (@referralId IS NULL OR referral_id = @referralId)
      AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
      AND (@before IS NULL OR seq < @before)
    ORDER BY seq DESC LIMIT @limit`)
  const recordMany = db.transaction((caller: Caller, action: AuditAction, referralIds: readonly string[], at: string) => {
    for (const id of referralIds) insert.run(at, actorOf(caller), caller.role, action, id)
  })
  return {
    record(caller: Caller, action: AuditAction, referralIds: readonly string[], now = new Date()): void {
      if (referralIds.length > 0) recordMany(caller, action, referralIds, now.toISOString())
    },
    /** Newest first; `before` is the seq of the last entry of the previous page. */
    list(q: { referralId?: string | undefined; from?: string | undefined; to?: string | undefined; before?: number | undefined; limit: number }): AuditEntry[] {
      return query.all({ referralId: q.referralId ?? null, from: q.from ?? null, to: q.to ?? null, before: q.before ?? null, limit: q.limit }) as AuditEntry[]
    },
  }
}
