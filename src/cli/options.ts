import { InvalidArgumentError } from 'commander'
import { ROLES, type Role } from '../auth/caller.ts'
import { LANGS, type Lang } from '../i18n/index.ts'

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

export function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`)
  return value as Role
}

export function parseLang(value: string): Lang {
  if (!(LANGS as readonly string[]).includes(value)) throw new InvalidArgumentError('must be nb or en')
  return value as Lang
}
