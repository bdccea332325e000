// The one entry of what citizens send, whatever the channel: a consent keyword (STOP / START, from a
// number we text), the answer to the satisfaction question ("4"), or a message for the pipeline. Webhook
// routes, the sandbox and listeners hand their parsed message here.
import type { InboundMessage } from '../../channels/types.js';
import { phoneSender } from '../domain/identity.js';
import { consentKeyword } from '../domain/sms.js';
import type { CitizenService } from './citizens/index.js';
import type { IngestInbound, IngestResult } from './ingest/index.js';
import type { SatisfactionService } from './satisfaction.js';

export type Received =
  | { kind: 'consent'; keyword: 'stop' | 'start'; known: boolean }
  | { kind: 'survey_answer'; ticketId: string; reference: string }
  | ({ kind: 'message' } & IngestResult);

export function createInbound(deps: { ingestInbound: IngestInbound; citizens: CitizenService; satisfaction: SatisfactionService; defaultPhoneRegion: string }) {
  return {
    async receive(message: InboundMessage): Promise<Received> {
      // STOP and START only mean something from a number we send SMS to.
      const keyword = message.channel === 'sms' && 'identity' in phoneSender(message.from.address, deps.defaultPhoneRegion) ? consentKeyword(message.text) : null;
      if (keyword) return { kind: 'consent', keyword, ...(await deps.citizens.setSmsConsent(message.from.address, keyword)) };
      // "4" after the satisfaction question is its answer, not a new request.
      const answer = await deps.satisfaction.fromSms(message);
      if (answer) return { kind: 'survey_answer', ...answer };
      return { kind: 'message', ...(await deps.ingestInbound(message)) };
    },
  };
}
export type Inbound = ReturnType<typeof createInbound>;
