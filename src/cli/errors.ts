/** Bad input to the command line: main.ts prints the message as one line on stderr and exits 1. */
export class CliError extends Error {
  override name = 'CliError'
}
