// The pages read their words from the server's message catalogue, in the page's language.
import { t as translate, type MessageKey, type MessageParams } from '../../i18n/catalogue.js';
import { REPLY_CHANNELS } from '../../../channels/registry.js';

const locale = () => (document.documentElement.lang === 'en' ? 'en' : 'fr');

export const t = (key: MessageKey, params?: MessageParams) => translate(key, params, locale());

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(locale() === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'short', timeStyle: 'short' });
}

const STATUS_KEYS = { new: 'ui.status.new', open: 'ui.status.open', pending: 'ui.status.pending', resolved: 'ui.status.resolved', closed: 'ui.status.closed' } as const;
const CHANNEL_KEYS = { sms: 'ui.channel.sms', voice: 'ui.channel.voice', email: 'ui.channel.email', chat: 'ui.channel.chat', portal: 'ui.channel.portal' } as const;
const DELIVERY_KEYS = { queued: 'ui.delivery.queued', sending: 'ui.delivery.sending', sent: 'ui.delivery.sent', delivered: 'ui.delivery.delivered', failed: 'ui.delivery.failed' } as const;
const PRIORITY_KEYS = { low: 'ui.priority.low', normal: 'ui.priority.normal', high: 'ui.priority.high', urgent: 'ui.priority.urgent' } as const;

const label = <M extends Record<string, MessageKey>>(keys: M) => (value: string) => (value in keys ? t(keys[value as keyof M]!) : value);
export const statusLabel = label(STATUS_KEYS);
export const channelLabel = label(CHANNEL_KEYS);
export const deliveryLabel = label(DELIVERY_KEYS);
export const priorityLabel = label(PRIORITY_KEYS);
export const STATUSES = Object.keys(STATUS_KEYS);
/** The channels agents filter and answer on: the registry's. */
export const CHANNELS: readonly string[] = REPLY_CHANNELS;
export const PRIORITIES = Object.keys(PRIORITY_KEYS);
