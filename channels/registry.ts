// The channels, listed once: what each is called, what its senders are known by, and on which channel
// a reply to it goes out (a call is answered by SMS: said here, and nowhere else). Types, the store's
// enums, the API's schemas and the pages' lists derive from it. Adding a channel: a folder under
// channels/ (its inbound side and its adapter, see channels/adapters.ts) and a line here.
export const CHANNELS = [
  { name: 'sms', identity: 'phone', replyVia: 'sms' },
  { name: 'voice', identity: 'phone', replyVia: 'sms' },
  { name: 'email', identity: 'email', replyVia: 'email' },
  { name: 'chat', identity: 'chat', replyVia: 'chat' },
  // The portal's messages come from a citizen already known by their link; its replies show there.
  { name: 'portal', identity: null, replyVia: 'portal' },
] as const satisfies readonly { name: string; identity: 'phone' | 'email' | 'chat' | null; replyVia: string }[];

export type ChannelName = (typeof CHANNELS)[number]['name'];
/** Every channel's name, in the registry's order. */
export const CHANNEL_NAMES = CHANNELS.map((c) => c.name) as ChannelName[];
/** The channels an agent can answer on, and a citizen write from (the portal aside: it shows every reply). */
export const REPLY_CHANNELS = ['sms', 'voice', 'email', 'chat'] as const satisfies readonly ChannelName[];

const byName = new Map<string, (typeof CHANNELS)[number]>(CHANNELS.map((c) => [c.name, c]));

/** The channel a reply to `channel` goes out on: a call is answered by SMS. */
export function replyVia<C extends ChannelName>(channel: C): Exclude<C, 'voice'> | 'sms' {
  return (byName.get(channel)?.replyVia ?? channel) as Exclude<C, 'voice'> | 'sms';
}

/** What the senders of `channel` are known by (null: the portal names its citizen). */
export function identityOf(channel: ChannelName): 'phone' | 'email' | 'chat' | null {
  return byName.get(channel)?.identity ?? null;
}
