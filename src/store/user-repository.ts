import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto'
import type { Caller, Role } from '../auth/caller.ts'
import type { Db } from './db.ts'

export type UserRepository = ReturnType<typeof createUserRepository>

/** An account as the CLI lists it and a page shows it: never a password or a token. */
export type User = {
  readonly id: string
  readonly email: string
  readonly name?: string
  readonly role: Role
  readonly municipality?: string
  readonly createdAt: string
  readonly disabledAt?: string
  readonly hasPassword: boolean
}

type UserRow = { id: string; email: string; name: string | null; role: Role; municipality: string | null; password_hash: string | null; created_at: string; disabled_at: string | null }

/** A one-time sign-in link is valid this long (contract: 72 hours). */
export const LOGIN_TOKEN_HOURS = 72
/** A browser session ends this long after sign-in. */
export const WEB_SESSION_HOURS = 12

// scrypt: memory-hard, in node:crypto. N = 2^15 with r = 8 takes 32 MiB and tens of milliseconds.
const SCRYPT = { N: 32768, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 } as const

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, SCRYPT.keylen, { ...params, maxmem: SCRYPT.maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, SCRYPT)
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex')

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    ...(r.name !== null && { name: r.name }),
    role: r.role,
    ...(r.municipality !== null && { municipality: r.municipality }),
    createdAt: r.created_at,
    ...(r.disabled_at !== null && { disabledAt: r.disabled_at }),
    hasPassword: r.password_hash !== null,
  }
}

/** A person's rights are those of a key of the same role (contract). */
export function callerOfUser(u: User): Caller {
  const keyId = `user:${u.id}`
  return u.role === 'municipality' ? { role: 'municipality', municipality: u.municipality ?? '', keyId, email: u.email } : { role: u.role, keyId, email: u.email }
}

export class AccountError extends Error {
  override name = 'AccountError'
}

export function createUserRepository(db: Db) {
  const insert = db.prepare('INSERT INTO users (id, email, name, role, municipality, created_at) VALUES (?, ?, ?, ?, ?, ?)')
  const byEmail = db.prepare('SELECT * FROM users WHERE email = ?')
  const byId = db.prepare('SELECT * FROM users WHERE id = ?')
  const all = db.prepare('SELECT * FROM users ORDER BY created_at, email')
  const disable = db.prepare('UPDATE users SET disabled_at = ? WHERE email = ? AND disabled_at IS NULL')
  const setPassword = db.prepare('UPDATE users SET password_hash = ? WHERE id = ?')
  const insertToken = db.prepare('INSERT INTO login_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)')
  const tokenRow = db.prepare('SELECT t.user_id, t.expires_at, t.used_at FROM login_tokens t WHERE t.token_hash = ?')
  const useToken = db.prepare('UPDATE login_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
  const insertSession = db.prepare('INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
  const sessionUser = db.prepare('SELECT u.* FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL')
  const deleteSession = db.prepare('DELETE FROM web_sessions WHERE token_hash = ?')
  const deleteUserSessions = db.prepare('DELETE FROM web_sessions WHERE user_id = ?')
  const purgeSessions = db.prepare('DELETE FROM web_sessions WHERE expires_at <= ?')

  const find = (stmt: { get(...a: unknown[]): unknown }, ...args: unknown[]) => {
    const row = stmt.get(...args) as UserRow | undefined
    return row ? toUser(row) : undefined
  }

  /** A new one-time sign-in token for the account; only its hash is stored. */
  function issueToken(userId: string, now: Date): string {
    const token = randomBytes(32).toString('base64url')
    insertToken.run(sha256(token), userId, new Date(now.getTime() + LOGIN_TOKEN_HOURS * 3_600_000).toISOString())
    return token
  }

  return {
    /** Create an account and its first one-time sign-in token (the caller makes the link). */
    create(input: { email: string; name?: string | undefined; role: Role; municipality?: string | undefined }, now = new Date()): { user: User; token: string } {
      if ((input.role === 'municipality') !== (input.municipality !== undefined)) {
        throw new AccountError('a municipality account needs a municipality number, and only a municipality account has one')
      }
      return db.transaction(() => {
        if (byEmail.get(input.email)) throw new AccountError(`there is already an account for ${input.email}`)
        const id = randomUUID()
        insert.run(id, input.email, input.name ?? null, input.role, input.municipality ?? null, now.toISOString())
        return { user: find(byId, id)!, token: issueToken(id, now) }
      }).immediate()
    },
    /** A new sign-in link for an existing account (a lost password). */
    reissue(email: string, now = new Date()): string {
      const u = find(byEmail, email)
      if (!u) throw new AccountError(`no account for ${email}`)
      return issueToken(u.id, now)
    },
    list(): User[] {
      return (all.all() as UserRow[]).map(toUser)
    },
    findByEmail(email: string): User | undefined {
      return find(byEmail, email)
    },
    /** Disable: sign-in stops and every open browser session ends at once. */
    disable(email: string, now = new Date()): boolean {
      return db.transaction(() => {
        const u = find(byEmail, email)
        if (!u || disable.run(now.toISOString(), email).changes !== 1) return false
        deleteUserSessions.run(u.id)
        return true
      }).immediate()
    },
    /** The account a one-time token opens, if the token is known, unused, unexpired and the account enabled. */
    tokenUser(token: string, now = new Date()): User | undefined {
      const t = tokenRow.get(sha256(token)) as { user_id: string; expires_at: string; used_at: string | null } | undefined
      if (!t || t.used_at !== null || t.expires_at <= now.toISOString()) return undefined
      const u = find(byId, t.user_id)
      return u && u.disabledAt === undefined ? u : undefined
    },
    /** Spend the token and set the password, once: false when the token was used or expired meanwhile. */
    async setPasswordWithToken(token: string, password: string, now = new Date()): Promise<User | undefined> {
      const hash = await hashPassword(password)
      return db.transaction(() => {
        const u = this.tokenUser(token, now)
        if (!u || useToken.run(now.toISOString(), sha256(token)).changes !== 1) return undefined
        setPassword.run(hash, u.id)
        return find(byId, u.id)
      }).immediate()
    },
    /** The enabled account with this e-mail and password, or undefined (the same answer for every failure). */
    async authenticate(email: string, password: string): Promise<User | undefined> {
      const row = byEmail.get(email) as UserRow | undefined
      // Hash even for an unknown account, so the answer's timing does not tell which e-mails exist.
      const stored = row?.password_hash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
      const ok = await verifyPassword(password, stored)
      return ok && row && row.password_hash !== null && row.disabled_at === null ? toUser(row) : undefined
    },
    /** Start a browser session; the returned token goes in the cookie and only its hash is stored. */
    startSession(userId: string, now = new Date()): string {
      const token = randomBytes(32).toString('base64url')
      purgeSessions.run(now.toISOString())
      insertSession.run(sha256(token), userId, now.toISOString(), new Date(now.getTime() + WEB_SESSION_HOURS * 3_600_000).toISOString())
      return token
    },
    sessionUser(token: string, now = new Date()): User | undefined {
      return find(sessionUser, sha256(token), now.toISOString())
    },
    endSession(token: string): void {
      deleteSession.run(sha256(token))
    },
  }
}
