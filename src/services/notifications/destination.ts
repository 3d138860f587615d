import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { promisify } from 'node:util'
import ipaddr from 'ipaddr.js'

/** Who may be sent to: the operator's allowances (NotificationConfig). */
export type Allowances = { readonly allowHttp: boolean; readonly allowPrivate: boolean }

const lookupAll = promisify(dnsLookup)

/**
 * Why an address may not receive webhooks, or null when it may. Loopback is allowed (a receiver on
 * the same machine: development, tests, a local relay); private, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, multicast and reserved ranges only when the operator allows
 * private destinations, so a municipality key cannot make the server probe the centre's network.
 */
export function refusedAddress(address: string, allow: Allowances): string | null {
  if (!ipaddr.isValid(address)) return `not an IP address: ${address}`
  const ip = ipaddr.process(address) // an IPv4-mapped IPv6 address is judged as the IPv4 address it is
  const range = ip.range()
  if (range === 'unicast' || range === 'loopback') return null
  return allow.allowPrivate ? null : `${address} is in a ${range} range; private-network destinations are refused (operator setting TILDELING_WEBHOOK_ALLOW_PRIVATE)`
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '')
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  return ipaddr.isValid(h) && ipaddr.process(h).range() === 'loopback'
}

/** Problems with a webhook URL as written (scheme, credentials), before any lookup. */
export function urlProblem(raw: string, allow: Allowances): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'not an absolute URL'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the scheme must be https (or http for a loopback host), not ${url.protocol.replace(':', '')}`
  if (url.protocol === 'http:' && !allow.allowHttp && !isLoopbackHost(url.hostname)) return 'use https; plain http is accepted only for loopback hosts (127.0.0.1, ::1, localhost) unless the operator allows it (TILDELING_WEBHOOK_ALLOW_HTTP)'
  if (url.username !== '' || url.password !== '') return 'credentials do not belong in the URL; the signature authenticates the sender'
  return null
}

/** Check a URL and every address its host resolves to now; null when it may be used. */
export async function destinationProblem(raw: string, allow: Allowances): Promise<string | null> {
  const problem = urlProblem(raw, allow)
  if (problem) return problem
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '')
  let addresses: LookupAddress[]
  try {
    addresses = ipaddr.isValid(host) ? [{ address: host, family: host.includes(':') ? 6 : 4 }] : await lookupAll(host, { all: true })
  } catch {
    return `the host ${host} does not resolve`
  }
  for (const a of addresses) {
    const refused = refusedAddress(a.address, allow)
    if (refused) return refused
  }
  return null
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request that refuses disallowed addresses at connect time, so a host that
 * resolved to a public address when the webhook was made cannot later be pointed inside (DNS rebinding).
 */
export function guardedLookup(allow: Allowances) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const refused = addresses.map((a) => refusedAddress(a.address, allow)).find((r) => r !== null)
      if (refused) return callback(Object.assign(new Error(refused), { code: 'EREFUSEDDESTINATION' }), [])
      if (options.all) return callback(null, addresses)
      const first = addresses[0]
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
      callback(null, first.address, first.family)
    })
  }
}
