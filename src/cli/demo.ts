import type { Command } from 'commander'
import { readConfig } from '../config.ts'
import { startServer } from '../server.ts'
import { loadDemoCentre } from '../services/demo.ts'
import { openDatabase } from '../store/db.ts'
import { createKeyRepository } from '../store/key-repository.ts'
import { createUserRepository, type UserRepository } from '../store/user-repository.ts'
import type { Role } from '../auth/caller.ts'
import { CliError } from './errors.ts'
import { parsePort } from './options.ts'
import { loginLink } from './users.ts'

/** One demo account per role: the people who use the web application. */
const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role; municipality?: string }[] = [
  { email: 'koordinator@demo.tildeling.no', name: 'Kari Koordinator', role: 'coordinator' },
  { email: 'radgiver.5001@demo.tildeling.no', name: 'Rune Rådgiver', role: 'municipality', municipality: '5001' },
  { email: 'analytiker@demo.tildeling.no', name: 'Anne Analytiker', role: 'analyst' },
]

/** A fresh one-time sign-in token per demo account (created on the first run, renewed on later ones). */
function demoSignInTokens(users: UserRepository): { role: Role; email: string; token: string }[] {
  return DEMO_ACCOUNTS.map((a) => ({
    role: a.role,
    email: a.email,
    token: users.findByEmail(a.email) ? users.reissue(a.email) : users.create(a).token,
  }))
}

/** The ready-to-paste commands, with the keys filled in. */
export function demoInstructions(url: string, coordinatorKey: string, municipalityKey: string, dbPath: string, signIn: readonly { role: Role; email: string; token: string }[] = []): string {
  const auth = `-H "Authorization: Bearer ${coordinatorKey}"`
  const json = `-H 'content-type: application/json'`
  return `
tildeling demo: a career centre with 4 counsellors and 40 referrals from 3 municipalities is loaded
into ${dbPath} and served at ${url} (OpenAPI page: ${url}/docs).

Open ${url} in a browser. Sign in once with a link below (one-time, valid 72 hours); it lets you
choose a password for that account:
${signIn.map((s) => `  ${s.role.padEnd(12)} ${s.email.padEnd(32)} ${loginLink(url, s.token)}`).join('\n')}

Coordinator key (shown once):   ${coordinatorKey}
Municipality key (5001):        ${municipalityKey}

# 1. Propose this week's allocation (nothing is booked yet); keeps its id in $ID:
ID=$(curl -s -X POST ${url}/v1/allocations ${auth} ${json} -d '{}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).id'); echo $ID

# 2. Read it: sessions, unassigned with reasons, deadline breaches, stats:
curl -s ${url}/v1/allocations/$ID ${auth}

# 3. Commit it (409 if anything changed since the proposal):
curl -s -X POST ${url}/v1/allocations/$ID/commit ${auth}

# 4. The booked sessions (and what municipality 5001 sees of them):
curl -s ${url}/v1/sessions ${auth}
curl -s ${url}/v1/sessions -H "Authorization: Bearer ${municipalityKey}"

# 5. A counsellor's calendar, for Outlook:
curl -s ${url}/v1/counsellors/kari/calendar.ics ${auth} -o kari.ics

Or the same on the command line: npm run tildeling -- allocate --db ${dbPath}
Stop with Ctrl-C. Run it again any time: the centre is reloaded without duplicates.
`
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('load a demo centre into the database, create keys and serve it, printing ready curl commands')
    .option('--port <port>', 'port to listen on (env PORT, default 3000)', parsePort)
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action(async (opts: { port?: number; db?: string }) => {
      const config = readConfig()
      const dbPath = opts.db ?? config.dbPath
      const port = opts.port ?? config.port
      // Listen first: on a busy port nothing is loaded and no key or sign-in link is made in vain.
      // Request logs would bury the instructions; LOG_LEVEL=info brings them back.
      const server = await startServer({ dbPath, port, host: config.host, secret: config.secret, logLevel: process.env.LOG_LEVEL ?? 'error' }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: stop what runs there, or choose another port with --port or PORT`)
        throw err
      })
      const db = openDatabase(dbPath)
      let keys
      let signIn
      try {
        const loaded = loadDemoCentre(db)
        const repo = createKeyRepository(db)
        keys = { coordinator: repo.create('coordinator').key, municipality: repo.create('municipality', '5001').key }
        signIn = demoSignInTokens(createUserRepository(db))
        process.stdout.write(
          `Loaded the demo centre for the week of ${loaded.runDate}: ${loaded.counsellors} counsellors, ${loaded.created} referrals created, ${loaded.updated} updated` +
            (loaded.skipped > 0 ? `, ${loaded.skipped} already scheduled or withdrawn left as they are` : '') +
            '.\n',
        )
      } finally {
        db.close()
      }
      // Said here in words: the server's own warning is a log line, which the demo keeps quiet.
      if (!config.secret) process.stdout.write('Note: TILDELING_SECRET is not set, so referrals carrying a DUF number are refused. Set it to a long random string to store DUF numbers encrypted.\n')
      process.stdout.write(demoInstructions(server.url, keys.coordinator, keys.municipality, dbPath, signIn))
    })
}
