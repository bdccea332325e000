// What every portal use case shares: its dependencies, the per-link rate limit, the key links are
// derived with, and the one way a token leads to its ticket (the same "not found" for a wrong,
// revoked or malformed token).
import { NotFound } from '../../domain/errors.js';
import type { Models } from '../../store/index.js';
import { portalLinks } from '../../store/repositories/portalLinks.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { Audit } from '../audit.js';
import type { DocumentService } from '../documents.js';
import type { IngestInbound } from '../ingest/index.js';
import type { Bucket, Limits } from '../limits.js';
import { hash, type SentTexts } from '../sentTexts.js';

export { hash };

/** "+33 6 •• •• •• 78": enough for the citizen to recognise their number, not to learn someone's. */
export const maskPhone = (e164: string) => `${e164.slice(0, 3)}${'•'.repeat(Math.max(e164.length - 5, 0))}${e164.slice(-2)}`;


export interface PortalDeps {
  models: Models;
  limits: Limits;
  audit: Audit;
  ingestInbound: IngestInbound;
  now: () => Date;
  publicBaseUrl: string;
  /** The citizen's link in what is sent, and the key it is derived with. */
  sentTexts: SentTexts;
  /** The half-days a citizen may choose for a call-back (none when call-backs are off). */
  callbackSlots?: () => { slot: string; label: string }[];
  documents: DocumentService;
  satisfactionEnabled?: boolean;
  /** How the portal names the service (SERVICE_NAME). */
  serviceName?: string;
}
export interface PortalContext extends PortalDeps {
  /** Counted before a body is read, so refused tries count too: a burst of 10 lets a citizen retry a refused file. */
  posts: Bucket;
}

export function createPortalContext(deps: PortalDeps): PortalContext {
  return {
    ...deps,
    posts: deps.limits.bucket('portal-link', 10, 10 / 60),
  };
}


/** The ticket behind a token; the same "not found" for a wrong, revoked or malformed token. */
export async function resolve(ctx: PortalContext, token: string): Promise<TicketDoc> {
  const ticket = /^[\w-]{20,100}$/.test(token) ? await portalLinks(ctx.models).ticketOf(hash(token)) : null;
  if (!ticket) throw new NotFound('portal.not_found');
  return ticket;
}
