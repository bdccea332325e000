// The only reader of process.env: one schema, validated once, a typed and frozen result.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseOpeningHours, type OpeningHours } from '../src/domain/calendar.js';
import { parseCidr } from '../src/domain/networks.js';

const Str = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));
const Int = (description: string, min: number, max: number, dflt: number) =>
  Type.Integer({ minimum: min, maximum: max, default: dflt, description });
const Bool = (description: string) => Type.Optional(Type.Boolean({ description }));

/** Every environment variable the server reads, with its default and meaning (the README table). */
export const EnvSchema = Type.Object({
  PORT: Int('HTTP port', 0, 65535, 3000),
  HOST: Type.String({ default: '127.0.0.1', description: 'address to listen on (0.0.0.0 behind a proxy)' }),
  PUBLIC_BASE_URL: Str('public URL of this server (Twilio signatures, portal links); default http://localhost:PORT'),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'pino log level' },
  ),
  MONGODB_URI: Str('MongoDB connection string; unset: the embedded FerretDB store in DATA_DIR'),
  DATA_DIR: Type.String({ default: '.data', description: 'folder of the embedded store and its generated secret' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'secret signing agent tokens (32+ chars); required with MONGODB_URI' })),
  JWT_TTL_MINUTES: Int('lifetime of an agent token', 1, 7 * 24 * 60, 480),
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', description: 'first admin created on an empty store' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, description: 'password of that admin (10+ chars)' })),
  DEMO: Bool('seed demo teams, agents and messages on an empty store; default on with the embedded store'),
  SANDBOX: Bool('the demo sandbox for SMS, voice and email (on with the demo embedded store when those channels have no provider settings); false turns it off'),
  DEFAULT_PHONE_REGION: Type.String({ default: 'FR', pattern: '^[A-Z]{2}$', description: 'region for phone numbers written without +' }),
  REOPEN_WINDOW_DAYS: Int('a message on a resolved ticket within this many days reopens it', 0, 365, 7),
  SLA_FIRST_RESPONSE_HOURS: Int('the answer promise, in business hours from the first message', 1, 24 * 30, 48),
  SLA_NEXT_RESPONSE_HOURS: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30, description: 'business hours to answer each later citizen message; default SLA_FIRST_RESPONSE_HOURS' })),
  SLA_BUSINESS_HOURS: Type.String({ default: 'mon-fri 00:00-24:00', description: 'the hours the promise counts (default: whole working days; public holidays never count); set it to the opening hours to count only those' }),
  SLA_AT_RISK_PERCENT: Int('share of the time after which a deadline is at risk (warned)', 1, 99, 80),
  TZ: Type.String({ default: 'Europe/Paris', description: 'time zone of business hours' }),
  SERVICE_NAME: Type.String({ default: 'la mairie', minLength: 1, description: 'how the phone greeting names the service ("Bonjour, vous êtes bien à …")' }),
  SERVICE_PHONE: Type.Optional(Type.String({ maxLength: 40, description: 'the service\'s phone number as citizens dial it, given where the chat cannot open ("01 23 45 67 89")' })),
  SERVICE_EMAIL: Type.Optional(Type.String({ maxLength: 200, description: 'the service\'s email address, given where the chat cannot open' })),
  OPENING_HOURS: Type.String({ default: 'mon-fri 08:30-12:00,13:30-17:30; sat 09:00-12:00', description: 'opening hours, e.g. "mon-fri 08:30-17:00; sat 09:00-12:00" (closed on French public holidays)' }),
  SMS_MAX_SEGMENTS: Int('longest SMS reply, in segments (153 GSM-7 or 67 UCS-2 characters each)', 1, 10, 6),
  VOICEMAIL_MAX_SECONDS: Int('longest voicemail', 10, 600, 120),
  RETENTION_DAYS: Int('requests closed for longer than this are anonymised (texts, files, addresses, names blanked; figures kept); per category in the automation settings', 30, 3650, 1095),
  VOICE_RECORD_CALLS: Bool('live calls are recorded (a French notice first), the recording kept with the call\'s entry and erased with the citizen; default off'),
  VOICE_QUEUE_MAX_SECONDS: Int('how long a call waits for the team before the voicemail', 30, 1800, 180),
  VOICE_RING_SECONDS: Int('within opening hours, how long a call rings at the caller\'s usual agent before the voicemail', 5, 60, 20),
  TRANSCRIPTION_LANGUAGE: Type.String({ default: 'fr-FR', pattern: '^[a-z]{2,3}-[A-Z]{2}$', description: 'language of the voicemails, for Twilio real-time transcription (BCP-47, e.g. fr-FR)' }),
  SATISFACTION_SURVEY: Type.Boolean({ default: true, description: 'ask the citizen one satisfaction question (1 to 5) when a request is resolved; false turns it off' }),
  CALLBACKS: Type.Boolean({ default: true, description: 'citizens may ask to be called back (portal, or key 1 after the phone greeting); agents call from the console through their own phone' }),
  CALLBACK_REGIONS: Type.String({ default: 'FR', pattern: '^[A-Z]{2}(,[A-Z]{2})*$', description: 'regions (ISO codes, comma-separated) whose mobile and landline numbers a call-back may ring besides the citizen\'s own; premium-rate, shared-cost and satellite numbers never' }),
  WEBHOOK_ALLOWED_NETWORKS: Type.String({ default: '', description: 'private networks (CIDR, comma-separated: 10.0.0.0/8) back-office webhooks may reach; loopback, link-local and metadata addresses are refused unless listed' }),
  BODY_LIMIT_BYTES: Int('largest accepted HTTP body', 1024, 50 * 1024 * 1024, 1024 * 1024),
  PORTAL_MAX_FILE_BYTES: Int('largest document a citizen may send from the portal (PDF, JPEG, PNG, HEIC; five per message)', 1024, 50 * 1024 * 1024, 10 * 1024 * 1024),
  TEAM_VISIBILITY: Type.Boolean({ default: false, description: "agents also see their team's tickets, not only their citizens' and those they cover" }),
  CHAT_ORIGINS: Type.String({ default: '', description: 'other web origins allowed to embed the chat widget, comma-separated (https://www.ville.fr)' }),
  CORS_ORIGINS: Type.String({ default: '', description: 'web origins whose pages may call the HTTP API from a browser (an intranet front end), comma-separated; none by default' }),
  CHAT_MAX_MESSAGE_CHARS: Int('longest chat message', 1, 20_000, 2000),
  CHAT_MESSAGES_PER_MINUTE: Int('chat messages per minute per session (after a burst of 5); three times that per address', 1, 600, 20),
  CHAT_SESSIONS_PER_HOUR: Int('new chat sessions per hour from one network address (after a burst of a twelfth of it, at least 5)', 1, 10_000, 30),
  CHAT_SESSION_IDLE_HOURS: Int('a chat session unused this long expires: resuming it starts a new one', 1, 24 * 90, 24),
  LOGIN_ATTEMPTS_PER_MINUTE: Int('login attempts per minute from one network address (after a burst of 10)', 1, 600, 10),
  IMAP_HOST: Str('IMAP server of the mailbox; unset: email off'),
  IMAP_PORT: Int('IMAP port', 1, 65535, 993),
  IMAP_USER: Str('IMAP login'),
  IMAP_PASSWORD: Str('IMAP password'),
  IMAP_TLS: Type.Boolean({ default: true, description: 'IMAP over TLS' }),
  IMAP_MAILBOX: Type.String({ default: 'INBOX', description: 'mailbox to read' }),
  IMAP_LEASE_SECONDS: Int('how long a dead instance keeps the mailbox before another takes over', 3, 600, 30),
  IMAP_PROCESSED_FOLDER: Str('folder a stored message is moved to (created if missing); unset: it stays, flagged seen'),
  IMAP_SENT_FOLDER: Type.String({ default: 'Sent', description: 'folder that keeps a copy of each reply sent, checked before a resend after a crash; empty: no copy' }),
  SMTP_HOST: Str('SMTP relay; unset: email off'),
  SMTP_PORT: Int('SMTP port', 1, 65535, 587),
  SMTP_USER: Str('SMTP login (optional)'),
  SMTP_PASSWORD: Str('SMTP password'),
  SMTP_TLS: Type.Boolean({ default: true, description: 'SMTP over TLS (STARTTLS or implicit)' }),
  MAIL_FROM: Str('From address of replies, e.g. "Mairie <contact@mairie.fr>"'),
  EMAIL_MAX_ATTACHMENT_BYTES: Int('largest email attachment kept (larger ones are listed, not stored)', 0, 15 * 1024 * 1024, 10 * 1024 * 1024),
  TWILIO_ACCOUNT_SID: Str('Twilio account SID; unset: SMS and voice off'),
  TWILIO_AUTH_TOKEN: Str('Twilio auth token (signs webhooks)'),
  TWILIO_PHONE_NUMBER: Str('the service number, E.164'),
  TWILIO_API_BASE_URL: Str('a Twilio-compatible API base URL; unset: Twilio itself'),
  TWILIO_API_KEY_SID: Str('API key for the agents\' browser softphone (access tokens); with TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID'),
  TWILIO_API_KEY_SECRET: Str('the API key\'s secret'),
  TWILIO_TWIML_APP_SID: Str('the TwiML app the browser softphone\'s calls use'),
  OUTBOX_LEASE_SECONDS: Int('how long a send may take before another instance may retry it (checking the provider first); keep it above the providers\' timeouts', 10, 600, 60),
  SPACE_CODES_PER_HOUR: Int('sign-in codes of the citizens\' space asked per hour from one network address (after a burst of a third of it); each address gets 3 an hour whatever the network, and each code 5 tries', 1, 100_000, 60),
  FRANCECONNECT_ISSUER: Str('FranceConnect (or another OpenID provider) for the citizens\' space, e.g. https://fcp.integ01.dev-franceconnect.fr/api/v1; https unless on the loopback address; unset: sign-in by code only'),
  FRANCECONNECT_CLIENT_ID: Str('the service\'s FranceConnect client id'),
  FRANCECONNECT_CLIENT_SECRET: Str('the service\'s FranceConnect client secret'),
  FRANCECONNECT_SCOPES: Type.String({ default: 'openid given_name family_name email', description: 'the claims asked of FranceConnect' }),
  REDIS_URL: Str('Redis for several instances (Socket.IO adapter); unset: single instance'),
});
export type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicBaseUrl: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly store: { readonly uri?: string; readonly dataDir: string };
  readonly auth: { readonly jwtSecret?: string; readonly tokenTtlMinutes: number; readonly loginAttemptsPerMinute: number };
  readonly bootstrap: { readonly adminEmail?: string; readonly adminPassword?: string; readonly demo: boolean };
  /** The demo's local sandbox per channel: on with the demo's embedded store when that channel has no provider settings. */
  readonly sandbox: { readonly sms: boolean; readonly voice: boolean; readonly email: boolean };
  readonly rules: {
    readonly defaultPhoneRegion: string;
    readonly reopenWindowDays: number;
    readonly slaFirstResponseHours: number;
    readonly timeZone: string;
  };
  readonly retentionDays: number;
  readonly service: { readonly name: string; readonly openingHours: OpeningHours; readonly phone: string | null; readonly email: string | null };
  readonly sla: { readonly hours: OpeningHours; readonly timeZone: string; readonly promiseHours: number; readonly nextResponseHours: number; readonly atRiskShare: number };
  readonly sms: { readonly maxSegments: number; readonly voicemailMaxSeconds: number; readonly ringSeconds: number; readonly queueMaxSeconds: number; readonly recordCalls: boolean; readonly transcriptionLanguage: string; readonly callbacks: boolean; readonly callbackRegions: readonly string[] };
  /** Networks (CIDR) besides the public internet that webhooks may reach. */
  readonly webhookAllowedNetworks: readonly string[];
  readonly http: { readonly bodyLimitBytes: number; readonly corsOrigins: readonly string[]; readonly portalMaxFileBytes: number };
  readonly access: { readonly teamVisibility: boolean };
  readonly satisfactionSurvey: boolean;
  readonly chat: {
    readonly origins: readonly string[];
    readonly maxMessageChars: number;
    readonly messagesPerMinute: number;
    readonly sessionsPerHour: number;
    readonly sessionIdleHours: number;
  };
  readonly email?: {
    readonly imap: { host: string; port: number; user: string; password: string; tls: boolean; mailbox: string; processedFolder?: string };
    readonly sentFolder?: string;
    readonly leaseSeconds: number;
    readonly smtp: { host: string; port: number; user?: string; password?: string; tls: boolean };
    readonly from: string;
    readonly maxAttachmentBytes: number;
  };
  readonly twilio?: { accountSid: string; authToken: string; phoneNumber: string; apiBaseUrl?: string; voiceSdk?: { apiKeySid: string; apiKeySecret: string; twimlAppSid: string } };
  readonly space: { readonly codesPerHour: number };
  readonly franceConnect?: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string; readonly scopes: string };
  readonly redisUrl?: string;
  readonly outbox: { readonly leaseSeconds: number };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

const BOOLEAN_WORDS: Record<string, boolean> = { '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false };

/** Reads the variables of EnvSchema from `env`; throws ConfigError naming the first wrong one. */
/** The variables of EnvSchema read from `env`, with their defaults; ConfigError names the first wrong one. */
function readEnv(env: Record<string, string | undefined>): Env {
  const raw: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if ((schema as { type?: string }).type === 'boolean') {
      const word = BOOLEAN_WORDS[value.trim().toLowerCase()];
      if (word === undefined) throw new ConfigError(name, `must be one of 1/0, true/false, yes/no, on/off (got "${value}")`);
      raw[name] = word;
    } else raw[name] = value;
  }
  const withDefaults = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  const firstError = Value.Errors(EnvSchema, withDefaults).First();
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '') || 'environment';
    throw new ConfigError(variable, `${firstError.message} (got "${env[variable] ?? ''}")`);
  }
  return withDefaults as Env;
}

/** Hours written like "mon-fri 08:30-17:00; sat 09:00-12:00", or a ConfigError naming the variable. */
function hoursOf(e: Env, variable: 'OPENING_HOURS' | 'SLA_BUSINESS_HOURS'): OpeningHours {
  try {
    return parseOpeningHours(e[variable]);
  } catch (err) {
    throw new ConfigError(variable, (err as Error).message);
  }
}

/** Variables that go together, and values a schema cannot check. */
function checkCombinations(e: Env): void {
  if (e.ADMIN_EMAIL && !e.ADMIN_PASSWORD) throw new ConfigError('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set');
  if (e.ADMIN_PASSWORD && !e.ADMIN_EMAIL) throw new ConfigError('ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set');
  if (e.MONGODB_URI && !e.JWT_SECRET) throw new ConfigError('JWT_SECRET', 'is required when MONGODB_URI is set (32+ random characters)');
  if (e.MONGODB_URI && !/^mongodb(\+srv)?:\/\//.test(e.MONGODB_URI)) throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://');
  if (!isTimeZone(e.TZ)) throw new ConfigError('TZ', `is not a known time zone (got "${e.TZ}")`);
}

/** A comma-separated list of web origins (https://www.ville.fr), or a ConfigError naming the variable. */
function originsOf(e: Env, variable: 'CHAT_ORIGINS' | 'CORS_ORIGINS'): string[] {
  const list = e[variable].split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
  const bad = list.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad) throw new ConfigError(variable, `has "${bad}", which is not an origin like https://www.ville.fr`);
  return list;
}

/** WEBHOOK_ALLOWED_NETWORKS as CIDR networks, or a ConfigError naming the one that is not. */
function networksOf(e: Env): string[] {
  const networks = e.WEBHOOK_ALLOWED_NETWORKS.split(',').map((n) => n.trim()).filter(Boolean);
  const bad = networks.find((n) => !parseCidr(n));
  if (bad) throw new ConfigError('WEBHOOK_ALLOWED_NETWORKS', `has "${bad}", which is not a network like 10.0.0.0/8 or fd00::/8`);
  return networks;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = readEnv(env);

  checkCombinations(e);

  const openingHours = hoursOf(e, 'OPENING_HOURS');
  const slaHours = hoursOf(e, 'SLA_BUSINESS_HOURS');

  const chatOrigins = originsOf(e, 'CHAT_ORIGINS');
  const corsOrigins = originsOf(e, 'CORS_ORIGINS');
  const webhookAllowedNetworks = networksOf(e);

  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicBaseUrl)) throw new ConfigError('PUBLIC_BASE_URL', `must be an http(s) URL (got "${publicBaseUrl}")`);

  const email = group(e, 'email', ['IMAP_HOST', 'SMTP_HOST', 'MAIL_FROM'], ['IMAP_USER', 'IMAP_PASSWORD'])
    ? {
        imap: { host: e.IMAP_HOST!, port: e.IMAP_PORT, user: e.IMAP_USER!, password: e.IMAP_PASSWORD!, tls: e.IMAP_TLS, mailbox: e.IMAP_MAILBOX, processedFolder: e.IMAP_PROCESSED_FOLDER },
        sentFolder: e.IMAP_SENT_FOLDER || undefined,
        leaseSeconds: e.IMAP_LEASE_SECONDS,
        smtp: { host: e.SMTP_HOST!, port: e.SMTP_PORT, user: e.SMTP_USER, password: e.SMTP_PASSWORD, tls: e.SMTP_TLS },
        from: e.MAIL_FROM!,
        maxAttachmentBytes: e.EMAIL_MAX_ATTACHMENT_BYTES,
      }
    : undefined;
  const twilio = group(e, 'SMS and voice', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_PHONE_NUMBER'], [])
    ? {
        accountSid: e.TWILIO_ACCOUNT_SID!, authToken: e.TWILIO_AUTH_TOKEN!, phoneNumber: e.TWILIO_PHONE_NUMBER!, apiBaseUrl: e.TWILIO_API_BASE_URL,
        voiceSdk: group(e, 'browser softphone', ['TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET', 'TWILIO_TWIML_APP_SID'], []) ? { apiKeySid: e.TWILIO_API_KEY_SID!, apiKeySecret: e.TWILIO_API_KEY_SECRET!, twimlAppSid: e.TWILIO_TWIML_APP_SID! } : undefined,
      }
    : undefined;

  // Never outside the demo: only the embedded store with demo data, and only where no provider is set.
  const demoSandbox = !e.MONGODB_URI && (e.DEMO ?? true) && e.SANDBOX !== false;
  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl,
    logLevel: e.LOG_LEVEL,
    store: { uri: e.MONGODB_URI, dataDir: e.DATA_DIR },
    auth: { jwtSecret: e.JWT_SECRET, tokenTtlMinutes: e.JWT_TTL_MINUTES, loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE },
    bootstrap: { adminEmail: e.ADMIN_EMAIL?.toLowerCase(), adminPassword: e.ADMIN_PASSWORD, demo: e.DEMO ?? !e.MONGODB_URI },
    sandbox: {
      sms: demoSandbox && !twilio,
      voice: demoSandbox && !twilio,
      email: demoSandbox && !email,
    },
    rules: {
      defaultPhoneRegion: e.DEFAULT_PHONE_REGION,
      reopenWindowDays: e.REOPEN_WINDOW_DAYS,
      slaFirstResponseHours: e.SLA_FIRST_RESPONSE_HOURS,
      timeZone: e.TZ,
    },
    retentionDays: e.RETENTION_DAYS,
    service: { name: e.SERVICE_NAME, openingHours, phone: e.SERVICE_PHONE?.trim() || null, email: e.SERVICE_EMAIL?.trim() || null },
    sla: {
      hours: slaHours,
      timeZone: e.TZ,
      promiseHours: e.SLA_FIRST_RESPONSE_HOURS,
      nextResponseHours: e.SLA_NEXT_RESPONSE_HOURS ?? e.SLA_FIRST_RESPONSE_HOURS,
      atRiskShare: e.SLA_AT_RISK_PERCENT / 100,
    },
    sms: { maxSegments: e.SMS_MAX_SEGMENTS, voicemailMaxSeconds: e.VOICEMAIL_MAX_SECONDS, ringSeconds: e.VOICE_RING_SECONDS, queueMaxSeconds: e.VOICE_QUEUE_MAX_SECONDS, recordCalls: e.VOICE_RECORD_CALLS ?? false, transcriptionLanguage: e.TRANSCRIPTION_LANGUAGE, callbacks: e.CALLBACKS, callbackRegions: e.CALLBACK_REGIONS.split(',') },
    webhookAllowedNetworks,
    http: { bodyLimitBytes: e.BODY_LIMIT_BYTES, corsOrigins, portalMaxFileBytes: e.PORTAL_MAX_FILE_BYTES },
    access: { teamVisibility: e.TEAM_VISIBILITY },
    satisfactionSurvey: e.SATISFACTION_SURVEY,
    chat: chatOf(e, chatOrigins),
    email,
    twilio,
    space: { codesPerHour: e.SPACE_CODES_PER_HOUR },
    franceConnect: franceConnectOf(e),
    redisUrl: e.REDIS_URL,
    outbox: { leaseSeconds: e.OUTBOX_LEASE_SECONDS },
  });
}

/** Every setting at its default (no variable set): the one place the services' defaults come from. */
export const DEFAULTS: Config = loadConfig({});

function chatOf(e: Env, origins: string[]): Config['chat'] {
  return { origins, maxMessageChars: e.CHAT_MAX_MESSAGE_CHARS, messagesPerMinute: e.CHAT_MESSAGES_PER_MINUTE, sessionsPerHour: e.CHAT_SESSIONS_PER_HOUR, sessionIdleHours: e.CHAT_SESSION_IDLE_HOURS };
}

/** FranceConnect's settings when set: over https, or plain http for a provider on this machine only. */
function franceConnectOf(e: Env): Config['franceConnect'] {
  if (!group(e, 'FranceConnect', ['FRANCECONNECT_ISSUER', 'FRANCECONNECT_CLIENT_ID', 'FRANCECONNECT_CLIENT_SECRET'], [])) return undefined;
  let issuer: URL;
  try {
    issuer = new URL(e.FRANCECONNECT_ISSUER!);
  } catch {
    throw new ConfigError('FRANCECONNECT_ISSUER', `is not a URL (got "${e.FRANCECONNECT_ISSUER}")`);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(issuer.hostname);
  if (issuer.protocol !== 'https:' && !(loopback && issuer.protocol === 'http:')) throw new ConfigError('FRANCECONNECT_ISSUER', 'must be https (plain http only for a provider on the loopback address)');
  return { issuer: issuer.href.replace(/\/+$/, ''), clientId: e.FRANCECONNECT_CLIENT_ID!, clientSecret: e.FRANCECONNECT_CLIENT_SECRET!, scopes: e.FRANCECONNECT_SCOPES };
}

/** A channel is on when all its key variables are set, off when none is; half set is an error. */
function group(e: Env, channel: string, keys: (keyof Env)[], alsoRequired: (keyof Env)[]): boolean {
  const set = keys.filter((k) => e[k] !== undefined);
  if (set.length === 0) return false;
  const missing = [...keys, ...alsoRequired].find((k) => e[k] === undefined);
  if (missing) throw new ConfigError(missing, `is required to turn ${channel} on (${set.join(', ')} set)`);
  return true;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('fr-FR', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
