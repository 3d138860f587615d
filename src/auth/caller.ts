/** Who is calling, from their API key. A municipality key is bound to one municipality number. */
export type Role = 'coordinator' | 'municipality' | 'analyst'
export const ROLES = ['coordinator', 'municipality', 'analyst'] as const

/**
 * `keyId` names the API key; a person signed in through the browser has `email` too, and their
 * keyId is `user:<account id>`. The audit trail records the e-mail where there is one.
 */
export type Caller =
  | { readonly role: 'coordinator' | 'analyst'; readonly keyId: string; readonly email?: string }
  | { readonly role: 'municipality'; readonly municipality: string; readonly keyId: string; readonly email?: string }

/** Who the audit trail records for this caller: the account's e-mail, else the key id. */
export function actorOf(caller: Caller): string {
  return caller.email ?? caller.keyId
}

/** May this caller see a participant's identity in a referral of `municipality`? */
export function seesIdentity(caller: Caller, municipality: string): boolean {
  return caller.role === 'coordinator' || (caller.role === 'municipality' && caller.municipality === municipality)
}
