// Email: the mailbox read by IMAP (inbound.ts) when its settings are present; replies go out by SMTP (sender.ts).
import type { ChannelModule } from '../types.js';
import { createEmailInbound } from './inbound.js';

export const emailChannel: ChannelModule = {
  names: ['email'],
  listener: ({ config, services, log, imap }) => (config.email ? createEmailInbound({ email: config.email, mailbox: services.email, now: services.now, log, imap }) : null),
};
