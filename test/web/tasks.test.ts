// The tasks page in a browser: the coordinator sees every task, filters by counsellor and due
// date and marks a note done; a programme advisor sees only their municipality's tasks and marks
// the participant's overview received, but not the centre's note.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import { addDays, toOsloDateTime } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'
import { intakeReferrals } from '../../src/services/referrals.ts'
import { referral } from '../helpers/build.ts'
import { assertAccessible, brokenLinks, startWeb, watchPageErrors } from './browser.ts'

const today = todayInOslo()

async function submit(page: Page, click: () => Promise<void>): Promise<number> {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST')
  await click()
  const status = (await answer).status()
  await page.waitForLoadState()
  return status
}

t.test('tasks', async (t) => {
  const web = await startWeb(t)
  const { db } = web
  const counsellors = web.app.store.counsellors
  counsellors.put('kari', { name: 'Kari Veileder', municipalities: [], weekly: [], absences: [] })
  counsellors.put('per', { name: 'Per Veileder', municipalities: [], weekly: [], absences: [] })
  const refs = web.app.store.referrals
  const [own, ukraine, ownLater] = intakeReferrals(refs, { role: 'municipality', municipality: '5001', keyId: 'test' }, [
    referral({ externalRef: 'O-101' }),
    referral({ externalRef: 'U-202', track: 'ukraine', settledOn: addDays(today, -60), referredOn: addDays(today, -50), language: 'uk', groupMeetingDone: true }),
    referral({ externalRef: 'O-104' }),
  ]).ids
  const [other] = intakeReferrals(refs, { role: 'municipality', municipality: '5035', keyId: 'test' }, [referral({ externalRef: 'X-303', municipality: '5035' })]).ids
  if (!own || !ukraine || !ownLater || !other) throw new Error('four referrals expected')
  const book = (referralId: string, counsellor: string, date: string) => {
    const id = randomUUID()
    const start = toOsloDateTime(date, 10 * 60)
    const end = toOsloDateTime(date, 11 * 60)
    db.prepare(
      `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
       VALUES (?, NULL, ?, 'individual', 'ar', ?, ?, ?, ?, NULL, 'booked')`,
    ).run(id, counsellor, start, end, new Date(start).toISOString(), new Date(end).toISOString())
    db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(id, referralId)
    return id
  }
  // Held ten days ago: the note was due three days ago. The overview of a session in three weeks is
  // open; the note of a session next week cannot be written yet.
  const held = book(own, 'kari', addDays(today, -10))
  book(ownLater, 'kari', addDays(today, 7))
  // A note done 40 days ago is history: the page lists only the last 30 days' done tasks.
  const old = book(ownLater, 'kari', addDays(today, -60))
  db.prepare("INSERT INTO task_completions (session_id, kind, done_at, done_by) VALUES (?, 'note', ?, 'earlier@example.no')").run(old, new Date(Date.now() - 40 * 86_400_000).toISOString())
  const coming = book(ukraine, 'per', addDays(today, 21))
  book(other, 'per', addDays(today, -2))
  const doneAt = (sessionId: string) => (db.prepare('SELECT done_at AS d FROM task_completions WHERE session_id = ?').get(sessionId) as { d: string } | undefined)?.d

  t.test('the coordinator: every task, filters, marking a note done', async (t) => {
    const { page } = await web.signedIn('coordinator')
    const errors = watchPageErrors(page)
    await page.goto('/board')
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Oppgaver' }).click()
    await page.waitForURL('**/tasks')
    const open = page.getByRole('table', { name: /oppgaver?, sortert etter frist/ })
    const row = (ref: string) => open.getByRole('row').filter({ has: page.getByRole('link', { name: ref, exact: true }) })
    t.equal(await open.getByRole('row').count(), 5, 'four open tasks under the header row')
    t.match(await row('O-101').textContent(), /Notat i IMDi-nett.*Kari Veileder.*Forfalt/, 'the note is named in words, with its counsellor, and marked overdue')
    t.match(await row('U-202').textContent(), /Deltakerens oversikt.*kl\. 10\.00.*Per Veileder.*Åpen/, 'the overview with the session time in Norwegian, open')
    t.match(await row('X-303').textContent(), 'Notat i IMDi-nett', "the coordinator sees every municipality's tasks")
    t.equal(await row('O-101').getByRole('link', { name: 'O-101' }).getAttribute('href'), `/referrals/${own}`, 'the referral links to its page')
    t.equal(await row('U-202').getByRole('button').count(), 1, 'an overview can be marked done before its session')
    t.equal(await row('O-104').getByRole('button').count(), 0, 'a note cannot before its session')
    t.match(await row('O-104').textContent(), 'Skrives etter timen', 'and the row says why')
    t.equal(await page.getByRole('table', { name: /er gjort/ }).count(), 0, 'a task done 40 days ago is not listed')
    await assertAccessible(t, page, 'tasks')
    t.same(await brokenLinks(page), [], 'every link on the page leads somewhere')

    await page.getByLabel('Veileder').selectOption({ label: 'Kari Veileder' })
    await page.getByRole('button', { name: 'Vis' }).click()
    await page.waitForURL(/counsellorId=kari/)
    t.equal(await open.getByRole('row').count(), 3, "the counsellor filter keeps Kari's two tasks")

    await page.getByLabel('Veileder').selectOption({ label: 'Alle veiledere' })
    await page.getByLabel('Frist før').fill('31.02.2026')
    await page.getByRole('button', { name: 'Vis' }).click()
    await page.waitForLoadState()
    t.equal(await page.getByLabel('Frist før').getAttribute('aria-invalid'), 'true', 'an impossible date is marked on its field')
    t.match(await page.locator('#error-summary').textContent(), 'Skriv datoen som dd.mm.åååå', 'and said in the summary')
    await assertAccessible(t, page, 'tasks with an error')

    await page.getByLabel('Frist før').fill(new Intl.DateTimeFormat('nb-NO', { day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(`${addDays(today, 1)}T12:00:00Z`)))
    await page.getByRole('button', { name: 'Vis' }).click()
    await page.waitForURL(/dueBefore=/)
    t.equal(await open.getByRole('row').count(), 2, 'due before tomorrow: only the overdue note')

    const status = await submit(page, () => row('O-101').getByRole('button', { name: /Merk som gjort/ }).click())
    t.equal(status, 303, '"Merk som gjort" marks it and goes back to the list')
    t.match(page.url(), /dueBefore=.*marked=1|marked=1.*dueBefore=/, 'as it was filtered')
    t.match(await page.getByRole('status').textContent(), 'Oppgaven er merket som gjort.', 'the page says so')
    t.ok(doneAt(held), 'the completion is stored')
    const done = page.getByRole('table', { name: /er gjort/ })
    t.match(await done.getByRole('row').filter({ hasText: 'O-101' }).textContent(), /Notat i IMDi-nett.*Gjort/, 'the note is now listed as done')
    t.equal(await done.getByRole('row').count(), 2, 'alone among the done ones (the old one stays out)')
    t.equal(await page.getByRole('heading', { name: 'Gjort de siste 30 dagene' }).count(), 1, 'under a heading that says how far back')
    t.equal(await page.getByText('Ingen åpne oppgaver.').count(), 1, 'and no open task is left before tomorrow')
    await assertAccessible(t, page, 'tasks after marking')
    t.same(errors, [], 'no script or CSP error')
  })

  t.test('the programme advisor: only their own tasks; the overview, not the note', async (t) => {
    const { page } = await web.signedIn('municipality', { municipality: '5001' })
    await page.goto('/referrals')
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Oppgaver' }).click()
    await page.waitForURL('**/tasks')
    const main = (await page.getByRole('main').textContent()) ?? ''
    t.notMatch(main, 'X-303', "another municipality's task is not shown")
    t.match(main, /O-101[\s\S]*Gjort/, 'their note, done by the centre, is shown as done')
    t.equal(await page.getByLabel('Veileder').count(), 0, 'no counsellor filter for a municipality')
    const overview = page.getByRole('table', { name: /oppgaver?, sortert etter frist/ }).getByRole('row').filter({ hasText: 'U-202' })
    const note = page.getByRole('table', { name: /oppgaver?, sortert etter frist/ }).getByRole('row').filter({ hasText: 'O-104' })
    t.equal(await note.getByRole('button').count(), 0, "the centre's note has no button for the advisor")
    t.match(await note.textContent(), 'Karrieresenteret registrerer notatet', 'the row says the centre registers it')
    await assertAccessible(t, page, 'tasks (advisor)')
    t.equal(await submit(page, () => overview.getByRole('button', { name: /Merk som gjort/ }).click()), 303, 'the advisor marks the overview received')
    t.ok(doneAt(coming), 'the completion is stored')
    t.equal(await page.getByRole('table', { name: /oppgaver?, sortert etter frist/ }).getByRole('row').count(), 2, "only the centre's note is left open")

    // The other municipality's task cannot be marked through the page either.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue()
    const theirs = (db.prepare("SELECT s.id FROM sessions s JOIN session_referrals sr ON sr.session_id = s.id WHERE sr.referral_id = ?").get(other) as { id: string }).id
    const res = await page.request.post(`/tasks/${theirs}:note/done`, { form: { _csrf: csrf, back: '/tasks' }, maxRedirects: 0 })
    t.equal(res.status(), 404, "another municipality's task is not found")
    t.equal(doneAt(theirs), undefined, 'and stays open')
  })

  t.test('in English', async (t) => {
    const { page } = await web.signedIn('coordinator')
    await page.goto(`/lang/en?back=${encodeURIComponent('/tasks')}`)
    await page.waitForURL('**/tasks')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Tasks', 'the page in English')
    t.match(await page.getByRole('table', { name: /open task/ }).textContent(), /Note in IMDi-nett.*Open/, 'the kind and the status in English')
    await assertAccessible(t, page, 'tasks (en)')
  })
})
