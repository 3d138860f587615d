// Moving one booked session (the coordinator on the phone): where it can go, the move itself in
// place (same id, recorded, told), and refusals that change nothing.
import t from 'tap'
import { allocationDeps } from '../../src/services/allocation.ts'
import { moveOptions, moveSession } from '../../src/services/booking.ts'
import { build, referral, type Built } from '../helpers/build.ts'
import { counsellor, RUN_DATE, SETTLED } from './allocation-seed.ts'

const coordinator = { role: 'coordinator', keyId: 'test' } as const

/** Kari and Per both serve 5001; three referrals booked by a committed run. */
async function booked(b: Built) {
  const { app, auth } = b
  for (const id of ['kari', 'per']) await app.inject({ method: 'PUT', url: `/v1/counsellors/${id}`, headers: auth.coordinator, payload: counsellor(['5001']) })
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: Array.from({ length: 3 }, (_, i) => referral({ externalRef: `M-${i}`, settledOn: SETTLED })) } })
  const p = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: RUN_DATE, horizonWeeks: 4 } })).json() as { id: string }
  await app.inject({ method: 'POST', url: `/v1/allocations/${p.id}/commit`, headers: auth.coordinator })
  return (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as { id: string; counsellorId: string; start: string; end: string; referralId: string }[]
}

t.test('a move: options without its own time, then rewritten in place, recorded and told; nothing else changes', async (t) => {
  const b = await build(t)
  const deps = allocationDeps(b.db, b.app.store)
  const sessions = await booked(b)
  const s = sessions[0]!
  const found = moveOptions(deps, coordinator, s.id)
  t.ok(found.options.length > 0, 'there are places to move it to')
  t.notOk(found.options.some((o) => o.counsellorId === s.counsellorId && o.start === s.start), 'its own time is not offered')
  t.equal(found.referralId, s.referralId, 'for its referral')

  const target = found.options.find((o) => !sessions.some((x) => x.counsellorId === o.counsellorId && x.start === o.start))!
  const moved = moveSession(deps, coordinator, s.id, { counsellorId: target.counsellorId, start: target.start })
  t.match(moved, { sessionId: s.id, from: { counsellorId: s.counsellorId, start: s.start }, to: { counsellorId: target.counsellorId, start: target.start } }, 'answers where it went from and to')
  const after = (await b.app.inject({ method: 'GET', url: '/v1/sessions', headers: b.auth.coordinator })).json().sessions as typeof sessions
  t.match(after.find((x) => x.id === s.id), { counsellorId: target.counsellorId, start: target.start, referralId: s.referralId }, 'the same session (same id) now has the new time')
  t.same(after.filter((x) => x.id !== s.id), sessions.filter((x) => x.id !== s.id), 'no other booking changed')
  t.equal(b.db.prepare('SELECT count(*) FROM session_moves WHERE session_id = ? AND allocation_id IS NULL').pluck().get(s.id), 1, 'the move is recorded')
  t.equal(b.db.prepare("SELECT count(*) FROM outbox_events WHERE type = 'session.moved' AND session_id = ?").pluck().get(s.id), 1, 'and told (session.moved)')
  t.equal(moved.interpreterReorder, moved.from.start !== moved.to.start, 'an interpreted session at a new time is ordered again')
})

t.test('a move into a taken time, by a municipality, or of an unknown session is refused and changes nothing', async (t) => {
  const b = await build(t)
  const deps = allocationDeps(b.db, b.app.store)
  const sessions = await booked(b)
  const [s, other] = [sessions[0]!, sessions.find((x) => x.start !== sessions[0]!.start || x.counsellorId !== sessions[0]!.counsellorId)!]
  const snapshot = () => b.db.prepare("SELECT id, counsellor_id, start FROM sessions WHERE status = 'booked' ORDER BY id").all()
  const before = snapshot()
  t.throws(() => moveSession(deps, coordinator, s.id, { counsellorId: other.counsellorId, start: other.start }), { statusCode: 409, message: /^overlap/ }, "another session's time is 409 overlap")
  t.throws(() => moveSession(deps, { role: 'municipality', municipality: '5001', keyId: 'm' }, s.id, { counsellorId: 'per', start: s.start }), { statusCode: 403, message: /needs a coordinator key/ }, 'a municipality may not move')
  t.throws(() => moveSession(deps, coordinator, '00000000-0000-4000-8000-000000000000', { counsellorId: 'per', start: s.start }), { statusCode: 404, message: /no booked session/ }, 'an unknown session is 404')
  t.same(snapshot(), before, 'nothing was changed')
  t.equal(b.db.prepare('SELECT count(*) FROM session_moves').pluck().get(), 0, 'and no move recorded')
})
