// What many requests read and few change (the automation settings, the back-office endpoints, the
// agents' loads for routing): read once and shared for a few seconds instead of once per request.

/**
 * The value `read` gives, reused for `ttlMs` (concurrent callers share one read) and read again after
 * that, or at once after `forget()` (a change made by this instance). Another instance's change is
 * seen within `ttlMs`. A failed read is not kept.
 */
export function reusedRead<T>(ttlMs: number, read: () => Promise<T>) {
  let value: Promise<T> | null = null;
  let readAt = 0;
  return {
    get(): Promise<T> {
      if (!value || Date.now() - readAt > ttlMs) {
        readAt = Date.now();
        const reading = read();
        value = reading;
        reading.catch(() => {
          if (value === reading) value = null;
        });
      }
      return value;
    },
    /** Changes the value kept, if any, as this instance's own writes change what a read would give. */
    adjust(change: (value: T) => void): void {
      void value?.then(change, () => undefined);
    },
    forget(): void {
      value = null;
    },
  };
}
