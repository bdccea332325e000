// What the verification of a chat's address shares: its dependencies (sentTexts derives the codes),
// the limits on codes sent (per session: a citizen retrying; per address: nobody floods someone else's
// phone), and the address a session claims.
import type { Logger } from 'pino';
import type { Identity } from '../../domain/identity.js';
import type { Models } from '../../store/index.js';
import { chatSessions, type ChatSessions } from '../../store/repositories/chatSessions.js';
import { senders, type Senders } from '../../store/repositories/senders.js';
import { threads, type Threads } from '../../store/repositories/threads.js';
import type { ChatSessionDoc } from '../../store/models/chatSession.js';
import type { Audit } from '../audit.js';
import type { CitizenService } from '../citizens/index.js';
import type { EventBus } from '../eventBus.js';
import type { Bucket, Limits } from '../limits.js';
import type { Outbox } from '../outbox/index.js';
import type { SentTexts } from '../sentTexts.js';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_TRIES = 5;

export type VerifyChannel = 'email' | 'sms';

export interface ChatIdentityDeps {
  models: Models;
  limits: Limits;
  outbox: Outbox;
  citizens: CitizenService;
  audit: Audit;
  events: EventBus;
  now: () => Date;
  log: Logger;
  sentTexts: SentTexts;
  serviceName: string;
}
export interface ChatIdentityContext extends ChatIdentityDeps {
  perSession: Bucket;
  perAddress: Bucket;
  sessions: ChatSessions;
  senders: Senders;
  threads: Threads;
}

export function createChatIdentityContext(deps: ChatIdentityDeps): ChatIdentityContext {
  return {
    ...deps,
    perSession: deps.limits.bucket('code-session', 3, 1 / 300),
    perAddress: deps.limits.bucket('code-address', 5, 5 / 3600),
    sessions: chatSessions(deps.models),
    senders: senders(deps.models),
    threads: threads(deps.models),
  };
}


/** The address a session claims on that channel, if any. */
export function claimOf(session: ChatSessionDoc, channel: VerifyChannel): Identity | null {
  const value = channel === 'email' ? session.claimedEmail : session.claimedPhone;
  return value ? { kind: channel === 'email' ? 'email' : 'phone', value } : null;
}
