import type { Command } from 'commander'
import type { Caller } from '../auth/caller.ts'
import { readConfig } from '../config.ts'
import { Conflict, Forbidden, Validation } from '../errors.ts'
import { ImportFileError, readReferralFile } from '../services/import.ts'
import { intakeReferrals } from '../services/referrals.ts'
import { createDufCipher } from '../store/crypto.ts'
import { openDatabase } from '../store/db.ts'
import { createReferralRepository } from '../store/referral-repository.ts'
import { CliError } from './errors.ts'
import { parseMunicipality } from './options.ts'

const SHOWN = 5

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import referrals from a .csv (Excel export: ; or , separated, header of field names, participant.name and advisor.email for nested ones, booleans ja/nei) or .json file; all or nothing, as the API')
    .argument('<file>', 'referrals.csv or referrals.json')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .option('--municipality <number>', 'import as this municipality: refuse rows of any other', parseMunicipality)
    .action((file: string, opts: { db?: string; municipality?: string }) => {
      const config = readConfig()
      let parsed
      try {
        parsed = readReferralFile(file)
      } catch (err) {
        if (err instanceof ImportFileError) throw new CliError(err.message)
        throw err
      }
      if (parsed.items.length === 0) throw new CliError(`${file} holds no referrals`)
      const caller: Caller = opts.municipality ? { role: 'municipality', municipality: opts.municipality, keyId: 'cli' } : { role: 'coordinator', keyId: 'cli' }
      const db = openDatabase(opts.db ?? config.dbPath)
      try {
        const referrals = createReferralRepository(db, config.secret ? createDufCipher(config.secret) : undefined)
        const result = intakeReferrals(referrals, caller, parsed.items)
        process.stdout.write(`Imported ${parsed.items.length} referrals from ${file}: ${result.created} created, ${result.updated} updated\n`)
      } catch (err) {
        if (err instanceof Validation || err instanceof Forbidden || err instanceof Conflict) {
          const items = err.items.slice(0, SHOWN).map((p) => `${p.index === undefined ? '' : parsed.label(p.index) + ' '}${p.path || '(row)'}: ${p.message}`)
          const more = err.items.length > SHOWN ? `; and ${err.items.length - SHOWN} more` : ''
          throw new CliError(`${file}: ${err.message}: ${items.join('; ')}${more}`)
        }
        throw err
      } finally {
        db.close()
      }
    })
}
