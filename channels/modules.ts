// The channels' inbound sides, one module per folder, mounted by the app (routes), the composition
// (listeners) and the realtime server (sockets) by looping over this list. What each channel is (its
// name, identity, replyVia) is said once in registry.ts; this list says how each comes in.
import { emailChannel } from './email/index.js';
import { twilioChannel } from './twilio/index.js';
import type { ChannelModule } from './types.js';
import { webchatChannel } from './webchat/index.js';

export const CHANNEL_MODULES: readonly ChannelModule[] = [twilioChannel, emailChannel, webchatChannel];
