// Child process of intake-kill.test.ts: stores a batch in the database file argv[2] and SIGKILLs
// itself at the argv[5]-th run of a statement matching argv[4] (see crash-hook.ts).
// argv[3]: 'repository' (upsertBatch alone) or 'service' (intakeReferrals: the batch and its audit lines).
import { intakeReferrals } from '../../../src/services/referrals.ts'
import { openDatabase } from '../../../src/store/db.ts'
import { createReferralRepository } from '../../../src/store/referral-repository.ts'
import { batch, toWrite } from './intake-batch.ts'
import { crashAt } from './crash-hook.ts'

const [file, mode, sql, n, language] = process.argv.slice(2) as [string, 'repository' | 'service', string, string, string]
const db = openDatabase(file)
crashAt(db, new RegExp(sql), Number(n), () => {
  process.kill(process.pid, 'SIGKILL')
  throw new Error('unreachable')
})
const referrals = createReferralRepository(db, undefined)
const items = batch(language)
if (mode === 'repository') referrals.upsertBatch(items.map(toWrite))
else intakeReferrals(referrals, { role: 'coordinator', keyId: 'k-import' }, items, '2025-03-01')
db.close()
process.stdout.write('done')
