// Twilio error codes an agent may meet, with a readable reason and whether trying again can help.
import { isMessageKey, t } from '../../src/i18n/catalogue.js';

// Their readable reasons are in the message catalogue (twilio.error.<code>).
export const TWILIO_ERRORS: Record<number, { retryable: boolean }> = {
  20003: { retryable: true },
  20429: { retryable: true },
  21211: { retryable: false },
  21408: { retryable: false },
  21610: { retryable: false },
  21612: { retryable: false },
  21614: { retryable: false },
  21617: { retryable: false },
  30003: { retryable: false },
  30004: { retryable: false },
  30005: { retryable: false },
  30006: { retryable: false },
  30007: { retryable: false },
  30008: { retryable: false },
};

export function twilioReason(code: number | string | null | undefined, fallback?: string): string {
  const key = `twilio.error.${Number(code)}`;
  const known = code !== null && code !== undefined && Number(code) in TWILIO_ERRORS && isMessageKey(key);
  if (known) return t('delivery.twilio_code', { reason: t(key), code: String(code) });
  if (code) return t('delivery.twilio_code', { reason: fallback ?? t('delivery.twilio_refused'), code: String(code) });
  return fallback ?? t('delivery.twilio_refused');
}
