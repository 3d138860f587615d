// The analyst in a browser: a replay of a bundled scenario under two policies, the progress while
// it runs, the figures side by side with the charts; the capacity view; no names, no referrals.
import t from 'tap'
import type { Page } from 'playwright-core'
import { loadDemoCentre } from '../../src/services/demo.ts'
import { assertAccessible, brokenLinks, startWeb, watchPageErrors } from './browser.ts'

async function submit(page: Page, button: string): Promise<number> {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST')
  await page.getByRole('button', { name: button, exact: true }).click()
  const status = (await answer).status()
  await page.waitForLoadState()
  return status
}

t.test('the analyst', async (t) => {
  const web = await startWeb(t)
  loadDemoCentre(web.db)
  const names = web.app.store.referrals.list().flatMap((r) => (r.participantName ? [r.participantName] : []))
  t.ok(names.length > 0, 'the demo centre has participant names to keep from the analyst')
  const { page } = await web.signedIn('analyst', { name: 'Anna Analytiker' })
  const errors = watchPageErrors(page)

  t.test('a replay: errors at their fields, then the figures side by side with the charts', async (t) => {
    await page.goto('/')
    await page.waitForURL('**/replay')
    await assertAccessible(t, page, 'replay form')

    // Own file chosen but none given, and no policy ticked.
    await page.getByRole('radio', { name: 'Egen fil (last opp under)' }).check()
    for (const box of await page.getByRole('checkbox').all()) await box.uncheck()
    t.equal(await submit(page, 'Kjør simulering'), 422, 'the form with errors answers 422')
    const summary = page.locator('#error-summary')
    t.match(await summary.textContent(), 'Velg minst én prioriteringsregel', 'the summary says a policy is missing')
    t.match(await summary.textContent(), 'Velg en scenariofil', 'and that the file is missing')
    t.equal(await page.getByLabel('Scenariofil (JSON)').getAttribute('aria-invalid'), 'true', 'the file field is marked invalid')
    t.match(await page.getByRole('group', { name: 'Prioriteringsregler som skal sammenlignes' }).textContent(), 'Velg minst én', 'the policies fieldset carries its message')
    await assertAccessible(t, page, 'replay form with errors')

    // A file that is not JSON.
    await page.getByLabel('Scenariofil (JSON)').setInputFiles({ name: 'scenario.json', mimeType: 'application/json', buffer: Buffer.from('{ not json') })
    await page.getByRole('checkbox', { name: 'Først til mølla' }).check()
    t.equal(await submit(page, 'Kjør simulering'), 422, 'a file that is not JSON is refused')
    t.match(await page.locator('#f-scenario-error').textContent(), 'ikke gyldig JSON', 'said at the file field')

    await page.getByRole('radio', { name: /demo/i }).first().check()
    await page.getByRole('checkbox', { name: 'Optimert (standard rekkefølge)' }).check()
    await page.getByRole('checkbox', { name: 'Først til mølla' }).check()
    t.equal(await submit(page, 'Kjør simulering'), 303, 'the replay starts')
    await page.waitForURL(/\/replay\/[^/]+$/)
    // While it runs the page says so in a live region, and htmx swaps the figures in when done.
    const running = await page.getByRole('status').first().textContent()
    t.match(running, /Simuleringen (kjører|er ferdig)/, 'a status region tells how the replay goes')
    if (/kjører/.test(running ?? '')) await assertAccessible(t, page, 'replay result (running)')
    await page.getByText('Simuleringen er ferdig.').waitFor({ timeout: 60_000 })
    const figures = page.getByRole('table').first()
    const head = await figures.getByRole('row').first().textContent()
    t.match(head, 'Optimert', 'the figures have a column for the optimised policy')
    t.match(head, 'Først til mølla', 'side by side with first come, first served')
    t.match(await figures.textContent(), 'Ordinære innen lovens frist', 'including the share within the deadline')
    const charts = page.getByRole('img')
    t.equal(await charts.count(), 3, 'three charts')
    for (const chart of await charts.all()) {
      t.ok(((await chart.getAttribute('alt')) ?? '').length > 10, 'each chart has a text alternative')
      t.ok(await chart.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), `the chart ${await chart.getAttribute('src')} loads`)
    }
    const text = (await page.content()).toLowerCase()
    for (const name of names) t.notOk(text.includes(name.toLowerCase()), `the replay page shows no participant name (${name.split(' ')[0]} …)`)
    await assertAccessible(t, page, 'replay result')
    t.same(await brokenLinks(page), [], 'no link on the result page answers 404')
  })

  t.test('the capacity view, and a bad date at its field', async (t) => {
    await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Kapasitet' }).click()
    await page.waitForURL('**/capacity')
    t.ok((await page.getByRole('table').getByRole('row').count()) > 1, 'the capacity table has weeks')
    await assertAccessible(t, page, 'capacity')
    const impossible = await page.goto('/capacity?from=32.13.2026')
    t.equal(impossible?.status(), 422, 'an impossible date (32.13.2026) is refused with 422')
    await page.goto('/capacity')
    await page.getByLabel('Fra').fill('1. mars')
    await page.getByRole('button', { name: 'Vis' }).click()
    await page.waitForURL('**/capacity?**')
    t.equal(await page.getByLabel('Fra').getAttribute('aria-invalid'), 'true', 'an impossible date is marked at its field')
    t.match(await page.locator('#error-summary').textContent(), 'dd.mm.åååå', 'and the summary says how to write it')
    await assertAccessible(t, page, 'capacity with errors')
    const text = (await page.content()).toLowerCase()
    for (const name of names) t.notOk(text.includes(name.toLowerCase()), 'the capacity page shows no participant name')
  })

  t.test('referrals are not the analyst’s to see', async (t) => {
    const id = web.app.store.referrals.list()[0]!.id
    for (const path of ['/referrals', `/referrals/${id}`, '/board', '/audit']) {
      const response = await page.goto(path)
      t.equal(response?.status(), 403, `${path} is 403 for an analyst`)
      const body = (await page.content()).toLowerCase()
      t.notOk(names.some((n) => body.includes(n.toLowerCase())), 'and shows no name')
    }
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Ingen tilgang', 'the 403 page says "Ingen tilgang"')
    t.same(errors, [], 'no script error or CSP refusal on any analyst page')
  })
})
