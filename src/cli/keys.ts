import type { Command } from 'commander'
import { ROLES, type Role } from '../auth/caller.ts'
import { readConfig } from '../config.ts'
import { openDatabase } from '../store/db.ts'
import { createKeyRepository } from '../store/key-repository.ts'
import { withArticle } from '../errors.ts'
import { CliError } from './errors.ts'
import { parseMunicipality, parseRole } from './options.ts'

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys')
  keys
    .command('create')
    .description('create an API key; prints it once, alone on the last line (only its hash is stored)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .option('--municipality <number>', 'the municipality a municipality key is bound to', parseMunicipality)
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((opts: { role: Role; municipality?: string; db?: string }) => {
      if (opts.role === 'municipality' && opts.municipality === undefined) throw new CliError('a municipality key needs --municipality <number>')
      if (opts.role !== 'municipality' && opts.municipality !== undefined) throw new CliError(`${withArticle(opts.role)} key is not bound to a municipality; drop --municipality`)
      const db = openDatabase(opts.db ?? readConfig().dbPath)
      try {
        const { id, key } = createKeyRepository(db).create(opts.role, opts.municipality)
        const scope = opts.municipality ? ` for municipality ${opts.municipality}` : ''
        process.stdout.write(`Created ${opts.role} key ${id}${scope}. It is shown once; store it now:\n${key}\n`)
      } finally {
        db.close()
      }
    })
  keys
    .command('list')
    .description('list the keys: id, role, municipality, created, revoked (never the keys themselves)')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((opts: { db?: string }) => {
      const db = openDatabase(opts.db ?? readConfig().dbPath)
      try {
        const rows = createKeyRepository(db).list()
        if (rows.length === 0) process.stdout.write('No keys yet: tildeling keys create --role coordinator\n')
        for (const k of rows) {
          process.stdout.write(`${k.id}  ${k.role.padEnd(12)}  ${(k.municipality ?? '-').padEnd(4)}  created ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}\n`)
        }
      } finally {
        db.close()
      }
    })
  keys
    .command('revoke <id>')
    .description('revoke a key by its id (from keys list): it stops working at once')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action((id: string, opts: { db?: string }) => {
      const db = openDatabase(opts.db ?? readConfig().dbPath)
      try {
        if (!createKeyRepository(db).revoke(id)) throw new CliError(`no key ${id} to revoke (see tildeling keys list; a revoked key stays revoked)`)
        process.stdout.write(`Revoked key ${id}.\n`)
      } finally {
        db.close()
      }
    })
}
