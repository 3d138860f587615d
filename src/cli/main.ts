import { Command, CommanderError } from 'commander'
import { ConfigError } from '../config.ts'
import { registerAllocate } from './allocate.ts'
import { CliError } from './errors.ts'
import { registerCapacity } from './capacity.ts'
import { registerDemo } from './demo.ts'
import { registerImport } from './import.ts'
import { registerKeys } from './keys.ts'
import { registerReplay } from './replay.ts'
import { registerServe } from './serve.ts'
import { registerUsers } from './users.ts'

const program = new Command()
  .name('tildeling')
  .description('Scheduling and capacity for career guidance of newly settled refugees')
  .exitOverride()

// ---- Commands: one file each, exporting register<Name>(program). Append one line per command. ----
registerServe(program)
registerKeys(program)
registerUsers(program)
registerImport(program)
registerReplay(program)
registerCapacity(program)
registerAllocate(program)
registerDemo(program)
// ---- end of commands ----

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help); keep its exit code.
    process.exitCode = err.exitCode
  } else if (err instanceof CliError || err instanceof ConfigError) {
    process.stderr.write(`tildeling: ${err.message}\n`)
    process.exitCode = 1
  } else {
    // Unexpected: still one line, no stack, and no data (a message here never holds personal data).
    process.stderr.write(`tildeling: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  }
}
