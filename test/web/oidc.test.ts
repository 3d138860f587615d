// Sign-in through an OpenID Connect provider, for real: oidc-provider on a free port with tildeling
// registered as a client, its own login and consent pages driven in Chromium, the code flow with
// PKCE, state and nonce between them. The provider vouches for the e-mail address typed as the
// login name; the tildeling account with that address decides the role.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { chromium, type Page } from 'playwright-core'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { readConfig, type OidcConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/store/db.ts'
import { createUserRepository } from '../../src/store/user-repository.ts'
import { SIGN_IN_ATTEMPTS } from '../../src/web/routes/auth.tsx'
import { TEST_SECRET } from '../helpers/build.ts'
import { assertAccessible, CHROMIUM_ARGS, watchPageErrors } from './browser.ts'

const CLIENT_SECRET = 'a-client-secret-for-the-test-provider'
const PROVIDER_NAME = 'Testleverandør'

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** A port free now, for the app: its address must be known before it is built (the redirect URI). */
async function freePort(): Promise<number> {
  const probe = createServer()
  const port = await listening(probe)
  await new Promise((resolve) => probe.close(resolve))
  return port
}

t.test('signing in with an OpenID Connect provider', async (t) => {
  // The provider: its login name is the e-mail it vouches for; one starting "unverified" is not verified.
  const providerServer = createServer()
  const issuer = `http://127.0.0.1:${await listening(providerServer)}`
  const appPort = await freePort()
  const base = `http://127.0.0.1:${appPort}`
  const oidc: OidcConfig = { issuer, clientId: 'tildeling', clientSecret: CLIENT_SECRET, name: PROVIDER_NAME, redirectUri: `${base}/login/oidc/callback` }
  const provider = new Provider(issuer, {
    clients: [{ client_id: oidc.clientId, client_secret: CLIENT_SECRET, redirect_uris: [oidc.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // A role claim from the provider, to show it counts for nothing: tildeling's own role decides.
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified'), role: 'coordinator' }) }),
    cookies: { keys: ['test-provider-cookie-key'] },
  })
  providerServer.on('request', provider.callback())

  const db = openDatabase(':memory:')
  const app = await buildApp({ db, secret: TEST_SECRET, publicUrl: base, oidc })
  await app.listen({ host: '127.0.0.1', port: appPort })
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS })
  t.teardown(async () => {
    await browser.close()
    await app.close()
    db.close()
    await new Promise((resolve) => providerServer.close(resolve))
  })
  const users = createUserRepository(db)

  async function anonymous() {
    const context = await browser.newContext({ baseURL: base, locale: 'nb-NO', timezoneId: 'Europe/Oslo' })
    context.setDefaultTimeout(10_000)
    // The provider's dev pages import a web font; nothing leaves this machine.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort())
    return { context, page: await context.newPage() }
  }

  /** From the sign-in page through the provider's login and consent, as a person clicks it. */
  async function throughProvider(page: Page, login: string) {
    await page.goto('/login')
    await page.getByRole('link', { name: `Logg inn med ${PROVIDER_NAME}` }).click()
    await atProvider(page, login)
  }

  /** The provider's own pages: any password, then consent. */
  async function atProvider(page: Page, login: string) {
    await page.waitForURL(`${issuer}/**`)
    await page.locator('input[name="login"]').fill(login)
    await page.locator('input[name="password"]').fill('anything')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
  }

  const hasSession = async (context: import('playwright-core').BrowserContext) => (await context.cookies()).some((c) => c.name === 'tl_session')

  t.test('the sign-in page offers the provider next to the password form', async (t) => {
    const { page } = await anonymous()
    const errors = watchPageErrors(page)
    await page.goto('/login')
    t.ok(await page.getByRole('link', { name: `Logg inn med ${PROVIDER_NAME}` }).isVisible(), `a "Logg inn med ${PROVIDER_NAME}" link`)
    t.ok(await page.getByLabel('E-post').isVisible(), 'and the e-mail field of password sign-in')
    t.ok(await page.getByLabel('Passord').isVisible(), 'and the password field')
    await assertAccessible(t, page, 'login with a provider')
    t.same(errors, [], 'no script error or CSP refusal')
  })

  t.test("a known e-mail signs in with tildeling's role, not the provider's", async (t) => {
    users.create({ email: 'kari.radgiver@example.no', role: 'municipality', municipality: '5001', name: 'Kari Rådgiver' })
    const { context, page } = await anonymous()
    // The provider spells the address its own way; addresses match whatever their case.
    await throughProvider(page, 'Kari.Radgiver@Example.no')
    await page.waitForURL(`${base}/referrals`)
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), "signed in, on the referral list: the municipality's start page")
    t.match(await page.locator('header').textContent(), 'Kari Rådgiver', 'the header names the account')
    const session = (await context.cookies()).find((c) => c.name === 'tl_session')
    t.equal(session?.httpOnly, true, 'the same HttpOnly session cookie as password sign-in')
    t.equal(session?.sameSite, 'Lax', 'SameSite=Lax')
    t.notOk((await context.cookies()).some((c) => c.name === 'tl_oidc'), 'the sign-in state cookie is gone once used')
    const form = await page.goto('/referrals/new')
    t.equal(form?.status(), 200, "an advisor's page opens")
    const board = await page.goto('/board')
    t.equal(board?.status(), 403, "the coordinator's week board does not, whatever role the provider's token claims")
  })

  t.test('an e-mail with no account is refused on the sign-in page, with no session', async (t) => {
    const { context, page } = await anonymous()
    const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/login/oidc/callback`))
    await throughProvider(page, 'ukjent@example.no')
    t.equal((await callback).status(), 403, 'the callback answers 403')
    t.match(await page.getByRole('alert').textContent(), 'Det finnes ingen aktiv konto i tildeling for ukjent@example.no', 'the page says no account has that address')
    t.ok(await page.getByLabel('E-post').isVisible(), 'on the sign-in page, where password sign-in is still offered')
    t.notOk(await hasSession(context), 'no session cookie')
    await assertAccessible(t, page, 'login after a refused provider sign-in')
    await page.getByRole('link', { name: 'English' }).click()
    await page.waitForURL(`${base}/login`)
    t.equal(await page.getByRole('link', { name: `Sign in with ${PROVIDER_NAME}` }).count(), 1, 'the language switch leads to the sign-in page in English')
    await page.getByRole('link', { name: 'Norsk' }).click()
    const board = await page.goto('/board')
    t.equal(new URL(page.url()).pathname, '/login', 'a page still asks for sign-in')
    t.equal(board?.status(), 200, '(the sign-in page)')
  })

  t.test('a disabled account is refused like an unknown one', async (t) => {
    users.create({ email: 'sluttet@example.no', role: 'analyst' })
    users.disable('sluttet@example.no')
    const { context, page } = await anonymous()
    await throughProvider(page, 'sluttet@example.no')
    await page.waitForURL(`${base}/login/oidc/callback**`)
    t.match(await page.getByRole('alert').textContent(), 'Det finnes ingen aktiv konto i tildeling for sluttet@example.no', 'the page says there is no active account')
    t.notOk(await hasSession(context), 'no session cookie')
  })

  t.test('an address the provider has not verified signs no one in', async (t) => {
    users.create({ email: 'unverified@example.no', role: 'coordinator' })
    const { context, page } = await anonymous()
    await throughProvider(page, 'unverified@example.no')
    await page.waitForURL(`${base}/login/oidc/callback**`)
    t.match(await page.getByRole('alert').textContent(), 'har ikke bekreftet e-postadressen din', 'the page says the address is not verified')
    t.notOk(await hasSession(context), 'no session cookie')
  })

  t.test('a callback whose state was tampered with is refused', async (t) => {
    users.create({ email: 'rita.radgiver@example.no', role: 'municipality', municipality: '5001' })
    const { context, page } = await anonymous()
    // The flow starts as the link starts it (its state cookie set), but the provider is asked with
    // another state, as when someone else's sign-in answer is slipped into this browser.
    const start = await page.request.get('/login/oidc', { maxRedirects: 0 })
    t.equal(start.status(), 303, 'the sign-in starts with a redirect to the provider')
    const authorize = new URL(start.headers().location!)
    t.equal(authorize.searchParams.get('code_challenge_method'), 'S256', 'asking for the code with PKCE')
    t.ok(authorize.searchParams.get('nonce'), 'and a nonce')
    authorize.searchParams.set('state', 'someone-elses-state')
    const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/login/oidc/callback`))
    await page.goto(authorize.href)
    await atProvider(page, 'rita.radgiver@example.no')
    t.match((await callback).url(), 'state=someone-elses-state', 'the provider answered with the other state')
    t.equal((await callback).status(), 400, 'the callback answers 400')
    t.match(await page.getByRole('alert').textContent(), `Innloggingen med ${PROVIDER_NAME} ble ikke fullført`, 'the page says the sign-in was not completed')
    t.notOk(await hasSession(context), 'no session cookie')
    // The state cookie went with that try: the same answer again finds no sign-in under way.
    await page.goto((await callback).url())
    t.match(await page.getByRole('alert').textContent(), 'Innloggingen tok for lang tid eller ble startet i en annen nettleser', 'a second try with the answer is refused too')
    t.notOk(await hasSession(context), 'still no session cookie')
  })

  t.test('cancelling at the provider comes back to the sign-in page, signed out', async (t) => {
    const { context, page } = await anonymous()
    await page.goto('/login')
    await page.getByRole('link', { name: `Logg inn med ${PROVIDER_NAME}` }).click()
    await page.waitForURL(`${issuer}/**`)
    await page.getByRole('link', { name: '[ Cancel ]' }).click()
    await page.waitForURL(`${base}/login/oidc/callback**`)
    t.match(await page.getByRole('alert').textContent(), `Innloggingen med ${PROVIDER_NAME} ble ikke fullført`, 'the page says the sign-in was not completed')
    t.notOk(await hasSession(context), 'no session cookie')
  })

  t.test('a person sent to sign in comes back to the page they asked for', async (t) => {
    users.create({ email: 'ola.koordinator@example.no', role: 'coordinator' })
    const { page } = await anonymous()
    await page.goto('/counsellors')
    t.match(page.url(), /\/login\?next=%2Fcounsellors$/, 'an anonymous visit goes to the sign-in page')
    await page.getByRole('link', { name: `Logg inn med ${PROVIDER_NAME}` }).click()
    await atProvider(page, 'ola.koordinator@example.no')
    await page.waitForURL(`${base}/counsellors`)
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'signed in, on the page asked for')
  })

  t.test('password sign-in still works beside the provider', async (t) => {
    const { token } = users.create({ email: 'passord@example.no', role: 'analyst' })
    await users.setPasswordWithToken(token, 'en lang setning som passord')
    const { page } = await anonymous()
    await page.goto('/login')
    await page.getByLabel('E-post').fill('passord@example.no')
    await page.getByLabel('Passord').fill('en lang setning som passord')
    await page.getByRole('button', { name: 'Logg inn', exact: true }).click()
    await page.waitForURL(`${base}/replay`)
    t.ok(await page.getByRole('button', { name: 'Logg ut' }).isVisible(), 'signed in with the password')
  })

  t.test('wrong passwords are still limited with the provider on', async (t) => {
    users.create({ email: 'gjetter@example.no', role: 'analyst' })
    const { page } = await anonymous()
    await page.goto('/login')
    const form = { _csrf: await page.locator('input[name="_csrf"]').inputValue(), email: 'gjetter@example.no', password: 'ikke passordet' }
    const statuses: number[] = []
    for (let i = 0; i <= SIGN_IN_ATTEMPTS; i++) statuses.push((await page.request.post('/login', { form })).status())
    t.same(statuses.slice(0, SIGN_IN_ATTEMPTS), Array(SIGN_IN_ATTEMPTS).fill(401), `${SIGN_IN_ATTEMPTS} wrong passwords are each 401`)
    t.equal(statuses.at(-1), 429, 'the next is 429')
  })
})

t.test('a provider that cannot be reached: the sign-in page says so, password sign-in stays', async (t) => {
  const db = openDatabase(':memory:')
  const closed = await freePort()
  const app = await buildApp({
    db,
    secret: TEST_SECRET,
    oidc: { issuer: `http://127.0.0.1:${closed}`, clientId: 'x', clientSecret: 'y', name: PROVIDER_NAME, redirectUri: 'http://127.0.0.1:3000/login/oidc/callback' },
  })
  t.teardown(async () => {
    await app.close()
    db.close()
  })
  const res = await app.inject({ method: 'GET', url: '/login/oidc' })
  t.equal(res.statusCode, 503, 'starting the sign-in answers 503')
  t.match(res.body, `Innlogging med ${PROVIDER_NAME} virker ikke akkurat nå`, 'the page says the provider sign-in does not work now')
  t.match(res.body, 'name="password"', 'and still offers the password form')
})

t.test('without the settings there is no provider sign-in', async (t) => {
  const db = openDatabase(':memory:')
  const app = await buildApp({ db, secret: TEST_SECRET })
  t.teardown(async () => {
    await app.close()
    db.close()
  })
  const login = await app.inject({ method: 'GET', url: '/login' })
  t.notMatch(login.body, '/login/oidc', 'the sign-in page offers no provider')
  const start = await app.inject({ method: 'GET', url: '/login/oidc' })
  t.not(start.statusCode, 303, 'and /login/oidc sends no one to a provider')
  t.notOk(start.cookies.some((c) => c.name === 'tl_oidc'), 'nor starts a sign-in')
})

t.test('the settings: all three or none, https, the redirect URI from TILDELING_PUBLIC_URL', async (t) => {
  const env = { TILDELING_OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0', TILDELING_OIDC_CLIENT_ID: 'tildeling', TILDELING_OIDC_CLIENT_SECRET: 's3cret', TILDELING_PUBLIC_URL: 'https://tildeling.example.no/' }
  t.same(
    readConfig(env).oidc,
    { issuer: env.TILDELING_OIDC_ISSUER, clientId: 'tildeling', clientSecret: 's3cret', name: 'login.microsoftonline.com', redirectUri: 'https://tildeling.example.no/login/oidc/callback' },
    'the redirect URI is the public address plus /login/oidc/callback; the button names the host unless TILDELING_OIDC_NAME is set',
  )
  t.equal(readConfig({ ...env, TILDELING_OIDC_NAME: 'Entra ID' }).oidc?.name, 'Entra ID', 'TILDELING_OIDC_NAME names the provider')
  t.equal(readConfig({}).oidc, undefined, 'none of them: no provider sign-in')
  t.throws(() => readConfig({ ...env, TILDELING_OIDC_CLIENT_SECRET: '' }), { message: /missing TILDELING_OIDC_CLIENT_SECRET/ }, 'a missing one stops the start, named')
  t.throws(() => readConfig({ ...env, TILDELING_OIDC_ISSUER: 'http://idp.example.no' }), { message: /must be an https URL/ }, 'a plain-http provider elsewhere is refused')
  t.equal(readConfig({ ...env, TILDELING_OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer, 'http://127.0.0.1:4000/', 'plain http on this machine is allowed (a test provider)')
})
