// Typed domain errors; the HTTP layer maps them to status codes in one place. Each carries a key of the
// message catalogue (its text is French by default; the HTTP layer may render it in the caller's
// language) and a stable machine code.
import { t, type Locale, type MessageKey, type MessageParams } from '../i18n/catalogue.js';

export type DomainErrorCode = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'rate_limited' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** A more precise machine code than `code` (`handover_required` for a conflict), when a client acts on it. */
  reason?: string;
  /** What the client needs to resolve it (the current values after a conflict), sent beside the message. */
  details?: Record<string, unknown>;
  constructor(readonly key: MessageKey, readonly params: MessageParams = {}) {
    super(t(key, params));
    this.name = new.target.name;
  }
  /** The same error with a precise code and what comes with it. */
  with(details: Record<string, unknown>, reason?: string): this {
    this.details = details;
    if (reason) this.reason = reason;
    return this;
  }
  /** The message in another language of the catalogue. */
  messageIn(locale: Locale): string {
    return t(this.key, this.params, locale);
  }
}

export class Invalid extends DomainError { readonly code = 'invalid' as const; }
export class Unauthorized extends DomainError { readonly code = 'unauthorized' as const; }
export class Forbidden extends DomainError { readonly code = 'forbidden' as const; }
export class NotFound extends DomainError { readonly code = 'not_found' as const; }
export class Conflict extends DomainError { readonly code = 'conflict' as const; }
export class TooLarge extends DomainError { readonly code = 'too_large' as const; }
export class RateLimited extends DomainError {
  readonly code = 'rate_limited' as const;
  /** Sent as Retry-After. */
  constructor(key: MessageKey, params: MessageParams = {}, readonly retryAfterSeconds?: number) {
    super(key, params);
  }
}
export class Unavailable extends DomainError { readonly code = 'unavailable' as const; }
