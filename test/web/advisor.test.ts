// The programme advisor in a browser: the referral form, the CSV upload, reading, updating and
// withdrawing a referral, and never seeing another municipality's referral.
import t from 'tap'
import type { Page } from 'playwright-core'
import { addDays } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'
import { showDateInput } from '../../src/web/forms.ts'
import { assertAccessible, brokenLinks, startWeb, watchPageErrors } from './browser.ts'

const today = todayInOslo()
const settled = addDays(today, -40)

/** The answer to the next POST the page sends, with the click that sends it. */
async function submit(page: Page, button: string): Promise<number> {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST')
  await page.getByRole('button', { name: button }).click()
  const status = (await answer).status()
  await page.waitForLoadState()
  return status
}

/** A CSV file as Excel writes it in Norwegian: BOM, semicolons, ja/nei. */
function csv(rows: string[][]): { name: string; mimeType: string; buffer: Buffer } {
  const header = ['externalRef', 'municipality', 'track', 'settledOn', 'language', 'competenceMappingDone', 'advisor.name', 'advisor.email']
  const text = `\uFEFF${[header, ...rows].map((r) => r.join(';')).join('\r\n')}\r\n`
  return { name: 'henvisninger.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') }
}

t.test('the programme advisor', async (t) => {
  const web = await startWeb(t)
  const referrals = web.app.store.referrals
  const advisor = await web.signedIn('municipality', { municipality: '5001', name: 'Kari Rådgiver', email: 'kari@trondheim.kommune.no' })
  const { page } = advisor
  const errors = watchPageErrors(page)

  t.test('the referral form: a bad submission shows its errors and stores nothing', async (t) => {
    await page.goto('/')
    await page.waitForURL('**/referrals')
    t.match(await page.getByRole('main').textContent(), 'Ingen henvisninger å vise', 'the empty list says so')
    await page.getByRole('main').getByRole('link', { name: 'Ny henvisning' }).click()
    await page.waitForURL('**/referrals/new')
    await assertAccessible(t, page, 'new referral')
    t.equal(await page.getByLabel('Din e-post').inputValue(), 'kari@trondheim.kommune.no', "the advisor's own e-mail is filled in")

    await page.getByLabel('Saksnummer', { exact: true }).fill('')
    await page.getByLabel('Bosettingsdato').fill('31.02.2025')
    await page.getByLabel('Språk').fill('arabisk')
    // No Ordning chosen.
    t.equal(await submit(page, 'Send henvisning'), 422, 'the form answers 422')
    t.equal(new URL(page.url()).pathname, '/referrals/new', 'and stays on the form')

    const summary = page.locator('#error-summary')
    t.equal(await summary.getByRole('heading').textContent(), 'Rett opp dette før du går videre:', 'an error summary heads the form')
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary')
    t.pass('the summary takes the focus, so a screen reader reads it first')
    const expected = {
      Saksnummer: 'Skriv saksnummeret deres',
      Bosettingsdato: 'Skriv bosettingsdatoen som dd.mm.åååå',
    }
    for (const [label, message] of Object.entries(expected)) {
      const field = page.getByLabel(label, { exact: true })
      t.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`)
      const described = await field.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '))
      t.match(described, message, `${label}'s message is tied to the field (aria-describedby)`)
      t.match(await summary.textContent(), message, `the summary lists ${label}'s message`)
    }
    t.match(await page.getByRole('group', { name: 'Ordning', exact: true }).textContent(), 'Velg ordning', 'the missing Ordning is said in its fieldset')
    t.match(await summary.textContent(), 'Velg ordning', 'and in the summary')
    t.equal(await page.getByLabel('Bosettingsdato').inputValue(), '31.02.2025', 'what was typed is kept')
    t.equal(await page.getByLabel('Språk').inputValue(), 'arabisk', 'in every field')
    // The summary's links go to their fields.
    await summary.getByRole('link', { name: /Skriv bosettingsdatoen/ }).click()
    t.equal(await page.evaluate(() => document.activeElement?.id), 'f-settledOn', "the summary's link focuses the date field")
    t.same(referrals.list(), [], 'nothing is stored')
    await assertAccessible(t, page, 'new referral with errors')
  })

  let id = ''
  t.test('the referral form: a good submission stores the referral and lists it', async (t) => {
    await page.goto('/referrals/new')
    await page.getByLabel('Saksnummer', { exact: true }).fill('TRD-2026-1')
    await page.getByLabel('Navn på deltaker').fill('Amina Testperson')
    await page.getByLabel('Språk').fill('arabisk')
    await page.getByRole('radio', { name: /Ordinær/ }).check()
    await page.getByLabel('Bosettingsdato').fill(showDateInput(settled))
    await page.getByLabel('Kompetansekartlegging er gjort i IMDi-nett').check()
    t.equal(await submit(page, 'Send henvisning'), 303, 'the form is accepted and redirects')
    t.match(await page.getByRole('status').first().textContent(), 'Henvisningen er sendt', 'the referral page says it was sent')

    const stored = referrals.list()
    t.equal(stored.length, 1, 'one referral is stored')
    const r = stored[0]!
    id = r.id
    t.same(
      { externalRef: r.externalRef, municipality: r.municipality, track: r.track, settledOn: r.settledOn, language: r.language, competenceMappingDone: r.competenceMappingDone, interpreter: r.interpreter, advisor: r.advisor?.email },
      { externalRef: 'TRD-2026-1', municipality: '5001', track: 'ordinary', settledOn: settled, language: 'ar', competenceMappingDone: true, interpreter: true, advisor: 'kari@trondheim.kommune.no' },
      'stored as typed: the date read as dd.mm.åååå, the language name as its code, the municipality from the account',
    )
    t.equal(new URL(page.url()).pathname, `/referrals/${id}`, 'the page is the new referral')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Henvisning TRD-2026-1', 'headed by the case reference')
    t.match(await page.getByRole('main').textContent(), 'Ingen time er booket ennå', 'no session yet')
    await assertAccessible(t, page, 'referral detail')
    t.same(await brokenLinks(page), [], 'every link on the referral page leads somewhere')

    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Henvisninger' }).click()
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'TRD-2026-1' }) })
    t.equal(await row.count(), 1, 'the list shows the referral by its externalRef')
    t.match(await row.textContent(), 'Venter', 'with its status')
    t.match(await row.textContent(), 'Amina Testperson', "and the participant's name, to its own municipality")
    await assertAccessible(t, page, 'referrals list')
  })

  t.test('updating and withdrawing a referral', async (t) => {
    await page.goto(`/referrals/${id}`)
    await page.getByLabel('Deltakeren samtykker til at programrådgiver er med').check()
    await page.getByLabel('Utsett til').fill(showDateInput(addDays(today, 30)))
    // A deferral needs its reason: the page says so and changes nothing.
    t.equal(await submit(page, 'Lagre endringer'), 422, 'a deferral date without its reason is refused')
    t.match(await page.locator('#f-deferralReason-error').textContent(), 'både dato og begrunnelse', 'the reason field says what is missing')
    t.equal(referrals.findById(id)?.advisorConsent, false, 'nothing changed')
    await assertAccessible(t, page, 'referral detail with errors')
    t.equal(await page.getByLabel('Deltakeren samtykker til at programrådgiver er med').isChecked(), true, 'the ticked consent is kept on the page with errors')
    await page.getByLabel('Deltakeren samtykker til at programrådgiver er med').check()
    await page.getByLabel('Begrunnelse for utsettelse').fill('Starter på norskkurs først')
    t.equal(await submit(page, 'Lagre endringer'), 303, 'with a reason it is saved')
    const after = referrals.findById(id)
    t.same({ consent: after?.advisorConsent, until: after?.deferredUntil, reason: after?.deferralReason }, { consent: true, until: addDays(today, 30), reason: 'Starter på norskkurs først' }, 'consent and deferral are stored')
    t.match(await page.getByRole('main').textContent(), 'Utsatt', 'the status reads Utsatt')

    await page.getByRole('link', { name: 'Trekk henvisningen …' }).click()
    await page.waitForURL(`**/referrals/${id}/withdraw`)
    t.match(await page.getByRole('main').textContent(), 'Ingenting avlyses', 'the confirm page says what withdrawing cancels')
    await assertAccessible(t, page, 'withdraw confirm')
    t.notOk(referrals.findById(id)?.withdrawnAt, 'opening the confirm page withdraws nothing')
    await page.getByRole('button', { name: 'Trekk henvisningen' }).click()
    await page.waitForURL('**/referrals?notice=withdrawn')
    t.ok(referrals.findById(id)?.withdrawnAt, 'the referral is withdrawn')
    t.match(await page.getByRole('row').filter({ hasText: 'TRD-2026-1' }).textContent(), 'Trukket', 'the list shows it withdrawn')
  })

  t.test('CSV upload: a bad row is named by row and column and nothing is stored; a good file stores all', async (t) => {
    const before = referrals.list().length
    await page.goto('/referrals')
    await page.getByRole('main').getByRole('link', { name: 'Last opp CSV' }).click()
    await page.waitForURL('**/referrals/upload')
    await assertAccessible(t, page, 'upload')
    t.same(await brokenLinks(page), [], 'every link on the upload page (the template too) leads somewhere')
    const kari = ['Kari Rådgiver', 'kari@trondheim.kommune.no']
    const rows = [
      ['CSV-1', '5001', 'ordinary', settled, 'ar', 'ja', ...kari],
      ['CSV-2', '5001', 'ukraine', settled, 'uk', 'nei', ...kari],
      ['CSV-3', '5001', 'ordinary', '2025-02-30', 'ti', 'ja', ...kari],
    ]
    await page.getByLabel('CSV-fil').setInputFiles(csv(rows))
    t.equal(await submit(page, 'Last opp'), 422, 'a file with a bad row answers 422')
    const errorRow = page.getByRole('row').filter({ hasText: 'rad 4' })
    t.equal(await errorRow.count(), 1, 'the bad third record stands on "rad 4" (line 1 is the header)')
    t.match(await errorRow.textContent(), 'settledOn', 'and names its column')
    t.equal(await page.getByRole('row').filter({ hasText: /rad [23]\b/ }).count(), 0, 'the good rows are not listed as errors')
    t.notMatch(await errorRow.textContent(), /must be|expected|invalid/i, 'the problem is told in Norwegian')
    t.match(await page.locator('#error-summary').textContent(), 'Ingenting ble lagret', 'the summary says nothing was stored')
    t.equal(await page.getByLabel('CSV-fil').getAttribute('aria-invalid'), 'true', 'the file field is marked invalid')
    t.equal(referrals.list().length, before, 'nothing is stored, not even the good rows')
    await assertAccessible(t, page, 'upload with errors')

    // A row of another municipality is refused the same way.
    await page.getByLabel('CSV-fil').setInputFiles(csv([rows[0]!, ['CSV-9', '5035', 'ordinary', settled, 'so', 'ja', ...kari]]))
    t.ok((await submit(page, 'Last opp')) >= 400, "another municipality's row is refused")
    t.match(await page.getByRole('row').filter({ hasText: 'rad 3' }).textContent(), 'municipality', 'on its row and column')
    t.equal(referrals.list().length, before, 'still nothing stored')

    rows[2] = ['CSV-3', '5001', 'ordinary', addDays(settled, 1), 'ti', 'ja', ...kari]
    await page.getByLabel('CSV-fil').setInputFiles(csv(rows))
    t.equal(await submit(page, 'Last opp'), 200, 'the corrected file is accepted')
    t.match(await page.getByRole('main').textContent(), '3 nye og 0 oppdaterte henvisninger', 'the page counts what was stored')
    const refs = referrals.list().map((r) => r.externalRef).sort()
    t.same(refs, ['CSV-1', 'CSV-2', 'CSV-3', 'TRD-2026-1'], 'all three rows are stored')
    t.equal(referrals.list().find((r) => r.externalRef === 'CSV-2')?.competenceMappingDone, false, '"nei" is read as false')
    await assertAccessible(t, page, 'upload done')
    await page.getByRole('link', { name: 'Se henvisningene' }).click()
    for (const ref of ['CSV-1', 'CSV-2', 'CSV-3']) t.equal(await page.getByRole('link', { name: ref, exact: true }).count(), 1, `the list shows ${ref}`)
  })

  t.test('another municipality never sees these referrals', async (t) => {
    const other = await web.signedIn('municipality', { municipality: '5035' })
    await other.page.goto('/referrals')
    const text = await other.page.getByRole('main').textContent()
    for (const ref of ['TRD-2026-1', 'CSV-1', 'Amina']) t.notMatch(text, ref, `5035's list does not show ${ref}`)
    await other.page.getByLabel('Søk på saksnummer').fill('CSV-1')
    await other.page.getByRole('button', { name: 'Vis' }).click()
    await other.page.waitForURL('**/referrals?**')
    t.equal(await other.page.getByRole('link', { name: 'CSV-1' }).count(), 0, 'a search by the case reference finds nothing')

    const csv1 = referrals.list().find((r) => r.externalRef === 'CSV-1')!
    for (const path of [`/referrals/${csv1.id}`, `/referrals/${csv1.id}/withdraw`]) {
      const response = await other.page.goto(path)
      t.equal(response?.status(), 404, `${path} by direct URL is 404`)
      t.equal(await other.page.getByRole('heading', { level: 1 }).textContent(), 'Fant ikke siden', 'the 404 page says the page was not found')
      t.notMatch(await other.page.getByRole('main').textContent(), 'CSV-1', 'and shows nothing of the referral')
    }
    await assertAccessible(t, other.page, '404 page')
    // Withdrawing it through a forged form fails too, even with a valid CSRF token of its own.
    await other.page.goto('/referrals/new')
    const token = await other.page.locator('input[name="_csrf"]').first().inputValue()
    const forged = await other.page.request.post(`/referrals/${csv1.id}/withdraw`, { form: { _csrf: token }, maxRedirects: 0 })
    t.equal(forged.status(), 404, "a withdrawal of another municipality's referral is 404")
    t.notOk(referrals.findById(csv1.id)?.withdrawnAt, 'and it is not withdrawn')
    // The coordinator's pages are not the advisor's.
    const response = await other.page.goto('/board')
    t.equal(response?.status(), 403, "the coordinator's week board is 403 for an advisor")
    t.equal(await other.page.getByRole('heading', { level: 1 }).textContent(), 'Ingen tilgang', 'the 403 page says so')
    await assertAccessible(t, other.page, '403 page')
  })

  t.test('a referral posted without its CSRF token is refused and not stored', async (t) => {
    const before = referrals.list().length
    await page.goto('/referrals/new')
    await page.getByLabel('Saksnummer', { exact: true }).fill('CSRF-1')
    await page.getByLabel('Språk').fill('ar')
    await page.getByRole('radio', { name: /Ordinær/ }).check()
    await page.getByLabel('Bosettingsdato').fill(showDateInput(settled))
    await page.locator('form[action="/referrals/new"] input[name="_csrf"]').evaluate((el) => el.remove())
    const status = await submit(page, 'Send henvisning')
    t.ok(status >= 400 && status < 500, `a form without _csrf gets a 4xx (${status})`)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Skjemaet er utløpt', 'the page explains why')
    // A token from another browser's session is no better.
    const stranger = await web.signedIn('municipality', { municipality: '5001' })
    await stranger.page.goto('/referrals/new')
    const foreign = await stranger.page.locator('input[name="_csrf"]').first().inputValue()
    const forged = await page.request.post('/referrals/new', { form: { _csrf: foreign, externalRef: 'CSRF-2', track: 'ordinary', settledOn: showDateInput(settled), language: 'ar', 'advisor.name': 'X', 'advisor.email': 'x@example.no' }, maxRedirects: 0 })
    t.ok(forged.status() >= 400 && forged.status() < 500, `a token from another session gets a 4xx (${forged.status()})`)
    t.equal(referrals.list().length, before, 'nothing was stored')
    t.same(errors, [], 'no script error or CSP refusal on any advisor page')
  })
})
