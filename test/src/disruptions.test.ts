import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { addDays, isWorkingDay } from '../../solver/calendar.ts'
import { validateProposal } from '../../solver/validate.ts'
import { todayInOslo } from '../../src/clock.ts'
import { allocationDeps, loadProblem } from '../../src/services/allocation.ts'
import { openDatabase } from '../../src/store/db.ts'
import { startDeliveryWorker } from '../../src/services/notifications/worker.ts'
import { build, referral, type Built } from '../helpers/build.ts'
import { receiver, testConfig } from './notifications/helpers.ts'
import { counsellor, RUN_DATE, SETTLED } from './allocation-seed.ts'

type Wire = { id: string; counsellorId: string; start: string; end: string; referralId?: string; pinned?: boolean }

/** Kari and Per both serve 5001; three referrals booked by a committed run. */
async function bookedCentre(b: Built, n = 3) {
  const { app, auth } = b
  for (const id of ['kari', 'per']) await app.inject({ method: 'PUT', url: `/v1/counsellors/${id}`, headers: auth.coordinator, payload: counsellor(['5001']) })
  const posted = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: Array.from({ length: n }, (_, i) => referral({ externalRef: `A-${i}`, settledOn: SETTLED })) } })
  const proposal = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: RUN_DATE, horizonWeeks: 4 } })).json() as { id: string }
  const commit = await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  if (commit.statusCode !== 200) throw new Error(commit.body)
  return { ids: posted.json().ids as string[], sessions: await sessionsOf(b) }
}

async function sessionsOf(b: Built): Promise<Wire[]> {
  return (await b.app.inject({ method: 'GET', url: '/v1/sessions', headers: b.auth.coordinator })).json().sessions
}

const sickOver = (from: string, to: string) => ({ ...counsellor(['5001']), absences: [{ from, to, reason: 'sick' }] })

t.test('sick leave over booked sessions: reported at once, repaired moving exactly those, same time with the other counsellor', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { sessions } = await bookedCentre(b)
  const karis = sessions.filter((s) => s.counsellorId === 'kari')
  t.ok(karis.length > 0, 'kari has bookings')
  const hook = await receiver(t)
  await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth.municipality, payload: { url: hook.url, events: ['session.moved'] } })
  const firstDay = karis[0]!.start.slice(0, 10)

  const put = await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: sickOver(firstDay, addDays(firstDay, 13)) })
  t.equal(put.statusCode, 200, 'the absence is recorded')
  t.same([...put.json().disrupted].sort(), karis.map((s) => s.id).sort(), "PUT answers with kari's sessions that no longer fit")

  const list = (await app.inject({ method: 'GET', url: '/v1/disruptions', headers: auth.coordinator })).json().disruptions
  t.same(
    list.map((d: { sessionId: string }) => d.sessionId).sort(),
    karis.map((s) => s.id).sort(),
    'GET /v1/disruptions lists them',
  )
  t.match(list[0], { counsellorId: 'kari', reason: 'counsellor-absent', referralIds: [String] }, 'with counsellor, referrals and reason')
  t.equal((await app.inject({ method: 'GET', url: '/v1/disruptions', headers: auth.municipality })).statusCode, 403, 'a municipality cannot list them')

  // A plan run never keeps them silently: they are not pinned, and it says what it does with them.
  const plan = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: todayInOslo(), horizonWeeks: 6 } })).json()
  t.notOk(plan.sessions.some((s: Wire) => s.pinned && s.counsellorId === 'kari' && s.start.slice(0, 10) >= firstDay), 'a plan run keeps none of them pinned')
  t.equal(plan.changes.length, karis.length, 'and lists each as a change')

  const res = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { mode: 'repair' } })
  t.equal(res.statusCode, 201, 'a repair is proposed')
  const repair = res.json()
  t.equal(repair.changes.length, karis.length, 'one change per disrupted session')
  for (const c of repair.changes) {
    const perBusy = sessions.some((s) => s.counsellorId === 'per' && s.start === c.from.start)
    if (perBusy) continue
    t.same(c.to, { counsellorId: 'per', start: c.from.start }, `${c.sessionId}: same time with Per`)
    t.match(c, { interpreterReorder: false, lateCancellation: false }, 'the interpreter order stands')
  }
  t.match(repair.stats, { changed: karis.length, dropped: 0 }, 'stats give the sessions changed')
  t.type(repair.stats.changeCost, 'number', 'and the objective')
  const problem = { ...loadProblem(allocationDeps(b.db, app.store), todayInOslo(), repair.horizonWeeks ?? 26), horizonWeeks: 26 }
  t.same(
    validateProposal({ ...problem, pinned: repair.sessions.filter((s: Wire) => s.pinned) }, { ...repair, unassigned: [...repair.unassigned, ...problem.referrals.filter((r) => !repair.sessions.some((s: Wire) => s.referralId === r.id)).map((r) => ({ referralId: r.id, reason: 'lower-priority', detail: '' }))] }).filter((v) => v.rule !== 'lead-time'),
    [],
    'the repaired week breaks no rule',
  )

  const commit = await app.inject({ method: 'POST', url: `/v1/allocations/${repair.id}/commit`, headers: auth.coordinator })
  t.equal(commit.statusCode, 200, 'the repair commits')
  const after = await sessionsOf(b)
  const moved = new Set(karis.map((s) => s.id))
  t.same(
    after.filter((s) => !moved.has(s.id)),
    sessions.filter((s) => !moved.has(s.id)),
    'no other booking changed',
  )
  for (const s of after.filter((x) => moved.has(x.id))) t.equal(s.counsellorId, 'per', `${s.id} is now Per's, same id`)
  const worker = startDeliveryWorker({ db: b.db, config: testConfig(), poll: false })
  t.teardown(() => worker.stop())
  await worker.runOnce()
  t.same(hook.got.map((g) => g.json.type), karis.map(() => 'session.moved'), "the municipality's webhook hears one session.moved per repaired session")
  t.same(new Set(hook.got.map((g) => g.json.data.sessionId)), moved, 'naming each moved session')
  t.match(hook.got[0]?.json.data, { previous: { counsellorId: 'kari' }, counsellorId: 'per', interpreterReorder: false }, 'with where it was before and where it is now')
  t.same((await app.inject({ method: 'GET', url: '/v1/disruptions', headers: auth.coordinator })).json().disruptions, [], 'repaired sessions leave the list')
  const again = await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: sickOver(firstDay, addDays(firstDay, 13)) })
  t.same(again.json().disrupted, [], 'PUT answers with an empty list when nothing is broken')
})

t.test('a cancelled disrupted session leaves the list; a repair built before a change is 409', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { sessions } = await bookedCentre(b, 2)
  const first = sessions[0]!
  await app.inject({ method: 'PUT', url: `/v1/counsellors/${first.counsellorId}`, headers: auth.coordinator, payload: sickOver(first.start.slice(0, 10), first.start.slice(0, 10)) })
  const repair = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { mode: 'repair' } })).json()
  const cancel = await app.inject({ method: 'POST', url: `/v1/sessions/${first.id}/cancel`, headers: auth.coordinator, payload: { reason: 'sick' } })
  t.equal(cancel.statusCode, 200, 'the coordinator cancels it instead')
  t.notOk((await app.inject({ method: 'GET', url: '/v1/disruptions', headers: auth.coordinator })).json().disruptions.some((d: { sessionId: string }) => d.sessionId === first.id), 'a cancelled session leaves the list')
  const late = await app.inject({ method: 'POST', url: `/v1/allocations/${repair.id}/commit`, headers: auth.coordinator })
  t.equal(late.statusCode, 409, 'the repair made before the cancellation no longer commits')
})

t.test('options and direct booking: own municipality only, coordinator books, 409 names the rule', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { sessions } = await bookedCentre(b, 2)
  const posted = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ externalRef: 'NEW', settledOn: SETTLED })] } })
  const id = posted.json().ids[0] as string

  const mine = await app.inject({ method: 'GET', url: `/v1/referrals/${id}/options?limit=3`, headers: auth.municipality })
  t.equal(mine.statusCode, 200, 'a municipality may ask about its own referral')
  const options = mine.json().options as { counsellorId: string; start: string; kind: string }[]
  t.equal(options.length, 3, 'limit is respected')
  t.ok(options.every((o) => o.kind === 'individual'), 'first sessions are individual')
  const lead = addDays(todayInOslo(), 7)
  t.ok(options.every((o) => o.start.slice(0, 10) >= lead), 'none inside the lead time counted from today')
  t.equal((await app.inject({ method: 'GET', url: `/v1/referrals/${id}/options`, headers: auth.otherMunicipality })).statusCode, 404, "another municipality's referral is not found")

  t.equal((await app.inject({ method: 'POST', url: `/v1/referrals/${id}/book`, headers: auth.municipality, payload: options[0] })).statusCode, 403, 'a municipality cannot book')
  const taken = sessions[0]!
  const clash = await app.inject({ method: 'POST', url: `/v1/referrals/${id}/book`, headers: auth.coordinator, payload: { counsellorId: taken.counsellorId, start: taken.start } })
  t.equal(clash.statusCode, 409, 'a taken slot is 409')
  t.match(clash.json(), { detail: /^overlap/ }, 'naming the rule overlap')
  t.match(clash.headers['content-type'], /problem\+json/, 'as problem+json')
  const soonDay = [1, 2, 3, 4, 5, 6].map((n) => addDays(todayInOslo(), n)).find(isWorkingDay)!
  const soon = await app.inject({ method: 'POST', url: `/v1/referrals/${id}/book`, headers: auth.coordinator, payload: { counsellorId: 'per', start: `${soonDay}T13:00:00${startOffset(soonDay)}` } })
  t.equal(soon.statusCode, 409, 'inside the lead time is 409')
  t.ok(soon.json().errors.some((e: { message: string }) => e.message.startsWith('lead-time')), 'naming the rule lead-time')
  const day = options[0]!.start.slice(0, 10)
  await app.inject({ method: 'PUT', url: '/v1/counsellors/per', headers: auth.coordinator, payload: sickOver(day, day) })
  const absent = await app.inject({ method: 'POST', url: `/v1/referrals/${id}/book`, headers: auth.coordinator, payload: { counsellorId: 'per', start: `${day}T13:00:00${startOffset(day)}` } })
  t.match(absent.json(), { status: 409, detail: /^absence/ }, "an absent counsellor's time is 409 absence")

  const free = (await app.inject({ method: 'GET', url: `/v1/referrals/${id}/options?limit=1`, headers: auth.coordinator })).json().options[0]
  const ok = await app.inject({ method: 'POST', url: `/v1/referrals/${id}/book`, headers: auth.coordinator, payload: { counsellorId: free.counsellorId, start: free.start } })
  t.equal(ok.statusCode, 201, 'a free option books')
  t.match(ok.json(), { referralId: id, counsellorId: free.counsellorId, start: free.start, kind: 'individual' }, 'and answers with the session')
  t.equal((await app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers: auth.municipality })).json().status, 'scheduled', 'the referral is scheduled')

  // No more options now: why, in the reader's language, without internal ids.
  const none = (await app.inject({ method: 'GET', url: `/v1/referrals/${id}/options`, headers: auth.municipality })).json()
  t.match(none, { options: [], reason: 'already-scheduled', detail: 'Henvisningen har allerede fått timene sine booket.' }, 'the reason in bokmål by default')
  const en = (await app.inject({ method: 'GET', url: `/v1/referrals/${id}/options`, headers: { ...auth.municipality, 'accept-language': 'en' } })).json()
  t.equal(en.detail, 'The referral already has its sessions booked.', 'and in English on request')
  t.notMatch(`${none.detail} ${en.detail}`, /[0-9a-f]{8}-[0-9a-f]{4}/, 'no internal id in either')
})

/** The Oslo offset of a date (the tests run in any season). */
function startOffset(date: string): string {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', hour: '2-digit', hourCycle: 'h23' }).format(new Date(`${date}T12:00:00Z`)))
  return hour === 14 ? '+02:00' : '+01:00'
}

/** Book in a child process; it signals before it asks for the write lock, and blocks on it while the test holds it. */
function bookInChild(dbPath: string, referralId: string, want: { counsellorId: string; start: string }): { ready: Promise<void>; done: Promise<{ ok: boolean; detail?: string; rules?: string[] }> } {
  const script = `
    import { openDatabase } from './src/store/db.ts'
    import { allocationDeps } from './src/services/allocation.ts'
    import { bookOption } from './src/services/booking.ts'
    const db = openDatabase(${JSON.stringify(dbPath)})
    process.stdout.write('ready\\n')
    try {
      bookOption(allocationDeps(db), { role: 'coordinator', keyId: 'test' }, ${JSON.stringify(referralId)}, ${JSON.stringify(want)})
      process.stdout.write(JSON.stringify({ ok: true }))
    } catch (e) { process.stdout.write(JSON.stringify({ ok: false, detail: e.message, rules: (e.items ?? []).map((i) => i.message.split(':')[0]) })) }
    db.close()`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() })
  let out = ''
  let signal: () => void
  const ready = new Promise<void>((resolve) => (signal = resolve))
  const done = new Promise<{ ok: boolean; detail?: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.startsWith('ready\n')) signal()
    })
    child.on('error', reject)
    child.on('close', () => resolve(JSON.parse(out.slice('ready\n'.length)) as { ok: boolean; detail?: string }))
  })
  return { ready, done }
}

t.test('a direct booking racing a commit of the same slot never double-books', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-book-race-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 'race.db')
  const b = await build(t, { dbPath })
  const { app, auth } = b
  for (const id of ['kari']) await app.inject({ method: 'PUT', url: `/v1/counsellors/${id}`, headers: auth.coordinator, payload: counsellor(['5001']) })
  const ids = (await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ externalRef: 'A', settledOn: SETTLED }), referral({ externalRef: 'B', settledOn: SETTLED })] } })).json().ids as string[]
  const proposal = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: todayInOslo() } })).json()
  const slot = proposal.sessions.find((s: Wire) => s.referralId === ids[0])!
  // The booking wants the slot the proposal gives A, for B.

  // The barrier: the test holds the write lock; the commit runs inside it; the child's booking waits for it.
  const holder = openDatabase(dbPath)
  t.teardown(() => holder.close())
  holder.exec('BEGIN IMMEDIATE')
  const child = bookInChild(dbPath, ids[1]!, { counsellorId: slot.counsellorId, start: slot.start })
  await child.ready
  const { createAllocationRepository } = await import('../../src/store/allocation-repository.ts')
  t.match(createAllocationRepository(holder).commit(proposal.id), { ok: true }, 'the commit goes through while the booking waits')
  holder.exec('COMMIT')
  const outcome = await child.done
  t.equal(outcome.ok, false, 'the booking, let in after the commit, is refused')
  t.ok(outcome.rules?.includes('overlap'), `it sees the slot taken (rules: ${outcome.rules?.join(', ')})`)
  const overlaps = holder
    .prepare(`SELECT count(*) FROM sessions x JOIN sessions y ON x.counsellor_id = y.counsellor_id AND x.id < y.id WHERE x.status = 'booked' AND y.status = 'booked' AND x.start_utc < y.end_utc AND y.start_utc < x.end_utc`)
    .pluck()
    .get()
  t.equal(overlaps, 0, 'no counsellor is double-booked')

  // The other order: a booking lands first, and the proposal built before it no longer commits.
  const c = (await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ externalRef: 'C', settledOn: SETTLED })] } })).json().ids[0] as string
  const next = (await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: todayInOslo() } })).json()
  const option = (await app.inject({ method: 'GET', url: `/v1/referrals/${c}/options?limit=1`, headers: auth.coordinator })).json().options[0]
  t.equal((await app.inject({ method: 'POST', url: `/v1/referrals/${c}/book`, headers: auth.coordinator, payload: { counsellorId: option.counsellorId, start: option.start } })).statusCode, 201, 'C is booked directly')
  t.equal((await app.inject({ method: 'POST', url: `/v1/allocations/${next.id}/commit`, headers: auth.coordinator })).statusCode, 409, 'the older proposal is refused')
})
