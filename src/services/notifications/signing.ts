import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header every webhook delivery carries. */
export const SIGNATURE_HEADER = 'X-Tildeling-Signature'

/** `sha256=<lowercase hex HMAC-SHA256 of the raw body>`, keyed with the webhook's secret string as given to its owner. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** What a receiver does: recompute over the raw bytes and compare in constant time. */
export function verifySignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false
  const want = Buffer.from(signBody(body, secret))
  const got = Buffer.from(header.trim().toLowerCase())
  return want.length === got.length && timingSafeEqual(want, got)
}
