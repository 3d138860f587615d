// The English message catalogue: the same keys as nb.ts (the type makes a missing one an error).
import type { Messages } from './nb.ts'

export const en: Messages = {
  languageName: { nb: 'Norsk (bokmål)', en: 'English' },
}
