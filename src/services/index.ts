// Builds every use case on one store: called by the composition root and by tests alike.
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { createAgentService } from './agents.js';
import { createAudit } from './audit.js';
import { createCitizenService } from './citizens.js';
import { EventBus } from './eventBus.js';
import { createIngestInbound } from './ingestInbound.js';
import { createTokens } from './tokens.js';

export interface ServiceOptions {
  jwtSecret: string;
  tokenTtlMinutes: number;
  rules: { defaultPhoneRegion: string; reopenWindowDays: number; slaFirstResponseHours: number };
  now?: () => Date;
}

export function createServices(store: Store, log: Logger, options: ServiceOptions) {
  const now = options.now ?? (() => new Date());
  const events = new EventBus(log);
  const audit = createAudit(store.models, now);
  const tokens = createTokens({ secret: options.jwtSecret, ttlMinutes: options.tokenTtlMinutes, now });
  const agents = createAgentService({ models: store.models, tokens, audit });
  const citizens = createCitizenService({ models: store.models, audit, rules: options.rules });
  const ingestInbound = createIngestInbound({ models: store.models, events, audit, now, log, rules: options.rules });
  return { store, models: store.models, events, audit, tokens, agents, citizens, ingestInbound, now };
}
export type Services = ReturnType<typeof createServices>;
