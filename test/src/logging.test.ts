import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../../src/logger.ts'
import { build, referral } from '../helpers/build.ts'

/** A logger whose lines land in an array, so a test can read every line the service wrote. */
function capturedLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { lines, logger: createLogger({ level: 'trace', stream }) }
}

const NAME = 'Zyxwqv Loggtestesen'
const DUF = '199912398765'
const ADVISOR = 'advisor.secret@kommune.no'

t.test('a posted name, DUF number, advisor and key never reach a log line', async (t) => {
  const { lines, logger } = capturedLogger()
  const { app, auth } = await build(t, { logger })
  const person = { participant: { name: NAME, dufNumber: DUF }, advisor: { name: 'Adv Isor', email: ADVISOR } }
  const ok = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral(person)] } })
  t.equal(ok.statusCode, 200, 'the referral is stored')
  const bad = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ ...person, settledOn: '2025-02-30' })] } })
  t.equal(bad.statusCode, 422, 'an invalid one is refused')
  await app.inject({ method: 'GET', url: `/v1/referrals/${ok.json().ids[0]}`, headers: auth.municipality })
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: { ...auth.municipality, 'content-type': 'application/json' }, payload: `{"referrals":[{"participant":{"name":"${NAME}"` })
  // A careless log call in some future handler must be redacted too.
  app.log.info({ referral: referral(person), authorization: auth.coordinator.authorization }, 'careless')

  t.ok(lines.length >= 8, `the service did log (${lines.length} lines)`)
  t.ok(lines.some((l) => l.includes('"reqId"')), 'log lines carry request ids')
  const key = auth.municipality.authorization.slice('Bearer '.length)
  for (const [what, secret] of [['name', NAME], ['DUF number', DUF], ['DUF number with space', '1999 12398765'], ['advisor e-mail', ADVISOR], ['API key', key]] as const) {
    t.notOk(lines.some((l) => l.includes(secret)), `the ${what} is in no log line`)
  }
  t.ok(lines.some((l) => l.includes('careless') && l.includes('[redacted]')), 'the careless line is there, redacted')
})
