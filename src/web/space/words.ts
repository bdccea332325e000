// The portal's words for a request's state (the citizen addressed as « vous ») and its dates.
import { t } from '../shared/i18n.js';

const STATES = { new: 'ui.status.new', open: 'ui.status.open', pending: 'ui.portal.state.pending', resolved: 'ui.status.resolved', closed: 'ui.status.closed' } as const;
export const stateLabel = (status: string) => (status in STATES ? t(STATES[status as keyof typeof STATES]) : status);
export const when = (iso: string) => new Date(iso).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
