// SMS and voice through Twilio: its webhooks (routes.ts) mounted when its settings are present.
import type { ChannelModule } from '../types.js';
import { twilioWebhookRoutes } from './routes.js';

export const twilioChannel: ChannelModule = {
  names: ['sms', 'voice'],
  routes: ({ config, services }) => (config.twilio ? twilioWebhookRoutes(services, { ...config, twilio: config.twilio }) : null),
};
