// A loopback HTTP peer that speaks Twilio's REST shapes for Messages and Calls: the real twilio SDK sends to it
// (TWILIO_API_BASE_URL) over real HTTP. Tests script its answers per destination number.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import twilio from 'twilio';

export interface PeerRequest {
  method: string;
  path: string;
  accountSid: string | null;
  form: Record<string, string>;
  query: Record<string, string>;
}
export interface StoredCall { sid: string; to: string; from: string; url: string; statusCallback?: string; statusCallbackEvent: string[] }
export interface StoredSms { sid: string; to: string; from: string; body: string; dateSent: Date; statusCallback?: string }

export async function startTwilioPeer() {
  const requests: PeerRequest[] = [];
  const messages: StoredSms[] = [];
  const calls: StoredCall[] = [];
  /** Live calls redirected by the API (a waiting call taken by an agent): the TwiML they were given. */
  const callUpdates: { sid: string; twiml: string }[] = [];
  /** Scripted answers: a destination number → a Twilio error. */
  const failures = new Map<string, { status: number; code: number; message: string }>();
  let down = false;

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://peer');
    const form = Object.fromEntries(new URLSearchParams(body));
    const auth = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString() : null;
    const request = { method: req.method ?? '', path: url.pathname, accountSid: auth?.split(':')[0] ?? null, form, query: Object.fromEntries(url.searchParams) };
    requests.push(request);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (down) return send(503, { code: 20500, message: 'Service unavailable', status: 503 });
    const updateMatch = /^\/2010-04-01\/Accounts\/(AC\w+)\/Calls\/(CA\w+)\.json$/.exec(url.pathname);
    if (updateMatch && req.method === 'POST') {
      callUpdates.push({ sid: updateMatch[2]!, twiml: form.Twiml ?? '' });
      return send(200, { sid: updateMatch[2], account_sid: updateMatch[1], status: 'in-progress', direction: 'inbound', date_created: new Date().toUTCString() });
    }
    const callMatch = /^\/2010-04-01\/Accounts\/(AC\w+)\/Calls\.json$/.exec(url.pathname);
    if (callMatch && req.method === 'POST') {
      const failure = failures.get(form.To ?? '');
      if (failure) return send(failure.status, { code: failure.code, message: failure.message, more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status });
      const events = new URLSearchParams(body).getAll('StatusCallbackEvent');
      const call: StoredCall = { sid: `CA${randomBytes(16).toString('hex')}`, to: form.To ?? '', from: form.From ?? '', url: form.Url ?? '', statusCallback: form.StatusCallback, statusCallbackEvent: events };
      calls.push(call);
      return send(201, { sid: call.sid, account_sid: callMatch[1], to: call.to, from: call.from, status: 'queued', direction: 'outbound-api', date_created: new Date().toUTCString() });
    }
    const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(url.pathname);
    if (!match) return send(404, { code: 20404, message: 'not found', status: 404 });
    if (req.method === 'GET') {
      const after = url.searchParams.get('DateSent>') ? new Date(url.searchParams.get('DateSent>')!) : new Date(0);
      const found = messages.filter((m) => (!url.searchParams.get('To') || m.to === url.searchParams.get('To')) && m.dateSent >= after);
      return send(200, {
        messages: found.map((m) => ({ sid: m.sid, to: m.to, from: m.from, body: m.body, status: 'sent', date_sent: m.dateSent.toUTCString(), account_sid: match[1] })),
        page: 0, page_size: 50, first_page_uri: url.pathname, next_page_uri: null, previous_page_uri: null, uri: url.pathname,
      });
    }
    const failure = failures.get(form.To ?? '');
    if (failure) return send(failure.status, { code: failure.code, message: failure.message, more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status });
    const sms: StoredSms = { sid: `SM${randomBytes(16).toString('hex')}`, to: form.To ?? '', from: form.From ?? '', body: form.Body ?? '', dateSent: new Date(), statusCallback: form.StatusCallback };
    messages.push(sms);
    return send(201, { sid: sms.sid, account_sid: match[1], to: sms.to, from: sms.from, body: sms.body, status: 'queued', num_segments: '1', date_created: sms.dateSent.toUTCString() });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    calls,
    callUpdates,
    failures,
    setDown(value: boolean) {
      down = value;
    },
    sent: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** Posts a webhook as Twilio does: form-encoded, signed with the auth token over PUBLIC_BASE_URL + path. */
export async function postSignedWebhook(
  target: { base: string; publicBaseUrl: string; authToken: string },
  path: string,
  params: Record<string, string>,
  options: { signature?: string | null; signUrl?: string } = {},
) {
  const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(target.authToken, options.signUrl ?? `${target.publicBaseUrl}${path}`, params) : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const res = await fetch(`${target.base}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The form Twilio posts for an incoming SMS. */
export const smsForm = (accountSid: string, to: string, from: string, body: string, messageSid: string) => ({
  MessageSid: messageSid, SmsSid: messageSid, AccountSid: accountSid, From: from, To: to, Body: body,
  NumMedia: '0', NumSegments: '1', FromCountry: 'FR', ApiVersion: '2010-04-01',
});

/** The settings that point the app's Twilio channel at an account and a (loopback) API. */
export const twilioEnv = (account: { accountSid: string; authToken: string; number: string }, apiBaseUrl: string): Record<string, string> => ({
  TWILIO_ACCOUNT_SID: account.accountSid, TWILIO_AUTH_TOKEN: account.authToken, TWILIO_PHONE_NUMBER: account.number, TWILIO_API_BASE_URL: apiBaseUrl,
});

/** Twilio's side of a call: what it reads in the TwiML we answer (the <Dial>'s action and timeout, the leg it rings and where it tells that leg's statuses), so a test posts the callbacks Twilio would. */
export function readDial(twiml: string) {
  const dial = /<Dial ([^>]*)>(.*?)<\/Dial>/.exec(twiml);
  if (!dial) return null;
  const attr = (text: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(text)?.[1];
  const leg = /<(Number|Client) ([^>]*)>([^<]*)<\/(?:Number|Client)>/.exec(dial[2]!)!;
  return { action: attr(dial[1]!, 'action')!, timeout: attr(dial[1]!, 'timeout'), kind: leg[1], to: leg[3], statusCallback: attr(leg[2]!, 'statusCallback')! };
}
