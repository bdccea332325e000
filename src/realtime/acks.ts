// What a socket handler answers when it cannot do what was asked: the domain's code and French message,
// "unavailable" while the store is out of reach, and never an internal detail.
import { DomainError } from '../domain/errors.js';
import { isStoreUnavailable } from '../http/errors.js';
import { t } from '../i18n/catalogue.js';
import type { ErrorAck } from './events.js';

export function errorAck(err: unknown): ErrorAck {
  if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message } };
  if (isStoreUnavailable(err)) return { ok: false, error: { code: 'unavailable', message: t('chat.unavailable') } };
  return { ok: false, error: { code: 'internal', message: t('chat.internal') } };
}
