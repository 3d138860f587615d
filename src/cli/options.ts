import { InvalidArgumentError } from 'commander'

/** Commander option parsers shared by the commands. */
export function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535')
  return n
}

export function parseMunicipality(value: string): string {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('must be a four-digit municipality number')
  return value
}
