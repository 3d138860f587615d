import t, { type Test } from 'tap'
import type { Caller } from '../../../src/auth/index.ts'
import { getReferral, intakeReferrals, listReferrals, patchReferral, referralLabels, searchReferrals } from '../../../src/services/referrals.ts'
import { openDatabase, type Db } from '../../../src/store/db.ts'
import { createReferralRepository } from '../../../src/store/referral-repository.ts'
import { createSessionRepository } from '../../../src/store/session-repository.ts'
import { bookSession } from '../../helpers/sessions.ts'

// A municipality sees and changes only its own referrals (issue 14, item 1). Each refusal is
// checked on the state after it, not only on the error: the rows, the sessions, the audit trail
// and the outbox are exactly as before.
const own: Caller = { role: 'municipality', municipality: '5001', keyId: 'k-5001' }
const other: Caller = { role: 'municipality', municipality: '5035', keyId: 'k-5035' }
const centre: Caller = { role: 'coordinator', keyId: 'k-centre' }
const analyst: Caller = { role: 'analyst', keyId: 'k-analyst' }
const item = (externalRef: string, municipality = '5001') => ({
  externalRef, municipality, track: 'ordinary', settledOn: '2025-01-10', referredOn: '2025-02-01', language: 'ar',
  competenceMappingDone: false, advisorConsent: true, participant: { name: `Person ${externalRef}` },
  advisor: { name: 'Kari Rådgiver', email: 'kari@example.no' },
})

function setup(t: Test) {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const referrals = createReferralRepository(db, undefined)
  const sessions = createSessionRepository(db)
  const [id] = intakeReferrals(referrals, own, [item('OWN-1')], '2025-03-01').ids as [string]
  intakeReferrals(referrals, other, [item('OTHER-1', '5035')], '2025-03-01')
  // A session still to come, so a withdrawal would have something to cancel.
  const sessionId = bookSession(db, id, { start: '2099-03-02T09:00:00+01:00', end: '2099-03-02T11:00:00+01:00' })
  return { db, referrals, sessions, id, sessionId }
}

/** Everything a PATCH or an intake could change. */
function snapshot(db: Db) {
  return {
    referrals: db.prepare('SELECT * FROM referrals ORDER BY id').all(),
    sessions: db.prepare('SELECT * FROM sessions ORDER BY id').all(),
    members: db.prepare('SELECT * FROM session_referrals ORDER BY session_id, referral_id').all(),
    audit: db.prepare('SELECT actor, action, referral_id FROM audit_log ORDER BY seq').all(),
    outbox: db.prepare('SELECT type, session_id, data FROM outbox_events ORDER BY occurred_at, id').all(),
  }
}

t.test("PATCH by another municipality: 404, and nothing of the referral, its sessions, the audit or the outbox changes", async (t) => {
  const { db, referrals, sessions, id } = setup(t)
  const patches: Parameters<typeof patchReferral>[3][] = [
    { withdrawn: true },
    { deferredUntil: '2099-06-01', deferralReason: 'course' },
    { competenceMappingDone: true, advisorConsent: false, groupMeetingDone: true },
  ]
  for (const p of patches) {
    const before = snapshot(db)
    t.throws(() => patchReferral({ referrals, sessions }, other, id, p), { statusCode: 404, message: `no referral ${id}` }, `${Object.keys(p).join(', ')}: not found`)
    t.same(snapshot(db), before, `${Object.keys(p).join(', ')}: the database is as before`)
  }
  // The same withdrawal by the owner does change all of it, so the snapshot above would have seen it.
  const before = snapshot(db)
  const out = patchReferral({ referrals, sessions }, own, id, { withdrawn: true })
  t.equal(out.status, 'withdrawn', 'the owner withdraws it')
  const after = snapshot(db)
  t.not(JSON.stringify(after.referrals), JSON.stringify(before.referrals), 'its row changed')
  t.same(after.sessions.map((s) => (s as { status: string }).status), ['cancelled'], 'its coming session is cancelled')
  t.same(after.audit.slice(before.audit.length), [{ actor: 'k-5001', action: 'withdraw', referral_id: id }, { actor: 'k-5001', action: 'read', referral_id: id }], 'the withdrawal is audited, and so is the read-back in the answer')
  t.match(after.outbox.slice(before.outbox.length), [{ type: 'session.cancelled' }], 'and its cancellation notified')
})

t.test("GET, list and search by another municipality show nothing of it and audit no read", async (t) => {
  const { db, referrals, id } = setup(t)
  const readsOf = () => db.prepare(`SELECT actor FROM audit_log WHERE referral_id = ? AND action = 'read' ORDER BY seq`).pluck().all(id)
  t.throws(() => getReferral(referrals, other, id), { statusCode: 404, message: `no referral ${id}` }, 'GET is not found')
  t.same(listReferrals(referrals, other, {}, { limit: 50 }).items.map((r) => r.externalRef), ['OTHER-1'], 'the list has only its own')
  t.same(listReferrals(referrals, other, { municipality: '5001' }, { limit: 50 }), { items: [], next: null }, "asking for 5001's list gives an empty page")
  t.same(searchReferrals(referrals, other, 'OWN').map((r) => r.externalRef), [], 'a search does not find it')
  t.same(readsOf(), [], 'no read of the 5001 referral is audited')
  // The owner and the centre do see it, and their reads are audited.
  t.equal(getReferral(referrals, own, id).externalRef, 'OWN-1', 'the owner reads it')
  t.same(listReferrals(referrals, centre, { municipality: '5001' }, { limit: 50 }).items.map((r) => r.externalRef), ['OWN-1'], "the centre lists 5001's")
  t.same(searchReferrals(referrals, own, 'OWN').map((r) => r.externalRef), ['OWN-1'], 'the owner finds it')
  t.same(readsOf(), ['k-5001', 'k-centre', 'k-5001'], 'each read of it is audited once, by the reader')
})

t.test("an intake naming another municipality is 403 and stores nothing, not even the caller's own items", async (t) => {
  const { db, referrals } = setup(t)
  const before = snapshot(db)
  t.throws(() => intakeReferrals(referrals, other, [item('NEW-1', '5035'), item('OWN-2', '5001')], '2025-03-01'), {
    statusCode: 403,
    message: '1 referral names another municipality; nothing was stored',
    items: [{ index: 1, path: 'municipality', message: 'your key is for municipality 5035, not 5001' }],
  }, 'the foreign item is named')
  t.same(snapshot(db), before, 'nothing stored, nothing audited')
  const created = intakeReferrals(referrals, centre, [item('NEW-1', '5035'), item('OWN-2', '5001')], '2025-03-01')
  t.equal(created.created, 2, 'the centre may post for both')
})

t.test('the centre reads and changes any referral; the owner and the centre see its sessions, the analyst no identity', async (t) => {
  const { db, referrals, sessions, id } = setup(t)
  const otherId = db.prepare(`SELECT id FROM referrals WHERE external_ref = 'OTHER-1'`).pluck().get() as string
  t.match(getReferral(referrals, centre, otherId), { externalRef: 'OTHER-1', municipality: '5035' }, "the centre reads 5035's referral")
  t.match(getReferral(referrals, own, id), { status: 'scheduled', sessions: [{ start: '2099-03-02T09:00:00+01:00' }] }, 'the owner sees its booked session')
  t.match(patchReferral({ referrals, sessions }, centre, otherId, { competenceMappingDone: true }), { externalRef: 'OTHER-1', competenceMappingDone: true, status: 'pending' }, "the centre changes 5035's referral")
  t.same(db.prepare(`SELECT actor, action FROM audit_log WHERE referral_id = ? AND action = 'update'`).all(otherId), [{ actor: 'k-centre', action: 'update' }], 'audited as an update by the centre')
  const readsBefore = db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'read'`).pluck().get()
  const seen = getReferral(referrals, analyst, id)
  t.equal(seen.participant, undefined, 'the analyst sees no participant')
  t.same(listReferrals(referrals, analyst, {}, { limit: 50 }).items.map((r) => r.externalRef), [undefined, undefined], 'nor any case reference')
  t.same(searchReferrals(referrals, analyst, 'OWN'), [], 'and has nothing to search by')
  t.equal(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'read'`).pluck().get(), readsBefore, 'so none of its reads is audited as a read of personal data')
})

t.test('a withdrawn referral changes no more: 409, and nothing changes', async (t) => {
  const { db, referrals, sessions, id } = setup(t)
  patchReferral({ referrals, sessions }, own, id, { withdrawn: true })
  const before = snapshot(db)
  t.throws(() => patchReferral({ referrals, sessions }, own, id, { competenceMappingDone: true }), { statusCode: 409, message: `referral ${id} is withdrawn; it changes no more` }, 'refused')
  t.same(snapshot(db), before, 'the database is as before')
})

t.test("a group meeting shows a municipality only its own members; lists filter and page within the caller's scope", async (t) => {
  const { db, referrals, id } = setup(t)
  const otherId = db.prepare(`SELECT id FROM referrals WHERE external_ref = 'OTHER-1'`).pluck().get() as string
  t.same(listReferrals(referrals, centre, { status: 'blocked' }, { limit: 50 }).items.map((r) => r.externalRef), ['OTHER-1'], 'the status filter (OTHER-1 lacks its mapping and has no session yet)')
  t.same(listReferrals(referrals, centre, { status: 'blocked' }, { limit: 50 }).items.map((r) => r.sessions), [[]], 'a referral without sessions lists none')
  t.same(searchReferrals(referrals, centre, 'OTHER').map((r) => r.sessions), [[]], 'nor does a search find any')
  db.prepare(`INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
    VALUES ('g', NULL, 'test-counsellor', 'group', 'ar', '2099-02-20T09:00:00+01:00', '2099-02-20T12:00:00+01:00', '2099-02-20T08:00:00.000Z', '2099-02-20T11:00:00.000Z', '2099-02-18T09:00:00+01:00', 'booked')`).run()
  for (const r of [id, otherId]) db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run('g', r)
  const groupOf = (r: { sessions: readonly { kind: string; referralIds?: readonly string[] }[] }) => r.sessions.find((s) => s.kind === 'group')?.referralIds
  t.same(groupOf(getReferral(referrals, own, id)), [id], 'the owner sees only its own member')
  t.same(groupOf(listReferrals(referrals, own, {}, { limit: 50 }).items[0]!), [id], 'in the list too')
  t.same(groupOf(searchReferrals(referrals, own, 'OWN-1')[0]!), [id], 'and in a search')
  t.same([...(groupOf(getReferral(referrals, centre, id)) ?? [])].sort(), [id, otherId].sort(), 'the centre sees both')
  t.same(listReferrals(referrals, own, { municipality: '5001' }, { limit: 50 }).items.map((r) => r.externalRef), ['OWN-1'], 'a municipality may name itself in the filter')
  const first = listReferrals(referrals, centre, {}, { limit: 1 })
  t.equal(first.items.length, 1, 'a page of one')
  t.same(first.next, [first.items[0]!.id], "with a next page after this page's last id")
  const second = listReferrals(referrals, centre, {}, { limit: 1, after: first.next![0] })
  t.same([...first.items, ...second.items].map((r) => r.externalRef).sort(), ['OTHER-1', 'OWN-1'], 'the next page has the other referral')
  t.equal(listReferrals(referrals, centre, {}, { limit: 2 }).next, null, 'two fit in a page of two: no next page')
  t.same(searchReferrals(referrals, centre, '  OTHER  ').map((r) => r.externalRef), ['OTHER-1'], 'the centre searches every municipality, the reference trimmed')
})

t.test('case references for a sessions page: only those the caller may see, each read audited', async (t) => {
  const { db, referrals, id } = setup(t)
  const otherId = db.prepare(`SELECT id FROM referrals WHERE external_ref = 'OTHER-1'`).pluck().get() as string
  const before = db.prepare(`SELECT count(*) FROM audit_log`).pluck().get() as number
  t.same([...referralLabels(referrals, own, [id, otherId, id, 'nobody'])], [[id, 'OWN-1']], "the owner's own only, once")
  t.same([...referralLabels(referrals, analyst, [id, otherId])], [], 'none for the analyst')
  t.same([...referralLabels(referrals, centre, [id, otherId])], [[id, 'OWN-1'], [otherId, 'OTHER-1']], 'both for the centre')
  t.same(db.prepare(`SELECT actor, referral_id FROM audit_log ORDER BY seq`).all().slice(before), [
    { actor: 'k-5001', referral_id: id }, { actor: 'k-centre', referral_id: id }, { actor: 'k-centre', referral_id: otherId },
  ], 'each label shown is an audited read')
})

t.test('an intake over a scheduled or withdrawn referral is 409 naming each item, and stores and audits nothing', async (t) => {
  const { db, referrals, sessions } = setup(t)
  const [withdrawnId] = intakeReferrals(referrals, own, [item('OWN-2')], '2025-03-01').ids as [string]
  patchReferral({ referrals, sessions }, own, withdrawnId, { withdrawn: true })
  const before = snapshot(db)
  t.throws(() => intakeReferrals(referrals, own, [item('OWN-3'), item('OWN-2'), item('OWN-1')], '2025-03-01'), {
    statusCode: 409,
    message: '2 referrals are already scheduled or withdrawn and cannot be replaced. Nothing was stored',
    items: [
      { index: 1, path: 'externalRef', message: 'this referral is withdrawn; it changes no more (post a new externalRef for a new referral)' },
      { index: 2, path: 'externalRef', message: 'this referral is already scheduled; cancel the session first' },
    ],
  }, 'both named, in item order')
  t.same(snapshot(db), before, 'nothing stored (not even OWN-3), nothing audited')
  t.throws(() => intakeReferrals(referrals, own, [item('OWN-1')], '2025-03-01'), { statusCode: 409, message: '1 referral is already scheduled or withdrawn and cannot be replaced. Nothing was stored' }, 'one, said in the singular')
  const ok = intakeReferrals(referrals, own, [item('OWN-3')], '2025-03-01')
  t.same(db.prepare(`SELECT actor, action FROM audit_log WHERE referral_id = ?`).all(ok.ids[0]), [{ actor: 'k-5001', action: 'write' }], 'a stored referral is audited as written by the caller')
  t.throws(() => intakeReferrals(referrals, other, [item('A', '5001'), item('B', '5001')], '2025-03-01'), { statusCode: 403, message: '2 referrals name another municipality; nothing was stored' }, 'two foreign, in the plural')
})
