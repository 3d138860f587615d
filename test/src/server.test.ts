import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../../src/logger.ts'
import { startServer } from '../../src/server.ts'
import { openDatabase } from '../../src/store/db.ts'
import { createKeyRepository } from '../../src/store/key-repository.ts'
import { referral, TEST_SECRET } from '../helpers/build.ts'

const quiet = () => createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }) })

t.test('a real server on a loopback port takes a batch and reads it back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-server-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 't.db')
  const setup = openDatabase(dbPath)
  const { key } = createKeyRepository(setup).create('municipality', '5001')
  setup.close()

  const server = await startServer({ dbPath, port: 0, host: '127.0.0.1', secret: TEST_SECRET, logger: quiet() })
  t.teardown(() => server.close())
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'it listens on loopback')
  const health = await fetch(`${server.url}/health`)
  t.equal(health.status, 200, 'health over HTTP')
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  const posted = await fetch(`${server.url}/v1/referrals`, { method: 'POST', headers, body: JSON.stringify({ referrals: [referral()] }) })
  t.equal(posted.status, 200, 'a batch over HTTP')
  const { ids } = (await posted.json()) as { ids: string[] }
  const read = await fetch(`${server.url}/v1/referrals/${ids[0]}`, { headers })
  t.match(await read.json(), { externalRef: 'R-1', participant: { dufNumber: '202412345678' } }, 'read back over HTTP')
  const bad = await fetch(`${server.url}/v1/referrals`, { method: 'POST', headers, body: '{' })
  t.equal(bad.status, 400, 'malformed JSON over HTTP is 400')
  t.match(bad.headers.get('content-type'), /application\/problem\+json/, 'as problem+json')
})

t.test('SIGTERM closes the server, then the database, and exits 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-sigterm-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', join(dir, 't.db')], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, LOG_LEVEL: 'info', TILDELING_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (out.includes('Server listening')) resolve(clearInterval(check))
      if (child.exitCode !== null) reject(new Error(`server exited early: ${out}`))
    }, 50)
  })
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'the process exits 0')
  t.match(out, /server closed, database closed/, 'after closing the server and then the database')
})

t.test('SIGTERM still exits when stdout is gone (the parent died): shutdown does not depend on logging', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-epipe-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const child = spawn(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', join(dir, 't.db')], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, LOG_LEVEL: 'info', TILDELING_SECRET: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(`exit ${code ?? signal}`)))
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (out.includes('Server listening')) resolve(clearInterval(check))
      if (child.exitCode !== null) reject(new Error(`server exited early: ${out}`))
    }, 50)
  })
  // The read end of its stdout closes, as when the parent process dies: every log write is now EPIPE.
  child.stdout.destroy()
  child.kill('SIGTERM')
  // Not a speed figure: a generous bound that tells "exits" from "hangs until SIGKILL".
  const hung = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref())
  const outcome = await Promise.race([exited, hung])
  t.match(outcome, /^exit /, `the process exits on SIGTERM (${outcome})`)
})
