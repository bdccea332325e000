// Identity normalisation: one citizen is found by the same key whatever way the address was written.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { Invalid } from './errors.js';

export type IdentityKind = 'phone' | 'email' | 'chat';
export interface Identity { kind: IdentityKind; value: string }

/** E.164 form of a phone number, or null when it is not a possible number. */
export function normalisePhone(raw: string, region: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), region as CountryCode);
  return parsed && parsed.isPossible() ? parsed.number : null;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function normaliseEmail(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  return EMAIL.test(value) ? value : null;
}

export function normaliseIdentity(kind: IdentityKind, raw: string, region: string): Identity {
  const value = kind === 'phone' ? normalisePhone(raw, region) : kind === 'email' ? normaliseEmail(raw) : raw.trim() || null;
  if (!value) throw new Invalid('identity.invalid', { kind, value: raw.slice(0, 80) });
  return { kind, value };
}

/** The unique key under which an identity is stored: "phone:+33612345678". */
export const identityKey = (identity: Identity): string => `${identity.kind}:${identity.value}`;

/** Sms and voice come from phones, email from mailboxes, chat from a session. */
export function identityKindOf(channel: 'sms' | 'voice' | 'email' | 'chat' | 'portal'): IdentityKind | null {
  if (channel === 'sms' || channel === 'voice') return 'phone';
  if (channel === 'email') return 'email';
  if (channel === 'chat') return 'chat';
  return null;
}

/** True for mobile numbers (SMS can reach them); a landline gets no SMS acknowledgement of a call. */
export function isMobilePhone(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}
