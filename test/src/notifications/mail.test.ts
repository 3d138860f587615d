import ICAL from 'ical.js'
import { simpleParser, type ParsedMail } from 'mailparser'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import t, { type Test } from 'tap'
import { startDeliveryWorker } from '../../../src/services/notifications/worker.ts'
import { build, referral } from '../../helpers/build.ts'
import { counsellor, proposeOn, RUN_DATE, SETTLED } from '../allocation-seed.ts'
import { testConfig } from './helpers.ts'

type Got = { to: string[]; mail: ParsedMail; raw: string }

/** A local SMTP server that accepts everything and keeps the raw messages. */
async function smtp(tt: Test): Promise<{ url: string; got: Got[] }> {
  const got: Got[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        simpleParser(raw).then((mail) => {
          got.push({ to: session.envelope.rcptTo.map((r) => r.address), mail, raw })
          callback()
        }, callback)
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  tt.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, got }
}

/** The text/calendar part, parsed by ical.js. */
function calendarOf(mail: ParsedMail) {
  const part = mail.attachments.find((a) => a.contentType === 'text/calendar') ?? undefined
  const text = part ? part.content.toString('utf8') : undefined
  if (!text) throw new Error('no text/calendar part')
  const cal = new ICAL.Component(ICAL.parse(text))
  const event = cal.getFirstSubcomponent('vevent')!
  return { method: cal.getFirstPropertyValue('method'), event, vevent: new ICAL.Event(event), text }
}

t.test('the advisor gets a Norwegian invitation when a session is booked, and a cancellation with a higher SEQUENCE', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  const server = await smtp(t)
  await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: counsellor(['5001']) })
  const posted = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: auth.municipality,
    payload: { referrals: [referral({ externalRef: 'SAK-17', settledOn: SETTLED }), referral({ externalRef: 'SAK-18', settledOn: SETTLED, advisorConsent: false, advisor: { name: 'Per Uten', email: 'per@5001.kommune.no' } })] },
  })
  t.equal(posted.statusCode, 200, 'two referrals, one without consent for the advisor to attend')
  const proposal = await proposeOn(b)
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  const sessions = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth.coordinator })).json().sessions as { id: string; referralId: string; start: string }[]
  const [withConsent] = posted.json().ids as string[]
  const session = sessions.find((s) => s.referralId === withConsent)!
  t.ok(session, 'the referral with consent is booked')
  t.equal(sessions.length, 2, 'both are booked')

  const worker = startDeliveryWorker({ db, config: testConfig({ smtpUrl: server.url, mailFrom: 'Karrieresenteret <karriere@fylke.no>' }), poll: false })
  t.teardown(() => worker.stop())
  await worker.runOnce()
  t.equal(server.got.length, 1, 'one e-mail: the advisor without consent gets none')
  const invite = server.got[0]!
  t.same(invite.to, ['kari@trondheim.kommune.no'], 'to the advisor')
  t.equal(invite.mail.from?.value[0]?.address, 'karriere@fylke.no', 'from TILDELING_MAIL_FROM')
  t.match(invite.mail.subject, /^Invitasjon: Karriereveiledning .* \(sak SAK-17\)$/, 'a Norwegian subject naming the case')
  t.match(invite.mail.text, /Hei Kari Rådgiver,/, 'Norwegian text with æøå intact')
  t.match(invite.mail.text, /kl\. \d{2}\.\d{2}/, 'times the Norwegian way')
  t.notMatch(invite.raw, /Testperson|12345678/, 'no participant name or DUF number')
  const cal = calendarOf(invite.mail)
  t.equal(cal.method, 'REQUEST', 'METHOD:REQUEST')
  t.match(invite.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i, 'a text/calendar part with its method, as Outlook wants')
  t.equal(cal.vevent.uid, `${session.id}@tildeling`, 'the UID is the session id')
  t.equal(cal.vevent.sequence, 0, 'SEQUENCE 0')
  t.equal(cal.vevent.startDate.toJSDate().getTime(), Date.parse(session.start), 'DTSTART is the session start')
  t.match(cal.event.getFirstPropertyValue('attendee'), /mailto:kari@trondheim\.kommune\.no/i, 'the advisor is the attendee')
  t.match(cal.event.getFirstPropertyValue('organizer'), /karriere@fylke\.no/i, 'the centre organizes')

  await app.inject({ method: 'POST', url: `/v1/sessions/${session.id}/cancel`, headers: auth.coordinator, payload: { reason: 'syk' } })
  await worker.runOnce()
  t.equal(server.got.length, 2, 'a second e-mail on cancellation')
  const cancel = server.got[1]!
  t.match(cancel.mail.subject, /^Avlyst: /, 'the subject says cancelled')
  const c = calendarOf(cancel.mail)
  t.equal(c.method, 'CANCEL', 'METHOD:CANCEL')
  t.equal(c.vevent.uid, cal.vevent.uid, 'the same UID')
  t.equal(c.vevent.sequence, 1, 'a higher SEQUENCE')
  t.equal(c.event.getFirstPropertyValue('status'), 'CANCELLED', 'STATUS:CANCELLED')
})

t.test('without TILDELING_SMTP_URL no e-mail is attempted; the deliveries are recorded as skipped', async (t) => {
  const b = await build(t)
  const { app, auth, db } = b
  await app.inject({ method: 'PUT', url: '/v1/counsellors/kari', headers: auth.coordinator, payload: counsellor(['5001']) })
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ settledOn: SETTLED })] } })
  const proposal = await app.inject({ method: 'POST', url: '/v1/allocations', headers: auth.coordinator, payload: { runDate: RUN_DATE, horizonWeeks: 4 } })
  await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.json().id}/commit`, headers: auth.coordinator })
  const worker = startDeliveryWorker({ db, config: testConfig(), poll: false })
  t.teardown(() => worker.stop())
  await worker.runOnce()
  const rows = db.prepare(`SELECT status, last_error FROM deliveries WHERE channel = 'mail'`).all() as { status: string; last_error: string }[]
  t.equal(rows.length, 1, 'the invitation was in the outbox')
  t.match(rows[0], { status: 'skipped', last_error: /TILDELING_SMTP_URL/ }, 'skipped, saying why')
})
