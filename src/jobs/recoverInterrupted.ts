// Completes inbound messages that a dead process stored but did not finish (ticket update, event).
import type { Logger } from 'pino';
import type { IngestInbound } from '../services/ingest/index.js';

export function startRecoveryJob(ingestInbound: IngestInbound, log: Logger, everyMs = 30_000): { stop(): void } {
  const run = () =>
    ingestInbound
      .recoverInterrupted()
      .then((n) => n > 0 && log.warn({ recovered: n }, 'completed interrupted inbound messages'))
      .catch((err: unknown) => log.error({ err }, 'recovery of interrupted messages failed'));
  void run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
