// The channels, listed once: what everything else derives from.
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, identityOf, REPLY_CHANNELS, replyVia } from '../../channels/registry.js';
import { CHANNELS } from '../../src/domain/ticket.js';

describe('channel registry', () => {
  it('says once that a call is answered by SMS, and what each channel’s senders are known by', () => {
    expect(CHANNEL_NAMES.map((c) => [c, replyVia(c), identityOf(c)])).toEqual([
      ['sms', 'sms', 'phone'], ['voice', 'sms', 'phone'], ['email', 'email', 'email'], ['chat', 'chat', 'chat'], ['portal', 'portal', null],
    ]);
  });
  it('is the list the store and the API use', () => {
    expect(CHANNELS).toEqual(CHANNEL_NAMES);
    expect(REPLY_CHANNELS.every((c) => CHANNEL_NAMES.includes(c))).toBe(true);
  });
});
