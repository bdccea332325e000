// What every use case of « Mon espace » shares: its dependencies, the limits (codes per address and
// per network address, guesses per network address, messages per session), how long a session lives,
// and the session as the routes hand it over.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { normaliseEmail, normalisePhone, type Identity } from '../../domain/identity.js';
import type { Models } from '../../store/index.js';
import { citizenSpaceStore, type CitizenSpaceStore } from '../../store/repositories/citizenSpace.js';
import type { Audit } from '../audit.js';
import type { AutomationService } from '../automation.js';
import type { CallbackService } from '../callbacks/index.js';
import type { EventBus } from '../eventBus.js';
import type { IngestInbound } from '../ingest/index.js';
import type { Bucket, Limits } from '../limits.js';
import type { Outbox } from '../outbox/index.js';
import type { PortalService } from '../portal/index.js';
import type { SatisfactionService } from '../satisfaction.js';
import type { SentTexts } from '../sentTexts.js';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_TRIES = 5;
/** A session unused for 30 minutes ends; none lasts more than 8 hours. */
export const IDLE_MS = 30 * 60_000;
export const LONGEST_MS = 8 * 3_600_000;

export interface CitizenSpaceDeps {
  models: Models;
  limits: Limits;
  outbox: Outbox;
  sentTexts: SentTexts;
  audit: Audit;
  events: EventBus;
  ingestInbound: IngestInbound;
  portal: PortalService;
  callbacks: CallbackService;
  satisfaction: SatisfactionService;
  automation: AutomationService;
  now: () => Date;
  log: Logger;
  phoneRegion: string;
  serviceName: string;
  /** Codes asked per hour from one network address (SPACE_CODES_PER_HOUR); twice that many tries. */
  codesPerHour: number;
}
export interface CitizenSpaceContext extends CitizenSpaceDeps {
  store: CitizenSpaceStore;
  /** Codes sent to one address: nobody floods someone else's phone. */
  codesPerAddress: Bucket;
  /** Codes asked and codes tried from one network address. */
  codesPerNetwork: Bucket;
  guessesPerNetwork: Bucket;
  /** Messages, documents, call-backs and new requests per session. */
  posts: Bucket;
}

export function createCitizenSpaceContext(deps: CitizenSpaceDeps): CitizenSpaceContext {
  return {
    ...deps,
    store: citizenSpaceStore(deps.models),
    codesPerAddress: deps.limits.bucket('space-code-address', 3, 3 / 3600),
    codesPerNetwork: deps.limits.bucket('space-code-network', Math.max(5, Math.ceil(deps.codesPerHour / 3)), deps.codesPerHour / 3600),
    guessesPerNetwork: deps.limits.bucket('space-guess-network', Math.max(10, Math.ceil((2 * deps.codesPerHour) / 3)), (2 * deps.codesPerHour) / 3600),
    posts: deps.limits.bucket('space-post', 10, 10 / 60),
  };
}

/** A session of the space, as the routes hand it to the use cases. */
export interface SpaceSession {
  id: string;
  /** Null: a FranceConnect identity not linked yet (the space is empty until a code links it). */
  citizenId: string | null;
  method: 'code' | 'franceconnect';
  /** When it ends if unused (30 minutes from now, never past 8 hours from its start). */
  expiresAt: Date;
  franceConnectSub: string | null;
}

/** Only a hash of the cookie is stored. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** What a citizen types: an email, or a phone number in any usual writing. */
export function addressOf(raw: string, region: string): Identity | null {
  const text = raw.trim();
  if (text.includes('@')) {
    const email = normaliseEmail(text);
    return email ? { kind: 'email', value: email } : null;
  }
  const phone = /^[+\d\s().-]{6,30}$/.test(text) ? normalisePhone(text, region) : null;
  return phone ? { kind: 'phone', value: phone } : null;
}
