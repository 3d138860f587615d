// The Norwegian (bokmål) message catalogue: every text a person reads (pages, explanations,
// e-mails) comes from here or from en.ts, never from an inline string. Each area has its own
// section; a message with values is a function of them. en.ts must have the same shape.

export const nb = {
  /** Language names, as the switch shows them (each in its own language). */
  languageName: { nb: 'Norsk (bokmål)', en: 'English' },
}

export type Messages = typeof nb
