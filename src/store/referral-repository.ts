import { randomUUID } from 'node:crypto'
import { createAuditRepository } from './audit-repository.ts'
import type { PolicyInput } from '../../solver/types.ts'
import type { ReferralInput } from '../schemas/referral.ts'
import type { SessionWire } from '../schemas/session.ts'
import type { DufCipher } from './crypto.ts'
import { todayInOslo } from '../clock.ts'
import { immediate, type Db } from './db.ts'
import { bumpStateVersion } from './state.ts'

export type ReferralRepository = ReturnType<typeof createReferralRepository>

/** A referral as stored: the input fields with referredOn resolved, plus the centre's bookkeeping. */
export type StoredReferral = Omit<ReferralInput, 'participant' | 'referredOn' | 'advisor'> & {
  readonly id: string
  readonly advisor?: ReferralInput['advisor']
  readonly referredOn: string
  readonly participantName?: string
  /** AES-256-GCM ciphertext; reveal with `revealDuf` for callers who may see it (undefined if it cannot be decrypted). */
  readonly dufEncrypted?: string
  readonly withdrawnAt?: string
  readonly createdAt: string
  readonly updatedAt: string
}

/** A referral ready to write: the parsed input with referredOn resolved. */
export type ReferralWrite = Omit<ReferralInput, 'referredOn'> & { readonly referredOn: string }

/** A booked session of a referral as stored, with its end in UTC to tell a held one from a coming one. */
export type BookedSession = SessionWire & { readonly id: string; readonly endUtc: string }

export type UpsertOutcome =
  | { readonly ok: true; readonly ids: string[]; readonly created: number; readonly updated: number }
  /** Items (by index) that already have a booked session, or are withdrawn: nothing was written. */
  | { readonly ok: false; readonly scheduled: number[]; readonly withdrawn: number[] }

type Row = {
  id: string
  municipality: string
  external_ref: string
  track: ReferralInput['track']
  settled_on: string
  referred_on: string
  language: string
  interpreter: number
  programme_ends_on: string | null
  threatened_industry: number
  target_industry: string | null
  competence_mapping_done: number
  advisor_consent: number
  group_meeting_done: number
  meetings: number
  deferred_until: string | null
  deferral_reason: string | null
  participant_name: string | null
  duf_encrypted: string | null
  advisor_name: string | null
  advisor_email: string | null
  withdrawn_at: string | null
  created_at: string
  updated_at: string
}

function fromRow(r: Row): StoredReferral {
  return {
    id: r.id,
    externalRef: r.external_ref,
    municipality: r.municipality,
    track: r.track,
    settledOn: r.settled_on,
    referredOn: r.referred_on,
    language: r.language,
    interpreter: r.interpreter === 1,
    threatenedIndustry: r.threatened_industry === 1,
    competenceMappingDone: r.competence_mapping_done === 1,
    advisorConsent: r.advisor_consent === 1,
    groupMeetingDone: r.group_meeting_done === 1,
    meetings: r.meetings === 2 ? 2 : 1,
    ...(r.programme_ends_on !== null && { programmeEndsOn: r.programme_ends_on }),
    ...(r.target_industry !== null && { targetIndustry: r.target_industry }),
    ...(r.deferred_until !== null && { deferredUntil: r.deferred_until }),
    ...(r.deferral_reason !== null && { deferralReason: r.deferral_reason }),
    ...(r.participant_name !== null && { participantName: r.participant_name }),
    ...(r.duf_encrypted !== null && { dufEncrypted: r.duf_encrypted }),
    ...(r.advisor_name !== null && r.advisor_email !== null && { advisor: { name: r.advisor_name, email: r.advisor_email } }),
    ...(r.withdrawn_at !== null && { withdrawnAt: r.withdrawn_at }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

const bool = (b: boolean) => (b ? 1 : 0)

export type ReferralStatus = 'pending' | 'deferred' | 'blocked' | 'scheduled' | 'completed' | 'withdrawn'

/**
 * A referral's status in SQL, for the row `r` at @now_utc (ISO UTC) and @today (Oslo date), in
 * referralStatus's order. end_utc is written by toISOString, so text order is time order.
 */
const STATUS_SQL = `CASE
    WHEN r.withdrawn_at IS NOT NULL THEN 'withdrawn'
    WHEN EXISTS (SELECT 1 FROM session_referrals sr JOIN sessions s ON s.id = sr.session_id
                 WHERE sr.referral_id = r.id AND s.status = 'booked' AND s.kind = 'individual' AND s.end_utc <= @now_utc) THEN 'completed'
    WHEN EXISTS (SELECT 1 FROM session_referrals sr JOIN sessions s ON s.id = sr.session_id
                 WHERE sr.referral_id = r.id AND s.status = 'booked') THEN 'scheduled'
    WHEN r.deferred_until IS NOT NULL AND r.deferred_until > @today THEN 'deferred'
    WHEN r.track = 'ordinary' AND r.competence_mapping_done = 0 THEN 'blocked'
    ELSE 'pending' END`

/** The mutable fields PATCH may change; undefined leaves a field as it is, null clears it. */
export type ReferralChanges = {
  readonly competenceMappingDone?: boolean
  readonly advisorConsent?: boolean
  readonly groupMeetingDone?: boolean
  readonly deferredUntil?: string | null
  readonly deferralReason?: string | null
  readonly withdrawnAt?: string
}

export function createReferralRepository(db: Db, cipher: DufCipher | undefined) {
  const byId = db.prepare('SELECT * FROM referrals WHERE id = ?')
  const idByRef = db.prepare('SELECT id FROM referrals WHERE municipality = ? AND external_ref = ?').pluck()
  // A search by case reference: the exact one first, then those it begins (LIKE with the wildcards escaped).
  const byRefPrefix = db.prepare(
    "SELECT * FROM referrals WHERE (@municipality IS NULL OR municipality = @municipality) AND external_ref LIKE @prefix ESCAPE '\\' ORDER BY external_ref = @ref DESC, external_ref LIMIT @limit",
  )
  const isWithdrawn = db.prepare('SELECT 1 FROM referrals WHERE id = ? AND withdrawn_at IS NOT NULL').pluck()
  const all = db.prepare('SELECT * FROM referrals ORDER BY municipality, referred_on, external_ref')
  const ofMunicipality = db.prepare('SELECT * FROM referrals WHERE municipality = ? ORDER BY referred_on, external_ref')
  // Pages go by id: it never changes, so a walk through the pages sees every referral once.
  // The status filter runs here, not in JavaScript: a rare status among 10,000 referrals is one
  // indexed scan, not 10,000 rows mapped and dropped (issue 13). STATUS_SQL mirrors referralStatus
  // in services/referrals.ts; test/src/referrals-status.test.ts keeps the two in step.
  // Two statements, one per scope: with `@municipality IS NULL OR ...` the planner could use no
  // index and scanned the whole centre for one municipality's page.
  const pageSql = (scope: string) =>
    `SELECT * FROM (SELECT r.*, ${STATUS_SQL} AS derived_status FROM referrals r
       WHERE ${scope} AND (@after IS NULL OR r.id > @after)
         -- Narrow by what each status needs before the CASE runs, so a rare status is found quickly.
         AND (@status IS NULL OR @status NOT IN ('completed', 'scheduled') OR r.id IN
               (SELECT sr.referral_id FROM session_referrals sr JOIN sessions s ON s.id = sr.session_id WHERE s.status = 'booked'))
         AND (@status IS NULL OR @status <> 'withdrawn' OR r.withdrawn_at IS NOT NULL)
         AND (@status IS NULL OR @status <> 'deferred' OR r.deferred_until > @today))
     WHERE @status IS NULL OR derived_status = @status
     ORDER BY id LIMIT @limit`
  const pageAfter = db.prepare(pageSql('1'))
  const pageAfterIn = db.prepare(pageSql('r.municipality = @municipality'))
  const hasBooked = db
    .prepare(
      `SELECT 1 FROM session_referrals sr JOIN sessions s ON s.id = sr.session_id
       WHERE sr.referral_id = ? AND s.status = 'booked' LIMIT 1`,
    )
    .pluck()
  const bookedOf = db.prepare(
    `SELECT s.id, s.counsellor_id, s.kind, s.language, s.start, s.end, s.end_utc, s.interpreter_order_by, sr.referral_id,
            (SELECT json_group_array(x.referral_id) FROM session_referrals x JOIN referrals r ON r.id = x.referral_id
             WHERE x.session_id = s.id AND (@municipality IS NULL OR r.municipality = @municipality)) AS referral_ids
     FROM session_referrals sr JOIN sessions s ON s.id = sr.session_id
     WHERE s.status = 'booked' AND sr.referral_id IN (SELECT value FROM json_each(@ids))
     ORDER BY s.start_utc`,
  )
  const insert = db.prepare(
    `INSERT INTO referrals (id, municipality, external_ref, track, settled_on, referred_on, language, interpreter,
       programme_ends_on, threatened_industry, target_industry, competence_mapping_done, advisor_consent,
       group_meeting_done, meetings, deferred_until, deferral_reason, participant_name, duf_encrypted,
       advisor_name, advisor_email, withdrawn_at, created_at, updated_at)
     VALUES (@id, @municipality, @external_ref, @track, @settled_on, @referred_on, @language, @interpreter,
       @programme_ends_on, @threatened_industry, @target_industry, @competence_mapping_done, @advisor_consent,
       @group_meeting_done, @meetings, @deferred_until, @deferral_reason, @participant_name, @duf_encrypted,
       @advisor_name, @advisor_email, NULL, @now, @now)`,
  )
  // A re-post replaces what the municipality sent; creation time is the centre's and stays.
  const replace = db.prepare(
    `UPDATE referrals SET track = @track, settled_on = @settled_on, referred_on = @referred_on, language = @language,
       interpreter = @interpreter, programme_ends_on = @programme_ends_on, threatened_industry = @threatened_industry,
       target_industry = @target_industry, competence_mapping_done = @competence_mapping_done,
       advisor_consent = @advisor_consent, group_meeting_done = @group_meeting_done, meetings = @meetings,
       deferred_until = @deferred_until, deferral_reason = @deferral_reason, participant_name = @participant_name,
       duf_encrypted = @duf_encrypted, advisor_name = @advisor_name, advisor_email = @advisor_email, updated_at = @now
     WHERE id = @id`,
  )
  const patch = db.prepare(
    `UPDATE referrals SET
       competence_mapping_done = coalesce(@competence_mapping_done, competence_mapping_done),
       advisor_consent = coalesce(@advisor_consent, advisor_consent),
       group_meeting_done = coalesce(@group_meeting_done, group_meeting_done),
       deferred_until = CASE WHEN @set_deferral THEN @deferred_until ELSE deferred_until END,
       deferral_reason = CASE WHEN @set_deferral THEN @deferral_reason ELSE deferral_reason END,
       withdrawn_at = coalesce(withdrawn_at, @withdrawn_at),
       updated_at = @now
     WHERE id = @id`,
  )
  // The policy version in force today (migration 005), else the undated settings row from before versions.
  const policySetting = db
    .prepare("SELECT COALESCE((SELECT policy FROM policy_versions WHERE valid_from <= ? ORDER BY valid_from DESC LIMIT 1), (SELECT value FROM settings WHERE key = 'policy'))")
    .pluck()
  const anyDuf = db.prepare('SELECT duf_encrypted FROM referrals WHERE duf_encrypted IS NOT NULL LIMIT 1').pluck()
  const leave = db.prepare('DELETE FROM session_referrals WHERE session_id = ? AND referral_id = ?')
  const membersLeft = db.prepare('SELECT count(*) FROM session_referrals WHERE session_id = ?').pluck()

  function params(r: ReferralWrite, id: string, now: string) {
    const duf = r.participant?.dufNumber
    if (duf !== undefined && !cipher) throw new Error('no DUF cipher: the service refuses DUF numbers without TILDELING_SECRET')
    return {
      id,
      now,
      municipality: r.municipality,
      external_ref: r.externalRef,
      track: r.track,
      settled_on: r.settledOn,
      referred_on: r.referredOn,
      language: r.language,
      interpreter: bool(r.interpreter),
      programme_ends_on: r.programmeEndsOn ?? null,
      threatened_industry: bool(r.threatenedIndustry),
      target_industry: r.targetIndustry ?? null,
      competence_mapping_done: bool(r.competenceMappingDone),
      advisor_consent: bool(r.advisorConsent),
      group_meeting_done: bool(r.groupMeetingDone),
      meetings: r.meetings,
      deferred_until: r.deferredUntil ?? null,
      deferral_reason: r.deferralReason ?? null,
      participant_name: r.participant?.name ?? null,
      duf_encrypted: duf !== undefined && cipher ? cipher.encrypt(duf) : null,
      advisor_name: r.advisor?.name ?? null,
      advisor_email: r.advisor?.email ?? null,
    }
  }

  /** All or nothing: insert new (municipality, externalRef) pairs, replace known ones, unless one is already scheduled or withdrawn. */
  const upsertTx = db.transaction((items: readonly ReferralWrite[]): UpsertOutcome => {
    const existing = items.map((r) => idByRef.get(r.municipality, r.externalRef) as string | undefined)
    const scheduled = existing.flatMap((id, index) => (id !== undefined && hasBooked.get(id) !== undefined ? [index] : []))
    const withdrawn = existing.flatMap((id, index) => (id !== undefined && isWithdrawn.get(id) !== undefined ? [index] : []))
    if (scheduled.length > 0 || withdrawn.length > 0) return { ok: false, scheduled, withdrawn }
    const now = new Date().toISOString()
    let created = 0
    const ids = items.map((r, i) => {
      const known = existing[i]
      if (known !== undefined) {
        replace.run(params(r, known, now))
        return known
      }
      const id = randomUUID()
      insert.run(params(r, id, now))
      created++
      return id
    })
    bumpStateVersion(db)
    return { ok: true, ids, created, updated: items.length - created }
  })

  return {
    /** The audit trail of personal data; services record reads and changes with it, in their transaction. */
    audit: createAuditRepository(db),
    findById(id: string): StoredReferral | undefined {
      const row = byId.get(id) as Row | undefined
      return row && fromRow(row)
    },
    /** Every referral, or one municipality's, ordered by municipality, referral date and external ref. */
    list(municipality?: string): StoredReferral[] {
      const rows = (municipality === undefined ? all.all() : ofMunicipality.all(municipality)) as Row[]
      return rows.map(fromRow)
    },
    /** Up to `limit` referrals in id order after the id `after` (all of them or one municipality's): one page. */
    listAfter(q: {
      readonly municipality?: string | undefined
      readonly after?: string | undefined
      readonly limit: number
      /** Only referrals of this status at `now` (and `today`, its Oslo date). */
      readonly status?: { readonly is: ReferralStatus; readonly now: Date; readonly today: string } | undefined
    }): StoredReferral[] {
      const rows = (q.municipality === undefined ? pageAfter : pageAfterIn).all({
        ...(q.municipality !== undefined && { municipality: q.municipality }),
        after: q.after ?? null,
        limit: q.limit,
        status: q.status?.is ?? null,
        now_utc: (q.status?.now ?? new Date()).toISOString(),
        today: q.status?.today ?? '',
      }) as Row[]
      return rows.map(fromRow)
    },
    /** Referrals whose externalRef begins with `ref` (case-insensitive), the exact match first; one municipality's or all. */
    searchByExternalRef(ref: string, municipality: string | undefined, limit: number): StoredReferral[] {
      const prefix = `${ref.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      return (byRefPrefix.all({ municipality: municipality ?? null, prefix, ref, limit }) as Row[]).map(fromRow)
    },
    // Immediate: the batch reads before it writes (see db.ts immediate); so do update and PUT counsellor.
    upsertBatch: immediate(upsertTx),
    /** Apply a PATCH in one transaction; false when the referral does not exist. */
    update: immediate(db.transaction((id: string, c: ReferralChanges): boolean => {
      const setDeferral = c.deferredUntil !== undefined || c.deferralReason !== undefined
      const info = patch.run({
        id,
        now: new Date().toISOString(),
        competence_mapping_done: c.competenceMappingDone === undefined ? null : bool(c.competenceMappingDone),
        advisor_consent: c.advisorConsent === undefined ? null : bool(c.advisorConsent),
        group_meeting_done: c.groupMeetingDone === undefined ? null : bool(c.groupMeetingDone),
        set_deferral: bool(setDeferral),
        deferred_until: c.deferredUntil ?? null,
        deferral_reason: c.deferralReason ?? null,
        withdrawn_at: c.withdrawnAt ?? null,
      })
      if (info.changes === 0) return false
      bumpStateVersion(db)
      return true
    })),
    /**
     * Booked sessions per referral id, in start order. A group session lists all its referrals, or
     * with `municipality` only that municipality's (a municipality key sees no other's ids).
     */
    bookedSessions(referralIds: readonly string[], municipality?: string): Map<string, BookedSession[]> {
      const out = new Map<string, BookedSession[]>()
      if (referralIds.length === 0) return out
      type SRow = { id: string; counsellor_id: string; kind: 'individual' | 'followup' | 'group'; language: string | null; start: string; end: string; end_utc: string; interpreter_order_by: string | null; referral_id: string; referral_ids: string }
      for (const s of bookedOf.all({ ids: JSON.stringify(referralIds), municipality: municipality ?? null }) as SRow[]) {
        const session: BookedSession =
          s.kind === 'group'
            ? { id: s.id, kind: 'group', referralIds: JSON.parse(s.referral_ids) as string[], counsellorId: s.counsellor_id, language: s.language ?? '', start: s.start, end: s.end, interpreterOrderBy: s.interpreter_order_by ?? s.start, endUtc: s.end_utc }
            : { id: s.id, kind: s.kind, referralId: s.referral_id, counsellorId: s.counsellor_id, start: s.start, end: s.end, ...(s.interpreter_order_by !== null && { interpreterOrderBy: s.interpreter_order_by }), endUtc: s.end_utc }
        const list = out.get(s.referral_id) ?? []
        list.push(session)
        out.set(s.referral_id, list)
      }
      return out
    },
    /**
     * Take a referral out of a group meeting (membership is the session_referrals row); the number
     * of members left, so the caller can cancel a meeting nobody is left in.
     */
    leaveGroup(sessionId: string, referralId: string): number {
      if (leave.run(sessionId, referralId).changes > 0) bumpStateVersion(db)
      return membersLeft.get(sessionId) as number
    },
    /** Run `fn` in one immediate transaction (nested repository transactions become savepoints of it). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate()
    },
    /**
     * The DUF number in clear, for a caller allowed to see it; undefined when it cannot be
     * decrypted (TILDELING_SECRET not set, or not the one it was stored with) so reads never fail.
     */
    revealDuf(stored: string): string | undefined {
      if (!cipher) return undefined
      try {
        return cipher.decrypt(stored)
      } catch {
        return undefined
      }
    },
    /**
     * Whether the stored DUF numbers can be read with this secret, tried on one of them: the
     * server refuses to start on 'no-secret' or 'wrong-secret' rather than serve referrals
     * whose numbers it cannot read (or mix numbers under two secrets).
     */
    dufReadability(): 'none-stored' | 'readable' | 'no-secret' | 'wrong-secret' {
      const sample = anyDuf.get() as string | undefined
      if (sample === undefined) return 'none-stored'
      if (!cipher) return 'no-secret'
      try {
        cipher.decrypt(sample)
        return 'readable'
      } catch {
        return 'wrong-secret'
      }
    },
    /** Whether DUF numbers can be accepted (TILDELING_SECRET is set). */
    acceptsDuf(): boolean {
      return cipher !== undefined
    },
    /** The centre's policy settings in force on `on` (default today), if a coordinator has set any: for deadlines. */
    policyInput(on: string = todayInOslo()): PolicyInput | undefined {
      const value = (policySetting.get(on) as string | null) ?? undefined
      return value === undefined ? undefined : (JSON.parse(value) as PolicyInput)
    },
  }
}
