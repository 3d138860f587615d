import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'

/** Encrypts DUF numbers at rest. One instance per process; the key never leaves it. */
export type DufCipher = {
  encrypt(dufNumber: string): string
  decrypt(stored: string): string
}

// A fixed salt is fine here: the secret is a server key, not a user's password, and a fixed
// salt keeps the derived key stable across restarts so stored numbers stay readable.
const SALT = 'tildeling/duf/v1'
const VERSION = 'v1'

/** AES-256-GCM with a key derived from TILDELING_SECRET by scrypt; stored as `v1.iv.tag.ciphertext` (base64url). */
export function createDufCipher(secret: string): DufCipher {
  const key = scryptSync(secret, SALT, 32)
  return {
    encrypt(dufNumber) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const ct = Buffer.concat([cipher.update(normaliseDuf(dufNumber), 'utf8'), cipher.final()])
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.')
    },
    decrypt(stored) {
      const [version, iv, tag, ct] = stored.split('.')
      if (version !== VERSION || iv === undefined || tag === undefined || ct === undefined) throw new Error('unknown DUF ciphertext format')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}

/** DUF numbers are written with or without a space after the year; stored as 12 digits. */
export function normaliseDuf(dufNumber: string): string {
  return dufNumber.replace(/\s+/g, '')
}
