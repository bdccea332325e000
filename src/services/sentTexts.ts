// Where a stored text and the text sent differ: the citizen's portal link and a chat verification code
// are placeholders in the store, put in only as the message is sent (or shown again to its citizen).
// Both are derived from the message's id with a key of their own, so a resend carries the same ones.
// Built before the outbox, the portal and the chat verification, which all read it: no late binding.
import { createHash, createHmac } from 'node:crypto';
import type { Models } from '../store/index.js';
import { portalLinks } from '../store/repositories/portalLinks.js';

/**
 * What a stored message holds where the citizen's link goes: the token exists only in what is sent.
 * As long as a token and made of a GSM-7 character, so SMS segment counts hold for the sent text.
 */
export const PORTAL_TOKEN_PLACEHOLDER = '*'.repeat(32);
/** Where the stored text holds the code: six GSM-7 characters, so an SMS keeps its length. */
export const CODE_PLACEHOLDER = '######';

/** Only a link's hash is stored. */
export const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SentTextDeps {
  models: Models;
  publicBaseUrl: string;
  secret: string;
}

export function createSentTexts(deps: SentTextDeps) {
  const linkKey = createHmac('sha256', deps.secret).update('gru portal links').digest();
  const codeKey = createHmac('sha256', deps.secret).update('gru chat verification codes').digest();
  const redacted = `${deps.publicBaseUrl}/portal/${PORTAL_TOKEN_PLACEHOLDER}`;
  /** The token a message's link carries. */
  const tokenOf = (message: { _id: unknown }) => createHmac('sha256', linkKey).update(String(message._id)).digest('base64url').slice(0, 32);
  /** The code a verification message carries, never stored. */
  const codeOf = (messageId: unknown) => String(createHmac('sha256', codeKey).update(String(messageId)).digest().readUInt32BE(0) % 1_000_000).padStart(6, '0');
  const withCode = (message: { _id: unknown; kind?: string | null }, text: string) => (message.kind === 'verification' ? text.replaceAll(CODE_PLACEHOLDER, codeOf(message._id)) : text);

  return {
    /** What templates put in a stored text where the citizen's link goes. */
    redactedLink: () => redacted,
    codeOf,
    /** The text as sent: the message's own link (its hash stored on first send) and its code. */
    async forSending(message: { _id: unknown; ticketId: unknown; citizenId?: unknown; kind?: string | null }, text: string): Promise<string> {
      if (!text.includes(redacted)) return withCode(message, text);
      const token = tokenOf(message);
      // $setOnInsert: a link revoked since the first send stays revoked.
      await portalLinks(deps.models).ensure(hash(token), message.ticketId, message.citizenId ?? null);
      return withCode(message, text.replaceAll(redacted, `${deps.publicBaseUrl}/portal/${token}`));
    },
    /** The text shown again to its citizen (chat history): the same link, nothing written. */
    forShowing(message: { _id: unknown }, text: string): string {
      return text.includes(redacted) ? text.replaceAll(redacted, `${deps.publicBaseUrl}/portal/${tokenOf(message)}`) : text;
    },
  };
}
export type SentTexts = ReturnType<typeof createSentTexts>;
