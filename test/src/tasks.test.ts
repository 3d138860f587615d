// Tasks from booked sessions: the counsellor's note after an ordinary session (noteDueDays from the
// policy in force on the session date) and the participant's overview 2 working days before a
// ukraine session; who sees and marks which; cancelled and moved sessions.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { addDays } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'
import { overviewDueOn, taskKindOf } from '../../src/services/tasks.ts'
import type { Db } from '../../src/store/db.ts'
import { build, referral } from '../helpers/build.ts'

type Task = { id: string; kind: string; referralId: string; sessionId: string; dueOn: string; doneAt?: string }

/** A booked session of one referral with counsellor `counsellor`, straight into the store as a commit would write it. */
function book(db: Db, referralId: string, start: string, opts: { kind?: 'individual' | 'followup'; counsellor?: string } = {}): string {
  const counsellor = opts.counsellor ?? 'c1'
  db.prepare(`INSERT OR IGNORE INTO counsellors (id, name, municipalities, weekly, absences, updated_at) VALUES (?, ?, '[]', '[]', '[]', '2025-01-01T00:00:00Z')`).run(counsellor, `Veileder ${counsellor}`)
  const id = randomUUID()
  const end = new Date(Date.parse(start) + 3_600_000).toISOString()
  db.prepare(
    `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
     VALUES (?, NULL, ?, ?, 'ar', ?, ?, ?, ?, NULL, 'booked')`,
  ).run(id, counsellor, opts.kind ?? 'individual', start, end, new Date(start).toISOString(), end)
  db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(id, referralId)
  return id
}

t.test('the rules: which session gives which task, and the overview counted in working days', async (t) => {
  t.equal(taskKindOf({ track: 'ordinary', kind: 'individual' }), 'note', 'an ordinary session gives a note')
  t.equal(taskKindOf({ track: 'ordinary', kind: 'followup' }), 'note', 'so does an ordinary follow-up')
  t.equal(taskKindOf({ track: 'ukraine', kind: 'individual' }), 'participant-overview', 'a ukraine session gives the overview')
  t.equal(taskKindOf({ track: 'ukraine', kind: 'followup' }), undefined, 'a ukraine follow-up builds on the overview already sent')
  t.equal(taskKindOf({ track: 'corona', kind: 'individual' }), undefined, 'the corona track has neither')
  const open = { closedDates: [], closedDays: ['12-24', '12-31'] }
  t.equal(overviewDueOn('2026-03-11', open), '2026-03-09', 'Wednesday: due Monday (Monday and Tuesday count)')
  t.equal(overviewDueOn('2026-03-16', open), '2026-03-12', 'Monday: due Thursday (the weekend does not count)')
  t.equal(overviewDueOn('2026-04-07', open), '2026-03-31', 'the Tuesday after Easter: due Tuesday the week before (Maundy Thursday to Easter Monday do not count)')
  t.equal(overviewDueOn('2026-12-28', open), '2026-12-22', 'after Christmas: Christmas Eve (closed) and the holidays do not count')
  t.equal(overviewDueOn('2026-03-16', { closedDates: ['2026-03-12'], closedDays: [] }), '2026-03-11', "a closed date of the centre's does not count")
})

t.test('GET /v1/tasks: due dates, policy by session date, filters, scoping, done, cancelled and moved sessions', async (t) => {
  const { app, db, auth } = await build(t)
  const post = async (headers: { authorization: string }, items: Record<string, unknown>[]) => {
    const res = await app.inject({ method: 'POST', url: '/v1/referrals', headers, payload: { referrals: items } })
    t.equal(res.statusCode, 200, 'referrals stored')
    return res.json().ids as string[]
  }
  const [ordinary, ukraine, ukraineLater] = await post(auth.municipality, [
    referral({ externalRef: 'O-1' }),
    referral({ externalRef: 'U-1', track: 'ukraine', settledOn: '2025-12-01', language: 'uk', groupMeetingDone: true }),
    referral({ externalRef: 'U-2', track: 'ukraine', settledOn: '2025-12-01', language: 'uk', groupMeetingDone: true }),
  ])
  const [other] = await post(auth.otherMunicipality, [referral({ externalRef: 'X-1', municipality: '5035' })])
  if (!ordinary || !ukraine || !ukraineLater || !other) throw new Error('four referrals expected')

  // From 1 March the centre is closed on Friday 6 March; from 1 June the note is due in 3 days.
  const policy = async (body: Record<string, unknown>) => t.equal((await app.inject({ method: 'PUT', url: '/v1/policy', headers: auth.coordinator, payload: body })).statusCode, 200, `policy version from ${String(body.validFrom)}`)
  await policy({ validFrom: '2026-03-01', closedDates: ['2026-03-06'] })
  await policy({ validFrom: '2026-06-01', noteDueDays: 3 })

  const march = book(db, ordinary, '2026-03-10T10:00:00+01:00')
  const june = book(db, ordinary, '2026-06-02T10:00:00+02:00', { kind: 'followup', counsellor: 'c2' })
  const afterWeekend = book(db, ukraine, '2026-03-09T09:00:00+01:00')
  const afterEaster = book(db, ukraineLater, '2026-04-07T09:00:00+02:00')
  book(db, ukraine, '2026-04-20T09:00:00+02:00', { kind: 'followup' })
  const otherNote = book(db, other, '2026-03-11T12:00:00+01:00')

  const list = async (headers: { authorization: string }, query = '') => {
    const res = await app.inject({ method: 'GET', url: `/v1/tasks${query}`, headers })
    t.equal(res.statusCode, 200, `GET /v1/tasks${query}`)
    return res.json().tasks as Task[]
  }
  const all = await list(auth.coordinator)
  t.same(
    all.map((x) => [x.id, x.kind, x.referralId, x.dueOn]),
    [
      [`${afterWeekend}:participant-overview`, 'participant-overview', ukraine, '2026-03-04'],
      [`${otherNote}:note`, 'note', other, '2026-03-18'],
      [`${march}:note`, 'note', ordinary, '2026-03-17'],
      [`${afterEaster}:participant-overview`, 'participant-overview', ukraineLater, '2026-03-31'],
      [`${june}:note`, 'note', ordinary, '2026-06-05'],
    ].sort((a, b) => a[3]!.localeCompare(b[3]!)),
    'the coordinator sees every task by due date: the overview of Monday 9 March is due Wednesday 4 March (the weekend and the closed Friday do not count), after Easter on 31 March; a note 7 days after a March session and 3 days after a June one (the policy in force on each session date); a ukraine follow-up gives none',
  )
  t.notOk(all.some((x) => 'doneAt' in x), 'nothing is done yet')

  t.same((await list(auth.coordinator, '?counsellorId=c2')).map((x) => x.sessionId), [june], "counsellorId keeps that counsellor's sessions' tasks")
  t.same((await list(auth.coordinator, '?dueBefore=2026-03-17')).map((x) => x.dueOn), ['2026-03-04'], 'dueBefore keeps the tasks due earlier than that date, not on it')
  t.same((await list(auth.coordinator, '?dueBefore=2026-03-18')).map((x) => x.dueOn), ['2026-03-04', '2026-03-17'], 'the day after includes it')

  const own = await list(auth.municipality)
  t.same(own.map((x) => x.referralId).sort(), [ordinary, ukraine, ukraineLater, ordinary].sort(), "a municipality sees only its own referrals' tasks")
  t.notOk(own.some((x) => x.sessionId === otherNote), "and not the other municipality's note")

  const done = (headers: { authorization: string }, id: string) => app.inject({ method: 'POST', url: `/v1/tasks/${encodeURIComponent(id)}/done`, headers })
  t.equal((await done(auth.municipality, `${otherNote}:note`)).statusCode, 404, "another municipality's task is not found")
  t.equal((await done(auth.municipality, `${march}:note`)).statusCode, 403, "a municipality cannot mark the centre's note done")
  const overview = await done(auth.municipality, `${afterWeekend}:participant-overview`)
  t.equal(overview.statusCode, 200, 'the municipality marks its participant overview received')
  t.ok(overview.json().doneAt, 'with the time recorded')

  const first = await done(auth.coordinator, `${march}:note`)
  t.equal(first.statusCode, 200, 'the coordinator marks the note done')
  const doneAt = first.json().doneAt as string
  t.ok(Date.parse(doneAt) <= Date.now() && Date.parse(doneAt) > Date.now() - 60_000, 'doneAt is the time it was marked')
  const again = await done(auth.coordinator, `${march}:note`)
  t.same([again.statusCode, again.json().doneAt], [200, doneAt], 'marking again is no change: the first time stays')
  t.equal((await list(auth.coordinator)).find((x) => x.sessionId === march)?.doneAt, doneAt, 'the list shows it done')
  t.equal((await list(auth.coordinator, '?dueBefore=2026-03-18')).length, 2, 'done tasks stay listed')

  for (const bad of ['no-such-task', `${randomUUID()}:note`, `${march}:participant-overview`, `${march}:note:x`]) {
    const res = await done(auth.coordinator, bad)
    t.equal(res.statusCode, 404, `${bad} is not found`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  }

  // A session still to come: its note cannot be done yet; cancelled, its task is gone.
  const later = addDays(todayInOslo(), 21)
  const future = book(db, ordinary, `${later}T10:00:00+01:00`)
  t.equal((await done(auth.coordinator, `${future}:note`)).statusCode, 409, 'a note before its session is 409')
  const futureOverview = book(db, ukraineLater, `${addDays(later, 1)}T10:00:00+01:00`)
  t.ok((await list(auth.coordinator)).some((x) => x.sessionId === futureOverview), 'a coming ukraine session has its overview task')
  t.equal((await app.inject({ method: 'POST', url: `/v1/sessions/${futureOverview}/cancel`, headers: auth.coordinator, payload: { reason: 'participant moved' } })).statusCode, 200, 'the session is cancelled')
  t.notOk((await list(auth.coordinator)).some((x) => x.sessionId === futureOverview), "a cancelled session's task is gone")
  t.equal((await done(auth.coordinator, `${futureOverview}:participant-overview`)).statusCode, 404, 'and cannot be marked done')

  // Moved (as a repair commit moves it: same session, new time): the due date follows, the id and done stay.
  db.prepare('UPDATE sessions SET start = ?, start_utc = ? WHERE id = ?').run('2026-03-24T10:00:00+01:00', '2026-03-24T09:00:00.000Z', march)
  const moved = (await list(auth.coordinator)).find((x) => x.id === `${march}:note`)
  t.same([moved?.dueOn, moved?.doneAt], ['2026-03-31', doneAt], 'a moved session moves its due date and keeps its task id and completion')
})

t.test('GET /v1/tasks: analyst 403, bad query 400 as problem+json, no key 401', async (t) => {
  const { app, auth } = await build(t)
  const analyst = await app.inject({ method: 'GET', url: '/v1/tasks', headers: auth.analyst })
  t.equal(analyst.statusCode, 403, 'an analyst may not see tasks')
  t.equal(analyst.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  t.equal((await app.inject({ method: 'POST', url: '/v1/tasks/x:note/done', headers: auth.analyst })).statusCode, 403, 'nor mark one done')
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks' })).statusCode, 401, 'no key: 401')

  const bad = await app.inject({ method: 'GET', url: '/v1/tasks?dueBefore=2026-02-30&counsellorId=a%20b', headers: auth.coordinator })
  t.equal(bad.statusCode, 400, 'an impossible date and a bad counsellor id are 400')
  t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8', 'as problem+json')
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['counsellorId', 'dueBefore'], 'naming both fields')
  t.same((await app.inject({ method: 'GET', url: '/v1/tasks', headers: auth.municipality })).json(), { tasks: [] }, 'no sessions, no tasks')
})
