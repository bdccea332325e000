// Web chat: the widget's socket side (sockets.ts) on the /chat namespace, always on.
import type { ChannelModule } from '../types.js';
import { mountChatSockets } from './sockets.js';

export const webchatChannel: ChannelModule = {
  names: ['chat'],
  sockets: ({ chat, agents, services, config, log }) => mountChatSockets(chat, agents, { services, settings: config.chat, contact: { phone: config.service.phone, email: config.service.email }, ownOrigin: new URL(config.publicBaseUrl).origin, log }),
};
