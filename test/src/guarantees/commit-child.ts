// Child process of the commit race test (test/src/allocation-race.test.ts). It talks to the parent
// on stdin/stdout, one line per step, so the test orders the two commits by messages, not by time.
// argv: database file, allocation id, 'holder' or 'contender'.
//   holder:    ready → (go) → inside its commit's transaction, not yet committed → (go) → commits, prints the outcome
//   contender: ready → (go) → calling commit (it waits for the holder's write lock) → prints the outcome
import { readSync } from 'node:fs'
import { openDatabase } from '../../../src/store/db.ts'
import { createAllocationRepository } from '../../../src/store/allocation-repository.ts'

const [file, id, role] = process.argv.slice(2) as [string, string, 'holder' | 'contender']
const say = (line: string) => process.stdout.write(`${line}\n`)
/** Blocks until the parent writes a line: the barrier (stdin is a blocking pipe in a child). */
function awaitGo(): void {
  const byte = Buffer.alloc(1)
  for (;;) {
    try {
      if (readSync(0, byte, 0, 1, null) === 0) throw new Error('the parent closed stdin')
      if (byte[0] === 0x0a) return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
    }
  }
}

const db = openDatabase(file)
const repo = createAllocationRepository(db)
say('ready')
awaitGo()
if (role === 'holder') {
  // The commit runs inside a transaction this process holds open (its own becomes a savepoint):
  // its version check and inserts are done, the write lock is held, nothing is durable yet.
  db.prepare('BEGIN IMMEDIATE').run()
  const outcome = repo.commit(id)
  say('inside')
  awaitGo()
  db.prepare('COMMIT').run()
  say(JSON.stringify(outcome))
} else {
  say('calling')
  say(JSON.stringify(repo.commit(id)))
}
db.close()
