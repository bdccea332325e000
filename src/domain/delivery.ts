// Outbound delivery states and their order: a late callback never moves a message backwards.
import type { DeliveryStatus } from './ticket.js';

export const STATUS_RANK: Record<DeliveryStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, failed: 3 };

/** Retry delays of a send that failed for a passing reason: 5 s, 30 s, 2 min, 10 min, 30 min, then hourly. */
export function retryDelayMs(attempts: number): number {
  const steps = [5_000, 30_000, 120_000, 600_000, 1_800_000];
  return steps[Math.min(attempts - 1, steps.length - 1)] ?? 3_600_000;
}
export const MAX_SEND_ATTEMPTS = 10;
