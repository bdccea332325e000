// Identity normalisation: one citizen is found by the same key whatever way the address was written.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { Invalid } from './errors.js';
import { identityOf, type ChannelName } from '../../channels/registry.js';

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
export function identityKindOf(channel: ChannelName): IdentityKind | null {
  return identityOf(channel);
}

/** True for mobile numbers (SMS can reach them); a landline gets no SMS acknowledgement of a call. */
export function isMobilePhone(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** A sender a phone channel cannot answer: a hidden number, a name instead of a number, an app caller. */
export type UnreachableKind = 'hidden' | 'alphanumeric' | 'app';
export type PhoneSender = { identity: Identity } | { unreachable: UnreachableKind; label: string };

/** What carriers and Twilio put in `From` for a withheld number ("ANONYMOUS", "RESTRICTED"… on a keypad). */
const HIDDEN_WORDS = new Set(['', 'anonymous', 'restricted', 'unknown', 'private', 'unavailable', 'blocked', 'withheld', 'masque', 'masqué']);
const HIDDEN_PLACEHOLDERS = new Set(['266696687', '7378742833', '2562533', '8656696', '86282452253']);

/**
 * The `From` of an SMS or a call: a number we can answer, or why we cannot. Never throws: whatever a
 * signed webhook carries is stored, and only a callable number becomes an identity.
 */
export function phoneSender(raw: string, region: string): PhoneSender {
  const value = raw.trim();
  const digits = value.replace(/^\+/, '');
  if (HIDDEN_WORDS.has(value.toLowerCase()) || HIDDEN_PLACEHOLDERS.has(digits)) return { unreachable: 'hidden', label: value };
  if (/^(client|sip|whatsapp|messenger):/i.test(value)) return { unreachable: 'app', label: value.slice(0, 80) };
  const phone = /[a-z]/i.test(value) ? null : normalisePhone(value, region);
  if (phone) return { identity: { kind: 'phone', value: phone } };
  return { unreachable: /[a-z]/i.test(value) ? 'alphanumeric' : 'hidden', label: value.slice(0, 80) };
}

/**
 * Whether the service may dial `e164` on a citizen's behalf (call-backs show the service's caller ID
 * and bill its account): a number the citizen is already known by, or a mobile or geographic number of
 * one of `regions`. Premium-rate, shared-cost, satellite and other regions' numbers are toll fraud's
 * targets, so they are refused.
 */
export function isCallbackDestination(e164: string, context: { known: readonly string[]; regions: readonly string[] }): boolean {
  if (context.known.includes(e164)) return true;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.isValid() || !parsed.country || !context.regions.includes(parsed.country)) return false;
  const type = parsed.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** The identity keys a search names: a phone in any usual writing (06 23 45 67 89, +33…, 0033…), an email in any case. */
export function searchedIdentities(query: string, region: string): string[] {
  const text = query.trim();
  const keys: string[] = [];
  if (/^\+?[\d\s.\-()/]{6,}$/.test(text)) {
    const phone = normalisePhone(text.replace(/[\s.\-()/]/g, ''), region);
    if (phone) keys.push(`phone:${phone}`);
  }
  const email = normaliseEmail(text);
  if (email) keys.push(`email:${email}`);
  return keys;
}

/** A stored number as people write it: national in the service's region (06 23 45 67 89), international elsewhere. */
export function displayPhone(e164: string, region: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === region ? parsed.formatNational() : parsed.formatInternational();
}
