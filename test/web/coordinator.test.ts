// The centre coordinator in a browser, on the demo centre: propose -> review -> commit, the week
// board, cancelling a session, counsellors, the access log, and the same in English.
import t from 'tap'
import type { Page } from 'playwright-core'
import { allocationDeps, getAllocation } from '../../src/services/allocation.ts'
import { loadDemoCentre } from '../../src/services/demo.ts'
import { assertAccessible, brokenLinks, startWeb, watchPageErrors } from './browser.ts'

async function submit(page: Page, button: string): Promise<number> {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST')
  await page.getByRole('button', { name: button, exact: true }).click()
  const status = (await answer).status()
  await page.waitForLoadState()
  return status
}

/** "09.00" from "2026-03-09T09:00:00+01:00": the wall-clock time in Oslo, as the pages write it. */
const clock = (iso: string) => iso.slice(11, 16).replace(':', '.')

t.test('the centre coordinator', async (t) => {
  const web = await startWeb(t)
  const demo = loadDemoCentre(web.db)
  t.ok(demo.created > 0, `the demo centre is loaded (${demo.created} referrals, ${demo.counsellors} counsellors)`)
  const deps = allocationDeps(web.db, web.app.store)
  const booked = () => (web.db.prepare("SELECT count(*) AS n FROM sessions WHERE status = 'booked'").get() as { n: number }).n
  const { page } = await web.signedIn('coordinator', { name: 'Ola Koordinator', email: 'ola@karrieresenter.no' })
  const errors = watchPageErrors(page)
  const followed = new Set<string>()
  const broken = new Set<string>()
  /** axe on the page, and every link on it followed once (a 404 is kept for the last subtest). */
  const check = async (t: Parameters<typeof assertAccessible>[0], name: string) => {
    await assertAccessible(t, page, name)
    for (const href of await brokenLinks(page, followed)) broken.add(`${href.replace(/[0-9a-f-]{36}/g, ':id')} (on ${name})`)
  }

  let allocationId = ''
  t.test('"Lag forslag" proposes and books nothing; the review shows each session with its referral and time', async (t) => {
    await page.goto('/')
    await page.waitForURL('**/board')
    await check(t, 'week board (empty)')
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Tildeling' }).click()
    await page.waitForURL('**/allocations')
    await check(t, 'allocations')

    // A run date that is not a date is refused next to its field.
    await page.getByLabel('Planlegg fra').fill('99.99.2026')
    t.equal(await submit(page, 'Lag forslag'), 422, 'a bad run date is refused with 422')
    t.equal((web.db.prepare('SELECT count(*) AS n FROM allocations').get() as { n: number }).n, 0, 'no proposal was made')
    t.equal(await page.getByLabel('Planlegg fra').getAttribute('aria-invalid'), 'true', 'and marked on its field')
    // A date that parses but lies in the past is refused by the service: the page says so at the field.
    await page.getByLabel('Planlegg fra').fill('01.01.2020')
    t.equal(await submit(page, 'Lag forslag'), 422, 'a run date in the past is refused')
    t.equal(await page.getByLabel('Planlegg fra').getAttribute('aria-invalid'), 'true', 'and marked on its field')
    t.equal((web.db.prepare('SELECT count(*) AS n FROM allocations').get() as { n: number }).n, 0, 'no proposal was made')
    await check(t, 'allocations with errors')

    await page.getByLabel('Planlegg fra').fill('')
    t.equal(await submit(page, 'Lag forslag'), 303, '"Lag forslag" makes a proposal')
    await page.waitForURL(/\/allocations\/[^/]+$/)
    allocationId = new URL(page.url()).pathname.split('/')[2]!
    t.equal(booked(), 0, 'proposing alone books nothing')
    t.match(await page.getByRole('main').textContent(), 'Ingenting er booket ennå', 'and the page says so')

    const p = getAllocation(deps, allocationId)
    t.equal(p.status, 'proposed', 'the stored proposal is proposed')
    const fresh = p.sessions.filter((s) => !s.pinned)
    t.ok(fresh.length > 0, `the demo centre gets sessions (${fresh.length})`)
    const table = page.getByRole('table', { name: /nye? time/ })
    for (const s of fresh) {
      const ids = s.kind === 'group' ? s.referralIds : [s.referralId]
      for (const id of ids) {
        const ref = web.app.store.referrals.findById(id)!.externalRef
        // A ukraine referral has two rows (its group meeting and its own session): one of them has this time.
        const rows = table.getByRole('row').filter({ has: page.getByRole('link', { name: ref, exact: true }) }).filter({ hasText: `kl. ${clock(s.start)}` })
        t.ok((await rows.count()) > 0, `the review shows ${ref} at ${clock(s.start)} (${s.kind})`)
      }
    }
    const section = (heading: string) => page.locator('section', { has: page.getByRole('heading', { name: heading }) })
    t.ok(p.unassigned.length > 0 && p.deadlineBreaches.length > 0, 'the demo centre has referrals that wait and deadlines that are missed')
    t.equal(await section('Hvem venter, og hvorfor').getByRole('row').count(), p.unassigned.length + 1, 'each waiting referral has a row with its reason')
    t.equal(await section('Fristbrudd').getByRole('row').count(), p.deadlineBreaches.length + 1, 'each deadline breach has a row with its reason')
    for (const heading of ['Hvem venter, og hvorfor', 'Fristbrudd']) {
      t.notMatch(await section(heading).textContent(), /\b(the|must|before|until)\b|\d{4}-\d{2}-\d{2}/, `the explanations under "${heading}" are in Norwegian with Norwegian dates`)
    }
    await check(t, 'review (proposed)')
  })

  t.test('"Bekreft" books the proposal', async (t) => {
    const fresh = getAllocation(deps, allocationId).sessions.filter((s) => !s.pinned).length
    t.equal(await submit(page, 'Bekreft'), 303, '"Bekreft" commits')
    t.equal(booked(), fresh, `all ${fresh} proposed sessions are booked`)
    t.equal(getAllocation(deps, allocationId).status, 'committed', 'the allocation is committed')
    t.match(await page.getByRole('status').first().textContent(), 'Forslaget er bekreftet', 'the page says it is booked')
    t.equal(await page.getByRole('button', { name: 'Bekreft' }).count(), 0, 'and offers no second commit')
  })

  t.test('the week board shows the booked sessions; a session can be cancelled', async (t) => {
    const first = web.db.prepare("SELECT id, start FROM sessions WHERE status = 'booked' ORDER BY start_utc LIMIT 1").get() as { id: string; start: string }
    await page.goto(`/board?week=${first.start.slice(0, 10)}`)
    const cancelLinks = page.getByRole('link', { name: /^Avlys/ })
    t.ok((await cancelLinks.count()) > 0, 'the board lists sessions, each with a cancel link')
    t.match(await page.getByRole('table').textContent(), clock(first.start), "the first session's time is on the board")
    await check(t, 'week board')

    await page.goto(`/sessions/${first.id}/cancel`)
    await check(t, 'cancel session')
    t.equal(await submit(page, 'Avlys timen'), 422, 'a cancellation needs a reason')
    t.match(await page.locator('#f-reason-error').textContent(), 'Skriv hvorfor timen avlyses', 'said next to the reason field')
    t.equal(booked(), (web.db.prepare("SELECT count(*) AS n FROM sessions WHERE status = 'booked'").get() as { n: number }).n, 'still booked')
    t.equal((web.db.prepare('SELECT status FROM sessions WHERE id = ?').get(first.id) as { status: string }).status, 'booked', 'the session is still booked')
    await check(t, 'cancel session with errors')
    await page.getByLabel('Grunn til avlysning').fill('Deltakeren er syk')
    t.equal(await submit(page, 'Avlys timen'), 200, 'with a reason it is cancelled')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Timen er avlyst', 'the page says so')
    t.match(await page.getByRole('main').textContent(), /Sen avbestilling av tolk|Avlyst i tide/, 'and whether it was a late cancellation')
    t.equal((web.db.prepare('SELECT status FROM sessions WHERE id = ?').get(first.id) as { status: string }).status, 'cancelled', 'the session is cancelled in the store')
    await check(t, 'cancel session done')
  })

  t.test('a session is moved from the week board: its options, then "Flytt hit"', async (t) => {
    const s = web.db.prepare("SELECT id, start, counsellor_id AS c FROM sessions WHERE status = 'booked' AND kind = 'individual' ORDER BY start_utc DESC LIMIT 1").get() as { id: string; start: string; c: string }
    await page.goto(`/board?week=${s.start.slice(0, 10)}`)
    await page.locator(`a[href="/sessions/${s.id}/move"]`).click()
    await page.waitForURL(`**/sessions/${s.id}/move`)
    t.match(await page.getByRole('heading', { level: 1 }).textContent(), /^Flytt timen for /, 'the move page names the case')
    await check(t, 'move session')
    const form = page.locator(`form[action="/sessions/${s.id}/move"]`).first()
    const to = { c: await form.locator('input[name="counsellorId"]').inputValue(), start: await form.locator('input[name="start"]').inputValue() }
    const answer = page.waitForResponse((r) => r.request().method() === 'POST')
    await form.getByRole('button', { name: /^Flytt hit/ }).click()
    t.equal((await answer).status(), 200, '"Flytt hit" moves it')
    await page.waitForLoadState()
    t.equal(await page.getByRole('heading', { level: 2 }).first().textContent(), 'Timen er flyttet', 'the page says so')
    const now = web.db.prepare('SELECT counsellor_id AS c, start, status FROM sessions WHERE id = ?').get(s.id) as { c: string; start: string; status: string }
    t.same(now, { c: to.c, start: to.start, status: 'booked' }, 'the same session has the chosen time in the store')
    await check(t, 'session moved')
  })

  t.test('counsellors: the list, a new one with errors, then saved', async (t) => {
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Veiledere' }).click()
    await page.waitForURL('**/counsellors')
    t.equal(await page.getByRole('row').count(), demo.counsellors + 1, 'every demo counsellor has a row')
    await check(t, 'counsellors')
    await page.getByRole('link', { name: 'Legg til veileder' }).click()
    await page.waitForURL('**/counsellors/new')
    await check(t, 'new counsellor')
    await page.getByLabel('Kode').fill('ny veileder')
    await page.getByLabel('mandag, fra').fill('09:00')
    await page.getByLabel('mandag, til').fill('25:00')
    t.equal(await submit(page, 'Lagre veileder'), 422, 'a form with errors is refused')
    for (const label of ['Kode', 'Navn', 'mandag, til']) t.equal(await page.getByLabel(label, { exact: true }).getAttribute('aria-invalid'), 'true', `${label} is marked invalid`)
    t.ok((await page.locator('#error-summary li').count()) >= 3, 'the summary lists each error')
    t.notOk(web.app.store.counsellors.findById('ny veileder'), 'nothing is stored')
    await check(t, 'new counsellor with errors')

    await page.getByLabel('Kode').fill('nina')
    await page.getByLabel('Navn', { exact: true }).fill('Nina Veileder')
    await page.getByLabel('Faste kommuner').fill('5001, 5035')
    await page.getByLabel('mandag, til').fill('15:00')
    await page.getByLabel('Fravær 1, fra').fill('01.06.2026')
    await page.getByLabel('Fravær 1, til').fill('05.06.2026')
    await page.getByLabel('Fravær 1, type').selectOption({ label: 'Sykmeldt' })
    t.equal(await submit(page, 'Lagre veileder'), 303, 'a good form is saved')
    t.match(await page.getByRole('status').first().textContent(), 'Nina Veileder er lagret', 'the list says so')
    const nina = web.app.store.counsellors.findById('nina')
    t.same(
      { name: nina?.name, municipalities: nina?.municipalities, weekly: nina?.weekly, absences: nina?.absences },
      { name: 'Nina Veileder', municipalities: ['5001', '5035'], weekly: [{ weekday: 1, start: '09:00', end: '15:00' }], absences: [{ from: '2026-06-01', to: '2026-06-05', reason: 'sick' }] },
      'stored as typed',
    )
    await page.getByRole('link', { name: 'Nina Veileder' }).click()
    await page.waitForURL('**/counsellors/nina')
    t.equal(await page.getByLabel('Fravær 1, fra').inputValue(), '01.06.2026', 'the edit form shows the absence in dd.mm.åååå')
    await check(t, 'edit counsellor')
  })

  t.test("referrals and the access log: reading a participant's referral is logged", async (t) => {
    await page.goto('/referrals')
    await check(t, 'referrals list (coordinator)')
    const link = page.getByRole('table').getByRole('link').first()
    const ref = (await link.textContent())!
    await link.click()
    await page.waitForURL(/\/referrals\/[^/]+$/)
    const id = new URL(page.url()).pathname.split('/')[2]!
    await check(t, 'referral detail (coordinator)')
    await page.goto(`/referrals?q=${encodeURIComponent(ref)}`)
    t.equal(await page.getByRole('table').getByRole('link', { name: ref, exact: true }).count(), 1, 'a search by externalRef finds it')

    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Tilgangslogg' }).click()
    await page.waitForURL('**/audit')
    await page.getByLabel('Henvisnings-id').fill(id)
    await page.getByRole('button', { name: 'Vis' }).click()
    await page.waitForURL('**/audit?**')
    const rows = page.getByRole('table').getByRole('row').filter({ hasText: 'ola@karrieresenter.no' })
    t.ok((await rows.count()) > 0, "the coordinator's own read of the referral is in the log")
    t.match(await rows.first().textContent(), 'Viste', 'as a read')
    await check(t, 'audit')
  })

  t.test('in English: "Propose" and "Commit"', async (t) => {
    await page.goto('/allocations')
    await page.getByRole('link', { name: 'English' }).click()
    await page.waitForURL('**/allocations')
    t.equal(await page.locator('html').getAttribute('lang'), 'en', 'the page is English')
    t.equal(await submit(page, 'Propose'), 303, '"Propose" makes a proposal')
    t.ok(await page.getByRole('button', { name: 'Commit' }).isVisible(), 'the review offers "Commit"')
    const kept = getAllocation(deps, new URL(page.url()).pathname.split('/')[2]!).sessions.filter((s) => s.pinned).length
    t.ok(kept > 0, 'what was booked before stays booked in the new proposal')
    t.equal(await page.getByRole('table', { name: /booked session/i }).getByRole('row').count(), kept + 1, 'and is listed as kept')
    await page.getByRole('link', { name: 'Norsk' }).click()
    t.equal(await page.locator('html').getAttribute('lang'), 'nb', 'back to Norwegian')
  })

  t.test('the pages added since: interpreter orders, disruptions, options', async (t) => {
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Tolkebestillinger' }).click()
    await page.waitForURL('**/interpreter-orders')
    t.ok((await page.getByRole('table').getByRole('row').count()) > 1, 'the booked interpreted sessions are listed')
    await check(t, 'interpreter orders')
    // A counsellor falls sick over all their booked sessions: those become disruptions.
    const s = web.db.prepare("SELECT counsellor_id AS c, min(start) AS a, max(start) AS b FROM sessions WHERE status = 'booked' GROUP BY counsellor_id LIMIT 1").get() as { c: string; a: string; b: string }
    const c = web.app.store.counsellors.findById(s.c)!
    web.app.store.counsellors.put(s.c, { ...c, absences: [...c.absences, { from: s.a.slice(0, 10), to: s.b.slice(0, 10), reason: 'sick' }] })
    await page.goto('/board')
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Forstyrrelser' }).click()
    await page.waitForURL('**/disruptions')
    t.match(await page.getByRole('main').textContent(), 'Veilederen er borte', 'the disruption is listed with its reason')
    await check(t, 'disruptions')
    // The repair is reviewed like any proposal: what moves where, and why anything waits, in Norwegian.
    t.equal(await submit(page, 'Lag reparasjonsforslag'), 303, '"Lag reparasjonsforslag" proposes a repair')
    await page.waitForURL(/\/allocations\/[^/]+$/)
    const changes = page.getByRole('table', { name: /flyttes eller avlyses/ })
    t.ok((await changes.getByRole('row').count()) > 1, 'the review lists the changes')
    t.notMatch(await page.getByRole('main').textContent(), /\b(the|no longer|before|until)\b|\d{4}-\d{2}-\d{2}/, 'and explains them in Norwegian with Norwegian dates')
    await check(t, 'review (repair)')
    const waiting = web.app.store.referrals.list().find((r) => r.withdrawnAt === undefined && !web.db.prepare("SELECT 1 FROM session_referrals sr JOIN sessions s ON s.id = sr.session_id WHERE sr.referral_id = ? AND s.status = 'booked'").get(r.id))
    if (waiting) {
      await page.goto(`/referrals/${waiting.id}`)
      await page.getByRole('link', { name: 'Finn ledige timer for denne deltakeren' }).click()
      await page.waitForURL(`**/referrals/${waiting.id}/options`)
      await check(t, 'options')
      // Someone else takes the time while the page is open: booking it is refused, in words.
      const taken = web.db.prepare("SELECT counsellor_id AS c, start FROM sessions WHERE status = 'booked' AND counsellor_id != ? ORDER BY start DESC LIMIT 1").get(s.c) as { c: string; start: string }
      const form = page.locator('form[action$="/book"]').first()
      await form.locator('input[name="counsellorId"]').evaluate((el, v) => ((el as HTMLInputElement).value = v), taken.c)
      await form.locator('input[name="start"]').evaluate((el, v) => ((el as HTMLInputElement).value = v), taken.start)
      const before = booked()
      const answer = page.waitForResponse((r) => r.request().method() === 'POST')
      await form.getByRole('button').click()
      t.equal((await answer).status(), 409, 'a taken time is refused')
      await page.waitForLoadState()
      t.match(await page.getByRole('alert').textContent(), 'Veilederen har allerede en time da', 'the page says why in Norwegian')
      t.equal(booked(), before, 'and nothing was booked')
    }
  })

  t.test('every link on the pages leads to a page', async (t) => {
    t.ok(followed.size > 10, `links were followed (${followed.size})`)
    t.same([...broken], [], 'no link on a coordinator page answers 404')
    t.same(errors, [], 'no script error or CSP refusal on any coordinator page')
  })
})
