// The real Twilio SDK, optionally pointed at a Twilio-compatible base URL (TWILIO_API_BASE_URL): every
// request keeps the SDK's own HTTP stack, only its origin changes.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

export type TwilioClient = ReturnType<typeof twilio>;

export function createTwilioClient(settings: { accountSid: string; authToken: string; apiBaseUrl?: string }): TwilioClient {
  if (!settings.apiBaseUrl) return twilio(settings.accountSid, settings.authToken);
  const base = new URL(settings.apiBaseUrl);
  class RebasedRequestClient extends twilio.RequestClient {
    override request<T>(opts: RequestClient.RequestOptions<T>) {
      const target = new URL(opts.uri);
      const prefix = base.pathname.replace(/\/+$/, '');
      const uri = `${base.origin}${prefix}${target.pathname}${target.search}`;
      return super.request<T>({ ...opts, uri });
    }
  }
  return twilio(settings.accountSid, settings.authToken, { httpClient: new RebasedRequestClient({ timeout: 10_000 }) });
}
