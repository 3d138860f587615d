import { DEFAULT_DB_PATH } from './store/db.ts'

/** The service's settings, read from the environment once, at start. */
export type Config = {
  readonly dbPath: string
  /** TILDELING_SECRET: the key of DUF numbers at rest; without it none are accepted. */
  readonly secret: string | undefined
  readonly port: number
  readonly host: string
  readonly logLevel: string
  /** TILDELING_PUBLIC_URL: the address people open (sign-in links, calendar URLs); https makes cookies Secure. */
  readonly publicUrl: string
  /** Sign-in through an OpenID Connect provider, when its three settings are given. */
  readonly oidc: OidcConfig | undefined
}

/** TILDELING_OIDC_*: the provider people may sign in with (ID-porten, Entra ID, ...). */
export type OidcConfig = {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  /** What the sign-in button names: TILDELING_OIDC_NAME, else the issuer's host. */
  readonly name: string
  /** publicUrl + /login/oidc/callback: what the provider must have registered for this client. */
  readonly redirectUri: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number 0-65535, not "${env.PORT}"`)
  const secret = env.TILDELING_SECRET || undefined
  if (secret !== undefined && secret.length < 16) throw new ConfigError('TILDELING_SECRET must be at least 16 characters')
  const publicUrl = (env.TILDELING_PUBLIC_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')
  return {
    dbPath: env.TILDELING_DB || DEFAULT_DB_PATH,
    secret,
    port,
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    publicUrl,
    oidc: readOidcConfig(env, publicUrl),
  }
}

function readOidcConfig(env: NodeJS.ProcessEnv, publicUrl: string): OidcConfig | undefined {
  const names = ['TILDELING_OIDC_ISSUER', 'TILDELING_OIDC_CLIENT_ID', 'TILDELING_OIDC_CLIENT_SECRET'] as const
  const missing = names.filter((n) => !env[n])
  if (missing.length === names.length) return undefined
  // Half a configuration is a mistake to report at start, not a sign-in button that fails later.
  if (missing.length > 0) throw new ConfigError(`OpenID Connect sign-in needs ${names.join(', ')}; missing ${missing.join(', ')}`)
  let issuer: URL
  try {
    issuer = new URL(env.TILDELING_OIDC_ISSUER!)
  } catch {
    throw new ConfigError(`TILDELING_OIDC_ISSUER must be the provider's URL, e.g. https://idporten.no, not "${env.TILDELING_OIDC_ISSUER}"`)
  }
  // Tokens and the client secret travel to the issuer: https, except a provider on this machine.
  if (issuer.protocol !== 'https:' && !isLoopback(issuer)) throw new ConfigError(`TILDELING_OIDC_ISSUER must be an https URL, not "${env.TILDELING_OIDC_ISSUER}"`)
  return {
    // As given: discovery compares it with the issuer the provider names, trailing slash and all.
    issuer: issuer.href,
    clientId: env.TILDELING_OIDC_CLIENT_ID!,
    clientSecret: env.TILDELING_OIDC_CLIENT_SECRET!,
    name: env.TILDELING_OIDC_NAME || issuer.hostname,
    redirectUri: `${publicUrl}/login/oidc/callback`,
  }
}

/** A plain-http issuer is accepted only on the machine itself (a local test or development provider). */
export function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
}
