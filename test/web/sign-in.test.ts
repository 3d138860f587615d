// Sign-in as a person does it in a browser: the one-time link, e-mail and password, a wrong
// password, too many attempts, the session cookie, sign-out, the keyboard, and the language switch.
import t from 'tap'
import { assertAccessible, startWeb, watchPageErrors } from './browser.ts'

const PASSWORD = 'en lang setning som passord'

t.test('signing in and out in a browser', async (t) => {
  const web = await startWeb(t)

  t.test('the one-time link sets a password and ends signed in; the link then no longer works', async (t) => {
    const { user, token } = web.users.create({ email: 'kari@trondheim.kommune.no', name: 'Kari Rådgiver', role: 'municipality', municipality: '5001' })
    const { page, context } = await web.anonymous()
    const errors = watchPageErrors(page)
    await page.goto(`/login/${token}`)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Velg passord', 'the link opens the set-password page')
    t.match(await page.locator('main').textContent(), user.email, 'the page names the account')
    await assertAccessible(t, page, 'set password')

    // Too short, then two different passwords: each says what is wrong, next to its field.
    await page.getByLabel('Nytt passord').fill('kort')
    await page.getByLabel('Gjenta passordet').fill('kort')
    await page.getByRole('button', { name: 'Lagre passord og logg inn' }).click()
    t.equal(await page.getByLabel('Nytt passord').getAttribute('aria-invalid'), 'true', 'a short password marks its field invalid')
    t.match(await page.locator('#f-password-error').textContent(), 'minst 12 tegn', 'and says how long it must be')
    t.match(await page.locator('#error-summary').textContent(), 'minst 12 tegn', 'the error summary repeats it')
    await assertAccessible(t, page, 'set password with errors')
    await page.getByLabel('Nytt passord').fill(PASSWORD)
    await page.getByLabel('Gjenta passordet').fill(`${PASSWORD}!`)
    await page.getByRole('button', { name: 'Lagre passord og logg inn' }).click()
    t.match(await page.locator('#f-confirm-error').textContent(), 'ikke like', 'two different passwords are refused at the second field')
    t.equal(web.users.findByEmail(user.email)?.hasPassword, false, 'no password is stored while the form has errors')

    await page.getByLabel('Nytt passord').fill(PASSWORD)
    await page.getByLabel('Gjenta passordet').fill(PASSWORD)
    await page.getByRole('button', { name: 'Lagre passord og logg inn' }).click()
    await page.waitForURL('**/referrals')
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'signed in: "Logg ut" is visible')
    t.match(await page.locator('header').textContent(), 'Kari Rådgiver', 'the header names the person')
    t.equal(web.users.findByEmail(user.email)?.hasPassword, true, 'the password is stored')

    const session = (await context.cookies()).find((c) => c.name === 'tl_session')
    t.ok(session, 'a session cookie is set')
    t.equal(session?.httpOnly, true, 'the session cookie is HttpOnly')
    t.equal(session?.sameSite, 'Lax', 'the session cookie is SameSite=Lax')
    t.notMatch(await page.evaluate(() => document.cookie), 'tl_session', 'scripts on the page cannot read the session cookie')

    // The same link a second time, even signed out: it has been used.
    const other = await web.anonymous()
    const response = await other.page.goto(`/login/${token}`)
    t.equal(response?.status(), 410, 'a used link answers 410 Gone')
    t.equal(await other.page.getByRole('heading', { level: 1 }).textContent(), 'Lenken virker ikke lenger', 'and says the link no longer works')
    t.equal(await other.page.getByLabel('Nytt passord').count(), 0, 'with no password field')
    await assertAccessible(t, other.page, 'expired link')
    t.same(errors, [], 'no script error or CSP refusal on these pages')
  })

  t.test('e-mail and password at /login; a wrong password; sign-out', async (t) => {
    const { user, token } = web.users.create({ email: 'ola@example.no', role: 'coordinator', name: 'Ola Koordinator' })
    await web.users.setPasswordWithToken(token, PASSWORD)
    const { page, context } = await web.anonymous()

    // Anonymous visitors see the sign-in page.
    await page.goto('/')
    t.match(new URL(page.url()).pathname, /^\/login$/, 'the start page sends an anonymous visitor to /login')
    // Where Inter is not installed, the text must still be in a sans-serif face, not the browser's default serif.
    t.match(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontFamily), /sans-serif$/, 'the font falls back to sans-serif')
    await assertAccessible(t, page, 'login')

    await page.getByLabel('E-post').fill(user.email)
    await page.getByLabel('Passord').fill('ikke passordet mitt')
    const wrong = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Logg inn' }).click()
    t.equal((await wrong).status(), 401, 'a wrong password answers 401')
    t.equal(new URL(page.url()).pathname, '/login', 'still on /login')
    t.match(await page.locator('#f-password-error').textContent(), 'E-postadressen eller passordet er feil', 'the message stands next to the password field')
    t.equal(await page.getByLabel('E-post').inputValue(), user.email, 'the e-mail address is kept')
    t.equal(await page.getByLabel('Passord').inputValue(), '', 'the password is not sent back')
    t.notOk((await context.cookies()).some((c) => c.name === 'tl_session'), 'no session cookie after a wrong password')
    await assertAccessible(t, page, 'login with errors')

    // An empty form says what is missing for each field.
    await page.getByLabel('E-post').fill('')
    await page.getByRole('button', { name: 'Logg inn' }).click()
    t.match(await page.locator('#error-summary').textContent(), 'Skriv e-postadressen din', 'an empty e-mail is named in the summary')
    await page.locator('#error-summary').getByRole('link', { name: 'Skriv e-postadressen din.' }).click()
    t.equal(await page.evaluate(() => document.activeElement?.id), 'f-email', "the summary's link moves the focus to its field")

    await page.getByLabel('E-post').fill(user.email)
    await page.getByLabel('Passord').fill(PASSWORD)
    await page.getByRole('button', { name: 'Logg inn' }).click()
    await page.waitForURL('**/board')
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'the coordinator is signed in, on the week board')

    await page.getByRole('button', { name: 'Logg ut' }).click()
    await page.waitForURL('**/login')
    t.notOk((await context.cookies()).some((c) => c.name === 'tl_session'), 'signing out clears the cookie')
    await page.goto('/board')
    t.equal(new URL(page.url()).pathname, '/login', 'after sign-out a page asks for sign-in again')
    t.equal(await page.getByRole('button', { name: 'Logg ut' }).count(), 0, 'and shows no "Logg ut"')
  })

  t.test('a stolen cookie is worthless after sign-out', async (t) => {
    const { page, context } = await web.signedIn('analyst')
    await page.goto('/replay')
    const cookie = (await context.cookies()).find((c) => c.name === 'tl_session')!
    await page.getByRole('button', { name: 'Logg ut' }).click()
    await page.waitForURL('**/login')
    await context.addCookies([cookie])
    await page.goto('/replay')
    t.equal(new URL(page.url()).pathname, '/login', 'the old session token no longer signs anyone in')
  })

  t.test('twenty wrong passwords end in "For mange forsøk"', async (t) => {
    const { user, token } = web.users.create({ email: 'guess@example.no', role: 'analyst' })
    await web.users.setPasswordWithToken(token, PASSWORD)
    const { page } = await web.anonymous()
    await page.goto('/login')
    // Nineteen wrong guesses posted as the form posts them (with its token), the twentieth typed.
    const csrf = await page.locator('input[name="_csrf"]').inputValue()
    const statuses: number[] = []
    for (let i = 0; i < 19; i++) statuses.push((await page.request.post('/login', { form: { _csrf: csrf, email: user.email, password: `feil ${i}`, next: '/' }, maxRedirects: 0 })).status())
    t.ok(statuses.slice(0, 5).every((s) => s === 401), 'the first attempts are plain wrong passwords (401)')
    await page.getByLabel('E-post').fill(user.email)
    await page.getByLabel('Passord').fill('feil 19')
    const twentieth = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Logg inn' }).click()
    t.equal((await twentieth).status(), 429, 'the twentieth attempt is refused with 429')
    t.match(await page.getByRole('main').textContent(), /For mange forsøk/i, 'and the page says "For mange forsøk"')
    await page.goto('/login')
    await page.getByLabel('E-post').fill(user.email)
    await page.getByLabel('Passord').fill(PASSWORD)
    const last = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Logg inn' }).click()
    t.equal((await last).status(), 429, 'even the right password is refused while the account is locked out')
    t.match(await page.locator('main').textContent(), /For mange forsøk/i, 'the page says "For mange forsøk"')
    t.equal(await page.getByRole('button', { name: 'Logg ut' }).count(), 0, 'and nobody is signed in')
    await assertAccessible(t, page, 'too many attempts (429)')
  })

  t.test('sign-in with the keyboard alone: Tab to a field, type, Enter submits', async (t) => {
    const { user, token } = web.users.create({ email: 'tastatur@example.no', role: 'municipality', municipality: '5035' })
    await web.users.setPasswordWithToken(token, PASSWORD)
    const { page } = await web.anonymous()
    await page.goto('/login')
    // The first Tab reaches the skip link, which takes the focus to the main content.
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Hopp til hovedinnholdet', 'the first Tab stop is the skip link')
    let reached = false
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(() => document.activeElement?.id === 'f-email')
    }
    t.ok(reached, 'Tab reaches the e-mail field')
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle + getComputedStyle(document.activeElement!).boxShadow)
    t.notSame(outline, 'nonenone', 'the focused field shows visible focus')
    await page.keyboard.type(user.email)
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.id), 'f-password', 'the next Tab is the password field')
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL('**/referrals')
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'Enter submitted the form and signed in')
  })

  t.test('the language switch: English on choice, remembered, <html lang> follows', async (t) => {
    const { page, context } = await web.anonymous()
    await page.goto('/login')
    t.equal(await page.locator('html').getAttribute('lang'), 'nb', 'bokmål by default')
    await page.getByRole('link', { name: 'English' }).click()
    await page.waitForURL('**/login')
    t.equal(await page.locator('html').getAttribute('lang'), 'en', '<html lang="en"> after choosing English')
    t.ok(await page.getByLabel('Email').isVisible(), 'the e-mail field is labelled "Email"')
    t.ok(await page.getByLabel('Password').isVisible(), 'the password field is labelled "Password"')
    await assertAccessible(t, page, 'login in English')

    // A new page load, and a page opened later, keep the choice.
    await page.reload()
    t.equal(await page.locator('html').getAttribute('lang'), 'en', 'still English after a reload')
    const { token } = web.users.create({ email: 'english@example.no', role: 'analyst' })
    await page.goto(`/login/${token}`)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Choose a password', 'the set-password page is in English too')
    await page.getByLabel('New password').fill(PASSWORD)
    await page.getByLabel('Repeat the password').fill(PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL('**/replay')
    t.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible(), 'signed in in English: "Sign out"')
    t.equal((await context.cookies()).find((c) => c.name === 'tl_lang')?.value, 'en', 'the choice is kept in a cookie')

    await page.getByRole('link', { name: 'Norsk' }).click()
    await page.waitForURL('**/replay')
    t.equal(await page.locator('html').getAttribute('lang'), 'nb', 'back to bokmål with "Norsk"')
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'and the page is Norwegian again')
    await page.goto('/capacity')
    t.equal(await page.locator('html').getAttribute('lang'), 'nb', 'and stays Norwegian on the next page')
  })

  t.test('an address that does not exist gets a page, not JSON', async (t) => {
    const { context, page } = await web.signedIn('coordinator')
    const response = await page.goto('/henvisninger')
    t.equal(response?.status(), 404, 'an unknown address is 404')
    t.match(response?.headers()['content-type'], /^text\/html/, 'answered with the 404 page in HTML')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Fant ikke siden', 'the page says in Norwegian that it does not exist')
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'inside the layout, with the signed-in menu')
    await assertAccessible(t, page, 'the 404 page')
    await context.addCookies([{ name: 'tl_lang', value: 'en', url: web.base }])
    await page.goto('/henvisninger')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page not found', 'and in English for a person who chose English')
  })

  t.test('a form posted without its CSRF token is refused', async (t) => {
    const { user, token } = web.users.create({ email: 'csrf@example.no', role: 'analyst' })
    const { page } = await web.anonymous()
    await page.goto(`/login/${token}`)
    await page.locator('input[name="_csrf"]').evaluate((el) => el.remove())
    await page.getByLabel('Nytt passord').fill(PASSWORD)
    await page.getByLabel('Gjenta passordet').fill(PASSWORD)
    const answer = page.waitForResponse((r) => r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Lagre passord og logg inn' }).click()
    const status = (await answer).status()
    t.ok(status >= 400 && status < 500, `a post without _csrf gets a 4xx (${status})`)
    t.equal(web.users.findByEmail(user.email)?.hasPassword, false, 'no password was set')
    t.ok(web.users.tokenUser(token), 'the link is not spent')
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Skjemaet er utløpt', 'the page explains the refused form')
  })
})
