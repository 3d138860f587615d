import type { Command } from 'commander'
import { readConfig } from '../config.ts'
import { startServer } from '../server.ts'
import { parsePort } from './options.ts'

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (OpenAPI page at /docs)')
    .option('--port <port>', 'port to listen on (env PORT, default 3000)', parsePort)
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--db <path>', 'SQLite file (env TILDELING_DB, default ./data/tildeling.db)')
    .action(async (opts: { port?: number; host?: string; db?: string }) => {
      const config = readConfig()
      await startServer({
        dbPath: opts.db ?? config.dbPath,
        port: opts.port ?? config.port,
        host: opts.host ?? config.host,
        secret: config.secret,
        publicUrl: config.publicUrl,
        oidc: config.oidc,
        logLevel: config.logLevel,
      })
    })
}
