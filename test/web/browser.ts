// The browser tests' harness: the real app on a fresh database, listening on 127.0.0.1, and one
// real Chromium per test file (Debian's package; Playwright cannot download one here).
// The named export: its types are the CommonJS build's, where the default import is the module.
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Test } from 'tap'
import type { Role } from '../../src/auth/caller.ts'
import { buildApp, type TildelingApp } from '../../src/app.ts'
import { openDatabase, type Db } from '../../src/store/db.ts'
import { createUserRepository, type User, type UserRepository } from '../../src/store/user-repository.ts'
import { TEST_SECRET } from '../helpers/build.ts'

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

export type Web = {
  readonly app: TildelingApp
  readonly db: Db
  readonly users: UserRepository
  /** http://127.0.0.1:<port> */
  readonly base: string
  readonly browser: Browser
  /** A fresh browser context (its own cookies) with one page, closed with the browser. */
  anonymous(): Promise<{ context: BrowserContext; page: Page }>
  /** A new account of the role, already signed in (a session cookie set as sign-in sets it). */
  signedIn(role: Role, opts?: { municipality?: string; email?: string; name?: string }): Promise<{ context: BrowserContext; page: Page; user: User }>
}

let accounts = 0

/** Start the app and a browser for one test file; both are closed when the file's test ends. */
export async function startWeb(t: Test): Promise<Web> {
  const db = openDatabase(':memory:')
  const app = await buildApp({ db, secret: TEST_SECRET })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the app listens on no TCP port')
  const base = `http://127.0.0.1:${address.port}`
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS })
  t.teardown(async () => {
    await browser.close()
    await app.close()
    db.close()
  })
  const users = createUserRepository(db)

  async function anonymous() {
    const context = await browser.newContext({ baseURL: base, locale: 'nb-NO', timezoneId: 'Europe/Oslo' })
    // A failing step should fail in seconds, not at tap's file timeout.
    context.setDefaultTimeout(10_000)
    return { context, page: await context.newPage() }
  }

  async function signedIn(role: Role, opts: { municipality?: string; email?: string; name?: string } = {}) {
    const municipality = role === 'municipality' ? (opts.municipality ?? '5001') : undefined
    const email = opts.email ?? `${role}-${++accounts}@example.no`
    const { user } = users.create({ email, role, municipality, name: opts.name ?? `Test ${role}` })
    const { context, page } = await anonymous()
    await context.addCookies([{ name: 'tl_session', value: users.startSession(user.id), url: base, httpOnly: true, sameSite: 'Lax' }])
    return { context, page, user }
  }

  return { app, db, users, base, browser, anonymous, signedIn }
}

/** axe's WCAG 2.1 A and AA rules on the page as it stands; each violation as "rule: target (summary)". */
export async function axeViolations(page: Page): Promise<string[]> {
  // Legacy mode runs axe in the page itself; the default opens a second blank page per run to
  // merge frame results, which these pages (no iframes) do not need and which costs seconds.
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).setLegacyMode(true).analyze()
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n').slice(1).join(' ').trim() ?? v.help})`))
}

/**
 * The page's width at a 320 px wide window (WCAG 1.4.10 reflow: no scrolling in two directions),
 * with the innermost elements that stick out past it, so a failure says what to fix.
 */
export async function widthAt320(page: Page): Promise<{ width: number; overflowing: string[] }> {
  const before = page.viewportSize()
  await page.setViewportSize({ width: 320, height: 640 })
  // No named functions inside: tsx would wrap them in a helper (__name) the page does not have.
  const result = await page.evaluate(() => {
    const width = document.documentElement.scrollWidth
    const wide = Array.from(document.body.querySelectorAll('*')).filter((el) => el.getBoundingClientRect().right > 320.5)
    // Only the innermost: an element whose child also sticks out is not the cause itself.
    const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)))
    return { width, overflowing: innermost.slice(0, 5).map(
        (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`,
      ) }
  })
  if (before) await page.setViewportSize(before)
  return result
}

/**
 * What every page owes a person, asserted with the page named: axe finds no WCAG 2.1 A/AA
 * violation, the page reflows into 320 px, and the language switch is there, offering the other
 * language than `<html lang>`.
 */
export async function assertAccessible(t: Test, page: Page, name: string): Promise<void> {
  const where = `${name} (${new URL(page.url()).pathname})`
  t.same(await axeViolations(page), [], `axe: no WCAG 2.1 A/AA violation on ${where}`)
  const reflow = await widthAt320(page)
  t.ok(reflow.width <= 320, `${where} fits a 320 px wide window without sideways scrolling`, { width: reflow.width, overflowing: reflow.overflowing })
  const lang = await page.locator('html').getAttribute('lang')
  t.equal(await page.getByRole('banner').getByRole('link', { name: lang === 'en' ? 'Norsk' : 'English', exact: true }).count(), 1, `${where} has the language switch`)
}

/** Errors a person would see as a broken page: blocked by the CSP, or a script that threw. */
export function watchPageErrors(page: Page): string[] {
  const seen: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) seen.push(msg.text())
  })
  page.on('pageerror', (err) => seen.push(err.message))
  return seen
}

/**
 * Same-site links on the page that lead nowhere (404): a person following them finds no page.
 * Sign-out and the language switch are left out, since following them changes the session.
 */
export async function brokenLinks(page: Page, checked = new Set<string>()): Promise<string[]> {
  const hrefs = await page.locator('a[href^="/"]').evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute('href') ?? ''))])
  const broken: string[] = []
  // `checked` carries the links already followed from other pages (the menu repeats on each).
  for (const href of hrefs.filter((h) => !/^\/(logout|lang\/)/.test(h) && !checked.has(h))) {
    checked.add(href)
    const response = await page.request.get(href, { maxRedirects: 0 })
    if (response.status() === 404) broken.push(href)
  }
  return broken
}
