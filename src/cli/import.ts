import type { Command } from 'commander'
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { Caller } from '../auth/caller.ts'
import { readConfig } from '../config.ts'
import { messages, type Lang } from '../i18n/index.ts'
import { describe, importReferrals } from '../services/import.ts'
import { createDufCipher } from '../store/crypto.ts'
import { openDatabase } from '../store/db.ts'
import { createReferralRepository } from '../store/referral-repository.ts'
import { CliError } from './errors.ts'
import { parseLang, parseMunicipality } from './options.ts'

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import referrals from a .csv (an Excel export: UTF-8 or Windows-1252, ; or , separated, English or Norwegian headers, dates dd.mm.yyyy, ja/nei; see docs/csv.md) or .json file; all or nothing, as the API, and every problem listed with its line and column')
    .argument('<file>', 'referrals.csv or referrals.json')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .option('--municipality <number>', 'import as this municipality: refuse rows of any other', parseMunicipality)
    .option('--lang <nb|en>', 'language of the messages (default: nb, or en when LANG is English)', parseLang)
    .option('--all-errors', 'list every problem (the default; kept for scripts that pass it)')
    .action((file: string, opts: { db?: string; municipality?: string; lang?: Lang }) => {
      const config = readConfig()
      const lang = opts.lang ?? (/^en/i.test(process.env.LANG ?? '') ? 'en' : 'nb')
      const t = messages(lang).intake
      const ext = extname(file).toLowerCase()
      if (ext !== '.json' && ext !== '.csv') throw new CliError(`${file}: expected a .csv or .json file`)
      let bytes: Buffer
      try {
        bytes = readFileSync(file)
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
      }
      const caller: Caller = opts.municipality ? { role: 'municipality', municipality: opts.municipality, keyId: 'cli' } : { role: 'coordinator', keyId: 'cli' }
      const db = openDatabase(opts.db ?? config.dbPath)
      try {
        const referrals = createReferralRepository(db, config.secret ? createDufCipher(config.secret) : undefined)
        const outcome = importReferrals(referrals, caller, bytes, { format: ext === '.json' ? 'json' : 'csv', lang })
        if (!outcome.ok) {
          // Every problem, one per line, so a person can correct the whole file in one go.
          const list = outcome.problems.map((p) => `  ${describe(p, t)}`).join('\n')
          throw new CliError(`${file}: ${t.refused(outcome.problems.length)}\n${list}`)
        }
        process.stdout.write(`${file}: ${t.stored(outcome.rows, outcome.created, outcome.updated)}\n`)
      } finally {
        db.close()
      }
    })
}
