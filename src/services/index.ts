// Builds every use case on one store: called by the composition root and by tests alike.
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { ChannelAdapter, Dialer, InboundChannel } from '../../channels/types.js';
import { createDailyFigures } from './dailyFigures.js';
import { createCallbackService } from './callbacks/index.js';
import { createAccess } from './access.js';
import { createAcknowledger } from './acknowledgement.js';
import { createAgentService } from './agents/index.js';
import { createTeamService } from './teams.js';
import { createAudit } from './audit.js';
import { createAutomationService } from './automation.js';
import { createCannedAnswerService } from './cannedAnswers.js';
import { createChatService } from './chat.js';
import { createChatIdentityService } from './chatIdentity/index.js';
import { createCitizenSpace, type FranceConnectSettings } from './citizenSpace/index.js';
import { createEmailService } from './email.js';
import { createCitizenService } from './citizens/index.js';
import { EventBus } from './eventBus.js';
import { createIngestInbound } from './ingest/index.js';
import { createOutbox } from './outbox/index.js';
import { createDocumentService } from './documents.js';
import { createIntegrationService } from './integrations/index.js';
import { createPortalService } from './portal/index.js';
import { createSatisfactionService } from './satisfaction.js';
import { createSentTexts } from './sentTexts.js';
import { createStatsService } from './stats.js';
import { createRequestsExport } from './requestsExport.js';
import { createTicketService } from './tickets/index.js';
import { replyChannels } from './tickets/reply.js';
import { createSlaPolicy, type SlaSettings } from './sla.js';
import { createTokens } from './tokens.js';
import type { OpeningHours } from '../domain/calendar.js';
import { DEFAULTS } from '../../config/index.js';
import { createVoiceService } from './voice.js';
import { createLiveCalls } from './liveCalls.js';
import { createVoiceTokens } from '../../channels/twilio/accessTokens.js';
import { webhookNetworks } from '../domain/networks.js';
import { memoryLimits, type Limits } from './limits.js';
import { createInbound } from './inbound.js';
import { lookups } from '../store/repositories/lookups.js';

export interface ServiceOptions {
  jwtSecret: string;
  /** How acknowledgements and the phone greeting name the service. */
  serviceName?: string;
  /** Agents also see their team's tickets. */
  teamVisibility?: boolean;
  /** Domain of our email Message-IDs (from MAIL_FROM). */
  mailDomain?: string;
  /** Public URL of the server, for portal links. */
  publicBaseUrl?: string;
  /** The promise's calendar; default: config/'s (48 h of working days in Europe/Paris). */
  sla?: SlaSettings;
  tokenTtlMinutes: number;
  /** A chat session unused this long expires. */
  chatSessionIdleHours?: number;
  /** Login attempts per minute from one network address. */
  loginAttemptsPerMinute?: number;
  rules: { defaultPhoneRegion: string; reopenWindowDays: number; slaFirstResponseHours: number };
  /** When the service answers the phone (call-back slots); default: config/'s OPENING_HOURS. */
  openingHours?: { hours: OpeningHours; timeZone: string };
  /** The Twilio Voice SDK's credentials: live calls may ring the agents' browsers, which get access tokens. */
  voiceSdk?: { accountSid: string; apiKeySid: string; apiKeySecret: string; twimlAppSid: string };
  /** Citizens may ask to be called back (default on). */
  callbacks?: boolean;
  /** Ask one satisfaction question when a request is resolved (default on). */
  satisfactionSurvey?: boolean;
  /** Regions whose mobile and landline numbers a call-back may ring (besides the citizen's own). */
  callbackRegions?: readonly string[];
  /** Private networks (CIDR) back-office webhooks may reach. */
  webhookAllowedNetworks?: readonly string[];
  /** Where rate limits count: this instance's memory (default) or Redis for several instances. */
  limits?: Limits;
  /** FranceConnect for the citizens' space (FRANCECONNECT_*), when set. */
  /** Sign-in codes of the space asked per hour from one network address. */
  spaceCodesPerHour?: number;
  franceConnect?: Omit<FranceConnectSettings, 'redirectUri' | 'postLogoutRedirectUri'> | null;
  /** Largest document a citizen may send from the portal. */
  portalMaxFileBytes?: number;
  now?: () => Date;
}

export function createServices(store: Store, log: Logger, options: ServiceOptions, adapters: ReadonlyMap<InboundChannel, ChannelAdapter> = new Map(), dialer: Dialer | null = null) {
  const now = options.now ?? (() => new Date());
  const events = new EventBus(log);
  const limits = options.limits ?? memoryLimits(now);
  const sla = createSlaPolicy(options.sla ?? { ...DEFAULTS.sla, promiseHours: options.rules.slaFirstResponseHours, nextResponseHours: options.rules.slaFirstResponseHours });
  const serviceName = options.serviceName ?? DEFAULTS.service.name;
  const teamVisibility = options.teamVisibility ?? DEFAULTS.access.teamVisibility;
  const satisfactionEnabled = options.satisfactionSurvey ?? DEFAULTS.satisfactionSurvey;
  const audit = createAudit(store.models, now);
  const tokens = createTokens({ secret: options.jwtSecret, ttlMinutes: options.tokenTtlMinutes, now });
  const citizens = createCitizenService({ models: store.models, audit, events, now, rules: options.rules });
  const agents = createAgentService({ models: store.models, tokens, audit, events, now, loginAttemptsPerMinute: options.loginAttemptsPerMinute, phoneRegion: options.rules.defaultPhoneRegion, limits, handOver: citizens.handOver });
  const teams = createTeamService({ models: store.models, audit });
  // Personal links and verification codes exist only in what is sent.
  const sentTexts = createSentTexts({ models: store.models, publicBaseUrl: options.publicBaseUrl ?? DEFAULTS.publicBaseUrl, secret: options.jwtSecret });
  const outbox = createOutbox({ models: store.models, events, adapters, now, log, mailDomain: options.mailDomain, expandLinks: sentTexts.forSending });
  const automation = createAutomationService({ models: store.models, audit });
  const acknowledge = createAcknowledger({
    models: store.models,
    outbox,
    log,
    template: async (channel) => (await automation.recent()).acknowledgements[channel],
    settings: {
      promiseHours: options.rules.slaFirstResponseHours,
      serviceName,
      portalLink: async () => sentTexts.redactedLink(),
      spaceLink: `${options.publicBaseUrl ?? DEFAULTS.publicBaseUrl}/espace`,
    },
  });
  // Statistics count days in the time zone of the promise's clock.
  const timeZone = options.sla?.timeZone ?? DEFAULTS.sla.timeZone;
  const dailyFigures = createDailyFigures({ models: store.models, now, timeZone });
  const ingestInbound = createIngestInbound({ models: store.models, events, audit, now, log, rules: options.rules, acknowledge, sla, classify: automation.classify, storedLate: dailyFigures.reopen });
  const callbacks = createCallbackService({
    models: store.models, events, audit, ingestInbound, now, log, dialer, browserCalls: !!options.voiceSdk,
    settings: {
      openingHours: options.openingHours?.hours ?? DEFAULTS.service.openingHours,
      timeZone: options.openingHours?.timeZone ?? DEFAULTS.rules.timeZone,
      defaultPhoneRegion: options.rules.defaultPhoneRegion,
      enabled: options.callbacks ?? DEFAULTS.sms.callbacks,
      regions: options.callbackRegions ?? DEFAULTS.sms.callbackRegions,
    },
  });
  const documents = createDocumentService({ models: store.models, now, maxBytes: options.portalMaxFileBytes ?? DEFAULTS.http.portalMaxFileBytes });
  const portal = createPortalService({ models: store.models, limits, audit, ingestInbound, now, callbackSlots: callbacks.slots, documents, satisfactionEnabled, publicBaseUrl: options.publicBaseUrl ?? DEFAULTS.publicBaseUrl, sentTexts, serviceName });
  const voice = createVoiceService({ models: store.models, events, ingestInbound, now, log });
  const liveCalls = createLiveCalls({ models: store.models, events, audit, voice, now, log, browserCalls: !!options.voiceSdk, dialer, menu: async () => (await automation.recent()).voiceMenu });
  const voiceTokens = options.voiceSdk ? createVoiceTokens(options.voiceSdk, now) : null;
  const chat = createChatService({ models: store.models, ingestInbound, now, rules: options.rules, sessionIdleHours: options.chatSessionIdleHours, showLinks: sentTexts.forShowing });
  const chatIdentity = createChatIdentityService({ models: store.models, limits, outbox, citizens, audit, events, now, log, sentTexts, serviceName });
  const access = createAccess({ models: store.models, teamVisibility });
  // The question goes to the citizen's channels, found as a reply's are.
  const satisfaction = createSatisfactionService({
    models: store.models, outbox, events, audit, now, log, enabled: satisfactionEnabled,
    settings: { defaultPhoneRegion: options.rules.defaultPhoneRegion, serviceName },
    channelsOf: (ticket) => replyChannels({ models: store.models, outbox }, ticket),
    portalLink: sentTexts.redactedLink,
  });
  const tickets = createTicketService({
    models: store.models, events, audit, outbox, access, now, log, sla, portal, documents,
    onResolved: satisfaction.ask,
    settings: { teamVisibility, phoneRegion: options.rules.defaultPhoneRegion },
  });
  const inbound = createInbound({ ingestInbound, citizens, satisfaction, defaultPhoneRegion: options.rules.defaultPhoneRegion });
  const integrations = createIntegrationService({ models: store.models, events, audit, now, log, secret: options.jwtSecret, networks: webhookNetworks(options.webhookAllowedNetworks ?? DEFAULTS.webhookAllowedNetworks) });
  const cannedAnswers = createCannedAnswerService({ models: store.models, audit });
  const email = createEmailService({ models: store.models, ingestInbound, outbox, now, log });
  const stats = createStatsService({ models: store.models, now, figures: dailyFigures });
  const requestsExport = createRequestsExport({ models: store.models, now, timeZone });
  const publicBaseUrl = options.publicBaseUrl ?? DEFAULTS.publicBaseUrl;
  const space = createCitizenSpace({
    models: store.models, limits, outbox, sentTexts, audit, events, ingestInbound, portal, callbacks, satisfaction, automation, now, log,
    phoneRegion: options.rules.defaultPhoneRegion, serviceName, codesPerHour: options.spaceCodesPerHour ?? DEFAULTS.space.codesPerHour,
    franceConnect: options.franceConnect ? { ...options.franceConnect, redirectUri: `${publicBaseUrl}/api/citizen/franceconnect/callback`, postLogoutRedirectUri: `${publicBaseUrl}/espace` } : null,
  });
  return { store, models: store.models, lookups: lookups(store.models), events, limits, inbound, audit, tokens, agents, teams, citizens, outbox, ingestInbound, voice, liveCalls, voiceTokens, callbacks, chat, chatIdentity, documents, satisfaction, integrations, access, tickets, cannedAnswers, sla, portal, automation, stats, requestsExport, email, space, now };
}
export type Services = ReturnType<typeof createServices>;
