// The main tasks with the keyboard alone (WCAG 2.1.1): Tab moves between controls, each shows
// where the focus is (2.4.7), Space ticks, the arrow keys choose in a radio group, Enter follows and submits.
// The advisor refers a participant; the coordinator proposes and books from the menu.
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { addDays } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'
import { loadDemoCentre } from '../../src/services/demo.ts'
import { showDateInput } from '../../src/web/forms.ts'
import { startWeb } from './browser.ts'

/** What has the focus: its accessible-ish name (label, text or value) and whether its focus can be seen. */
async function focused(page: Page): Promise<{ name: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return { name: '', visible: false }
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null
    // The ring is on the control, or for a radio or checkbox on its field (Designsystemet); the skip link shows by appearing.
    const ringed = [el, el.closest('.ds-field')].some((x) => {
      if (!x) return false
      const style = getComputedStyle(x)
      return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none'
    })
    const visible = ringed || (el.classList.contains('ds-skip-link') && el.getBoundingClientRect().width > 1)
    const name = (label ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ')
    return { name: name || `<${el.tagName.toLowerCase()} ${el.className}>`, visible }
  })
}

/** Tab forward until the focus is on a control whose name starts with `name`; every stop on the way must show its focus. */
async function tabTo(t: Test, page: Page, name: string | RegExp, max = 80): Promise<void> {
  const hidden: string[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const f = await focused(page)
    if (!f.visible) hidden.push(f.name)
    if (typeof name === 'string' ? f.name.startsWith(name) : name.test(f.name)) {
      t.same(hidden, [], `Tab reaches "${f.name}", and every stop on the way shows its focus`)
      return
    }
  }
  t.fail(`Tab never reached ${String(name)} in ${max} presses`)
}

t.test('the main tasks with the keyboard alone', async (t) => {
  const web = await startWeb(t)

  t.test('an advisor refers a participant: Tab through the form, type, arrows, Space, Enter', async (t) => {
    const { page } = await web.signedIn('municipality', { municipality: '5001', email: 'tast@kommune.no' })
    await page.goto('/referrals')
    await tabTo(t, page, 'Ny henvisning')
    await page.keyboard.press('Enter')
    await page.waitForURL('**/referrals/new')
    await tabTo(t, page, 'Saksnummer')
    await page.keyboard.type('TAST-1')
    await tabTo(t, page, 'Navn på deltaker')
    await page.keyboard.type('Tastatur Testperson')
    await tabTo(t, page, 'Språk')
    await page.keyboard.type('arabisk')
    await tabTo(t, page, /^Ordinær/)
    // A radio group is one Tab stop: the arrows move within it and choose; Space chooses the first.
    await page.keyboard.press('ArrowDown')
    t.ok(await page.getByRole('radio', { name: /Ukrainsk/ }).isChecked(), 'the arrow key moves to and chooses the next track')
    await page.keyboard.press('ArrowUp')
    t.ok(await page.getByRole('radio', { name: /Ordinær/ }).isChecked(), 'and back')
    await tabTo(t, page, 'Bosettingsdato')
    await page.keyboard.type(showDateInput(addDays(todayInOslo(), -20)))
    await tabTo(t, page, 'Kompetansekartlegging er gjort i IMDi-nett')
    await page.keyboard.press('Space')
    t.ok(await page.getByLabel('Kompetansekartlegging er gjort i IMDi-nett').isChecked(), 'Space ticks the box')
    await tabTo(t, page, 'Send henvisning')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/referrals\/[0-9a-f-]{36}\?notice=created$/)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Henvisning TAST-1', 'the referral is sent and shown')
    t.equal(web.app.store.referrals.list().filter((r) => r.externalRef === 'TAST-1').length, 1, 'and stored once')
  })

  t.test('the coordinator proposes and books from the menu: Tab, Enter', async (t) => {
    loadDemoCentre(web.db)
    const { page } = await web.signedIn('coordinator')
    await page.goto('/board')
    await tabTo(t, page, 'Tildeling')
    await page.keyboard.press('Enter')
    await page.waitForURL('**/allocations')
    await tabTo(t, page, 'Lag forslag')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/allocations\/[^/]+$/)
    const booked = () => (web.db.prepare("SELECT count(*) AS n FROM sessions WHERE status = 'booked'").get() as { n: number }).n
    t.equal(booked(), 0, 'proposing books nothing')
    await tabTo(t, page, 'Bekreft')
    await page.keyboard.press('Enter')
    await page.waitForLoadState()
    await page.waitForFunction(() => !document.querySelector('button.ds-button[data-variant="primary"]')?.textContent?.includes('Bekreft'))
    t.ok(booked() > 0, `"Bekreft" by Enter booked the proposal (${booked()} sessions)`)
  })
})
