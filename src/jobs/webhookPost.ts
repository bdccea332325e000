// One webhook POST, to an address the network rule allows (src/domain/networks.ts): the name is resolved
// here and the connection goes to the very address checked, so a name that answers a public address to
// the check and a private one to the connection (DNS rebinding) gets nowhere. No redirect is followed.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { WebhookNetworks } from '../domain/networks.js';

export type PostResult = { status: number } | { unreachable: string };

/** A lookup that answers only addresses the rule allows, and fails for a name that resolves to a refused one. */
export const guardedLookup = (networks: WebhookNetworks): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 4);
    const refused = addresses.find((a) => !networks.allows(a.address));
    if (refused || addresses.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to a refused address`), { code: 'EADDRREFUSED' }), '', 4);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** The host of a URL as the network rule reads it ("[::1]" → "::1"). */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

export function postWebhook(target: string, input: { headers: Record<string, string>; body: string; timeoutMs: number; networks: WebhookNetworks }): Promise<PostResult> {
  const url = new URL(target);
  const host = hostOf(url);
  if (isIP(host) && !input.networks.allows(host)) return Promise.resolve({ unreachable: 'EADDRREFUSED' });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
      lookup: guardedLookup(input.networks),
      timeout: input.timeoutMs,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: Error & { code?: string }) => resolve({ unreachable: err.code ?? err.message }));
    req.end(input.body);
  });
}
