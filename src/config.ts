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
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number 0-65535, not "${env.PORT}"`)
  const secret = env.TILDELING_SECRET || undefined
  if (secret !== undefined && secret.length < 16) throw new ConfigError('TILDELING_SECRET must be at least 16 characters')
  return {
    dbPath: env.TILDELING_DB || DEFAULT_DB_PATH,
    secret,
    port,
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    publicUrl: (env.TILDELING_PUBLIC_URL || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
  }
}
