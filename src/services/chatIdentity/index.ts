// A chat citizen proves the email or phone they typed: a 6-digit code goes out through the outbox on
// that channel (valid 10 minutes, 5 tries, rate-limited), and once it is typed back the chat joins that
// address's citizen exactly as a message from the address would: their record, their recurring agent,
// their open request's thread. Until then the address is a claim shown to agents as unverified.
// The code is never stored: it is derived from the id of the message that carries it (HMAC), put into
// the text only as it is sent, and checked by deriving it again.
// One use case per file beside this one.
import { bindAll } from '../bind.js';
import { confirm } from './confirm.js';
import { createChatIdentityContext, type ChatIdentityDeps } from './context.js';
import { verify } from './verify.js';

export { type VerifyChannel } from './context.js';

export function createChatIdentityService(deps: ChatIdentityDeps) {
  return bindAll(createChatIdentityContext(deps), { verify, confirm });
}
export type ChatIdentityService = ReturnType<typeof createChatIdentityService>;
