import * as client from 'openid-client'
import { isLoopback, type OidcConfig } from '../config.ts'

/** What one sign-in must bring back: kept in a short-lived cookie between the redirect and the callback. */
export type OidcFlow = { readonly state: string; readonly nonce: string; readonly verifier: string; readonly next: string }

/** Why the provider's answer does not sign anyone in (each has its sentence on the sign-in page). */
export class OidcRefusal extends Error {
  override name = 'OidcRefusal'
  constructor(readonly reason: 'noEmail' | 'unverified') {
    super(reason === 'noEmail' ? 'the provider gave no email claim' : 'the provider says the e-mail address is not verified')
  }
}

export type Oidc = ReturnType<typeof createOidc>

/**
 * Sign-in through an OpenID Connect provider: the authorization code flow with PKCE, state and
 * nonce (openid-client). The provider only vouches for an e-mail address; who may do what is
 * decided by the tildeling account with that address.
 */
export function createOidc(config: OidcConfig) {
  // client_secret_basic: OpenID Connect's default method, the one a provider assumes unless told otherwise.
  const auth = client.ClientSecretBasic(config.clientSecret)
  // A person waits on every call to the provider: 10 seconds, not the library's 30. Plain http only to this machine.
  const options = { timeout: 10, ...(isLoopback(new URL(config.issuer)) && { execute: [client.allowInsecureRequests] }) }
  let discovered: Promise<client.Configuration> | undefined
  /** The provider's metadata, fetched on first use (a provider down at start does not stop the service) and again after a failure. */
  function provider(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, undefined, auth, options)
      .catch((err: unknown) => {
        discovered = undefined
        throw err
      })
    return discovered
  }

  return {
    name: config.name,
    /** Where to send the browser, and what the callback must match. */
    async start(next: string): Promise<{ url: URL; flow: OidcFlow }> {
      const server = await provider()
      const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next }
      const url = client.buildAuthorizationUrl(server, {
        redirect_uri: config.redirectUri,
        scope: 'openid email',
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
      })
      return { url, flow }
    },
    /**
     * The e-mail address the provider vouches for, from the callback's query string. Throws when
     * the answer does not match this browser's flow (state, nonce, PKCE) or the provider refused.
     */
    async finish(search: string, flow: OidcFlow): Promise<string> {
      const server = await provider()
      // The redirect URI as registered, not as this request arrived (behind a proxy they differ).
      const tokens = await client.authorizationCodeGrant(server, new URL(`${config.redirectUri}${search}`), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      })
      const idToken = tokens.claims()!
      // Many providers put the email claim only in the userinfo answer.
      const claims = typeof idToken.email === 'string' ? idToken : await client.fetchUserInfo(server, tokens.access_token, idToken.sub)
      if (typeof claims.email !== 'string' || claims.email === '') throw new OidcRefusal('noEmail')
      // An address the provider itself has not verified proves nothing (absent, as from Entra ID, is taken as vouched for).
      if (claims.email_verified === false) throw new OidcRefusal('unverified')
      return claims.email
    },
  }
}

/** The flow in its cookie: not secret from the browser that holds it, but it must be that browser's. */
export function encodeFlow(flow: OidcFlow): string {
  return Buffer.from(JSON.stringify(flow)).toString('base64url')
}

export function decodeFlow(value: string | undefined): OidcFlow | undefined {
  if (!value) return undefined
  try {
    const f = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<OidcFlow>
    return typeof f.state === 'string' && typeof f.nonce === 'string' && typeof f.verifier === 'string' && typeof f.next === 'string' ? (f as OidcFlow) : undefined
  } catch {
    return undefined
  }
}
