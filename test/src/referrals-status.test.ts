import t from 'tap'
import { referralStatus } from '../../src/services/referrals.ts'
import type { BookedSession, StoredReferral } from '../../src/store/referral-repository.ts'
import { build, referral } from '../helpers/build.ts'

const base: StoredReferral = {
  id: 'r1', externalRef: 'R-1', municipality: '5001', track: 'ordinary', settledOn: '2025-01-10', referredOn: '2025-02-01', language: 'ar',
  interpreter: true, threatenedIndustry: false, competenceMappingDone: true, advisorConsent: true, groupMeetingDone: false, meetings: 1,
  createdAt: '2025-02-01T10:00:00Z', updatedAt: '2025-02-01T10:00:00Z',
}
const session = (kind: BookedSession['kind'], endUtc: string): BookedSession =>
  kind === 'group'
    ? { id: 's', kind, referralIds: ['r1'], counsellorId: 'c', language: 'uk', start: endUtc, end: endUtc, interpreterOrderBy: endUtc, endUtc }
    : { id: 's', kind, referralId: 'r1', counsellorId: 'c', start: endUtc, end: endUtc, endUtc }

t.test('status is derived in the documented order', async (t) => {
  const now = new Date('2025-03-10T12:00:00Z')
  const today = '2025-03-10'
  const past = session('individual', '2025-03-03T10:00:00.000Z')
  const coming = session('individual', '2025-03-17T10:00:00.000Z')
  t.equal(referralStatus({ ...base, withdrawnAt: '2025-03-01T00:00:00Z' }, [past], now, today), 'withdrawn', 'withdrawn beats everything')
  t.equal(referralStatus(base, [past, session('followup', '2025-04-10T10:00:00.000Z')], now, today), 'completed', 'an individual session that has ended: completed')
  t.equal(referralStatus(base, [session('group', '2025-03-03T10:00:00.000Z')], now, today), 'scheduled', 'a group meeting held is not the individual session: still scheduled')
  t.equal(referralStatus({ ...base, deferredUntil: '2025-06-01', deferralReason: 'x' }, [coming], now, today), 'scheduled', 'a booked session beats a deferral')
  t.equal(referralStatus({ ...base, deferredUntil: '2025-06-01', deferralReason: 'x', competenceMappingDone: false }, [], now, today), 'deferred', 'deferred until after today beats blocked')
  t.equal(referralStatus({ ...base, deferredUntil: today, deferralReason: 'x' }, [], now, today), 'pending', 'a deferral that ends today is over')
  t.equal(referralStatus({ ...base, competenceMappingDone: false }, [], now, today), 'blocked', 'ordinary without competence mapping: blocked')
  t.equal(referralStatus({ ...base, track: 'ukraine', competenceMappingDone: false }, [], now, today), 'pending', 'the mapping rule is the ordinary track\'s only')
})

t.test('the deadline follows the centre\'s policy setting', async (t) => {
  const { app, auth, db } = await build(t)
  const { ids } = (await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { referrals: [referral({ settledOn: '2024-11-30' })] } })).json()
  const read = async () => (await app.inject({ method: 'GET', url: `/v1/referrals/${ids[0]}`, headers: auth.coordinator })).json().deadline
  t.equal(await read(), '2025-02-28', 'by default settledOn + 3 months, clamped to the month\'s end')
  db.prepare("INSERT INTO settings (key, value) VALUES ('policy', ?)").run(JSON.stringify({ deadlineMonths: 2 }))
  t.equal(await read(), '2025-01-30', 'a centre with a 2-month deadline sees 2 months')
})

t.test('the status filter of GET /v1/referrals (in SQL) agrees with the status each referral reads back with', async (t) => {
  const { app, auth, db } = await build(t)
  const refs = [
    referral({ externalRef: 'pending' }),
    referral({ externalRef: 'blocked', competenceMappingDone: false }),
    referral({ externalRef: 'deferred', deferredUntil: '2099-01-01', deferralReason: 'not ready' }),
    referral({ externalRef: 'deferral-over', deferredUntil: '2025-02-02', deferralReason: 'was not ready' }),
    referral({ externalRef: 'scheduled' }),
    referral({ externalRef: 'completed' }),
    referral({ externalRef: 'group-held' }),
    referral({ externalRef: 'withdrawn' }),
    referral({ externalRef: 'cancelled-only' }),
  ]
  const res = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { referrals: refs } })
  t.equal(res.statusCode, 200, res.body)
  const id = new Map(refs.map((r, i) => [r.externalRef as string, res.json().ids[i] as string]))
  db.prepare("INSERT INTO counsellors (id, name, municipalities, weekly, absences, updated_at) VALUES ('c', 'C', '[]', '[]', '[]', '2025-01-01')").run()
  const session = db.prepare(
    "INSERT INTO sessions (id, counsellor_id, kind, language, start, end, start_utc, end_utc, status) VALUES (?, 'c', ?, 'ar', ?, ?, ?, ?, ?)",
  )
  const member = db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)')
  const book = (sid: string, ref: string, kind: string, endUtc: string, status = 'booked') => {
    session.run(sid, kind, endUtc, endUtc, endUtc, endUtc, status)
    member.run(sid, id.get(ref))
  }
  book('s1', 'scheduled', 'individual', '2099-03-03T10:00:00.000Z')
  book('s2', 'completed', 'individual', '2025-03-03T10:00:00.000Z')
  book('s3', 'group-held', 'group', '2025-03-03T10:00:00.000Z')
  book('s4', 'cancelled-only', 'individual', '2025-03-03T10:00:00.000Z', 'cancelled')
  db.prepare('UPDATE referrals SET withdrawn_at = ? WHERE id = ?').run('2025-03-01T00:00:00Z', id.get('withdrawn'))

  const all = (await app.inject({ method: 'GET', url: '/v1/referrals?limit=100', headers: auth.coordinator })).json().referrals as { externalRef: string; status: string }[]
  const expected: Record<string, string> = {
    pending: 'pending', blocked: 'blocked', deferred: 'deferred', 'deferral-over': 'pending', scheduled: 'scheduled',
    completed: 'completed', 'group-held': 'scheduled', withdrawn: 'withdrawn', 'cancelled-only': 'pending',
  }
  t.same(Object.fromEntries(all.map((r) => [r.externalRef, r.status])), expected, 'each referral reads back with its status')
  for (const status of ['pending', 'deferred', 'blocked', 'scheduled', 'completed', 'withdrawn']) {
    const page = (await app.inject({ method: 'GET', url: `/v1/referrals?status=${status}&limit=100`, headers: auth.coordinator })).json()
    const got = (page.referrals as { externalRef: string; status: string }[]).map((r) => r.externalRef).sort()
    const want = Object.entries(expected).filter(([, s]) => s === status).map(([ref]) => ref).sort()
    t.same(got, want, `?status=${status} lists exactly the referrals reading back as ${status}`)
  }
  const one = (await app.inject({ method: 'GET', url: '/v1/referrals?status=pending&limit=1', headers: auth.coordinator })).json()
  t.equal(one.referrals.length, 1, 'limit=1 gives one')
  t.type(one.nextCursor, 'string', 'and says another pending referral follows')
  const next = (await app.inject({ method: 'GET', url: `/v1/referrals?status=pending&limit=5&cursor=${encodeURIComponent(one.nextCursor)}`, headers: auth.coordinator })).json()
  t.equal(next.referrals.length, 2, 'the next page holds the other two pending ones')
  t.equal(next.nextCursor, null, 'and is the last')
})
