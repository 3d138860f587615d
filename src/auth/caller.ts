/** Who is calling, from their API key. A municipality key is bound to one municipality number. */
export type Role = 'coordinator' | 'municipality' | 'analyst'
export const ROLES = ['coordinator', 'municipality', 'analyst'] as const

export type Caller =
  | { readonly role: 'coordinator' | 'analyst'; readonly keyId: string }
  | { readonly role: 'municipality'; readonly municipality: string; readonly keyId: string }

/** May this caller see a participant's identity in a referral of `municipality`? */
export function seesIdentity(caller: Caller, municipality: string): boolean {
  return caller.role === 'coordinator' || (caller.role === 'municipality' && caller.municipality === municipality)
}
