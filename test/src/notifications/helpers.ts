import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { readNotificationConfig, type NotificationConfig } from '../../../src/services/notifications/config.ts'

export type Received = { readonly headers: IncomingHttpHeaders; readonly body: string; readonly json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> } }

/** A webhook receiver on 127.0.0.1 that records every POST; `status` decides what it answers. */
export async function receiver(t: Test, opts: { port?: number; status?: () => number } = {}): Promise<{ url: string; port: number; got: Received[]; server: Server }> {
  const got: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const status = opts.status?.() ?? 200
      if (status < 300) got.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}/hook`, port, got, server }
}

/** Notification settings for tests: the defaults, with the given changes. */
export function testConfig(changes: Partial<NotificationConfig> = {}): NotificationConfig {
  return { ...readNotificationConfig({}), ...changes }
}
