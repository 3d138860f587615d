import type { Command } from 'commander'
import type { Role } from '../auth/caller.ts'
import { readConfig } from '../config.ts'
import { openDatabase } from '../store/db.ts'
import { AccountError, createUserRepository } from '../store/user-repository.ts'
import { withArticle } from '../errors.ts'
import { CliError } from './errors.ts'
import { parseMunicipality, parseRole } from './options.ts'

/** The address people open: --base-url, else TILDELING_PUBLIC_URL, else the local default. */
export function baseUrl(given?: string): string {
  return (given ?? process.env.TILDELING_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')
}

export const loginLink = (base: string, token: string) => `${base}/login/${token}`

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Run `fn` on the accounts of the database, closed after; an account's refusal is the command's one-line error. */
function withUsers<T>(dbPath: string | undefined, fn: (users: ReturnType<typeof createUserRepository>) => T): T {
  const db = openDatabase(dbPath ?? readConfig().dbPath)
  try {
    return fn(createUserRepository(db))
  } catch (err) {
    if (err instanceof AccountError) throw new CliError(err.message)
    throw err
  } finally {
    db.close()
  }
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description("people's accounts for the web application")
  users
    .command('create')
    .description('create an account; prints a one-time sign-in link (valid 72 hours) alone on the last line')
    .requiredOption('--role <role>', 'coordinator, municipality or analyst', parseRole)
    .requiredOption('--email <email>', "the person's e-mail address (their sign-in name)")
    .option('--name <name>', "the person's name")
    .option('--municipality <number>', 'the municipality a municipality account belongs to', parseMunicipality)
    .option('--base-url <url>', 'the address of the service (env TILDELING_PUBLIC_URL, default http://127.0.0.1:3000)')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((opts: { role: Role; email: string; name?: string; municipality?: string; baseUrl?: string; db?: string }) => {
      if (!EMAIL.test(opts.email)) throw new CliError(`--email ${opts.email} is not an e-mail address`)
      if (opts.role === 'municipality' && opts.municipality === undefined) throw new CliError('a municipality account needs --municipality <number>')
      if (opts.role !== 'municipality' && opts.municipality !== undefined) throw new CliError(`${withArticle(opts.role)} account belongs to no municipality; drop --municipality`)
      withUsers(opts.db, (users) => {
        const { user, token } = users.create({ email: opts.email, name: opts.name, role: opts.role, municipality: opts.municipality })
        const scope = user.municipality ? ` for municipality ${user.municipality}` : ''
        process.stdout.write(`Created ${user.role} account ${user.email}${scope}. Send this one-time sign-in link (valid 72 hours, used once):\n${loginLink(baseUrl(opts.baseUrl), token)}\n`)
      })
    })
  users
    .command('link <email>')
    .description('a new one-time sign-in link for an account (a forgotten password), alone on the last line')
    .option('--base-url <url>', 'the address of the service (env TILDELING_PUBLIC_URL, default http://127.0.0.1:3000)')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((email: string, opts: { baseUrl?: string; db?: string }) => {
      withUsers(opts.db, (users) => {
        const token = users.reissue(email)
        process.stdout.write(`A new sign-in link for ${email} (valid 72 hours, used once):\n${loginLink(baseUrl(opts.baseUrl), token)}\n`)
      })
    })
  users
    .command('list')
    .description('list the accounts: e-mail, role, municipality, whether a password is set, disabled')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((opts: { db?: string }) => {
      const db = openDatabase(opts.db ?? readConfig().dbPath)
      try {
        const rows = createUserRepository(db).list()
        if (rows.length === 0) process.stdout.write('No accounts yet: tildeling users create --role coordinator --email you@example.no\n')
        for (const u of rows) {
          const state = u.disabledAt ? `disabled ${u.disabledAt}` : u.hasPassword ? 'active' : 'link not used yet'
          process.stdout.write(`${u.email.padEnd(36)}  ${u.role.padEnd(12)}  ${(u.municipality ?? '-').padEnd(4)}  ${state}\n`)
        }
      } finally {
        db.close()
      }
    })
  users
    .command('disable <email>')
    .description('disable an account: sign-in stops and its open sessions end at once')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((email: string, opts: { db?: string }) => {
      const db = openDatabase(opts.db ?? readConfig().dbPath)
      try {
        if (!createUserRepository(db).disable(email)) throw new CliError(`no enabled account ${email} (see tildeling users list)`)
        process.stdout.write(`Disabled ${email}.\n`)
      } finally {
        db.close()
      }
    })
}
