// Typed domain errors; the HTTP layer maps them to status codes in one place.
export type DomainErrorCode = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'rate_limited' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
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
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}
export class Unavailable extends DomainError { readonly code = 'unavailable' as const; }
