// The IMAP listener (imapflow): one instance at a time reads a mailbox (a lease in the store), catches up
// on start and after every reconnect from the last stored UID (a UIDVALIDITY change starts over, and the
// pipeline's idempotency stores nothing twice), flags a message seen only after it is stored, and
// reconnects with backoff; with a processed folder, a stored message is then moved there. A message it
// cannot store stops the batch there, to be retried: never skipped.
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';

export interface MailboxStore {
  load(mailbox: string): Promise<{ uidValidity: string | null; lastUid: number }>;
  saveUid(mailbox: string, uidValidity: string, uid: number): Promise<void>;
  resetUidValidity(mailbox: string, uidValidity: string): Promise<void>;
  acquireLease(mailbox: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(mailbox: string, holder: string): Promise<void>;
}

export interface ImapSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  tls: boolean;
  mailbox: string;
  /** Where a stored message is moved; unset: it stays in the mailbox, flagged seen. */
  processedFolder?: string;
}

export function createImapListener(options: {
  imap: ImapSettings;
  store: MailboxStore;
  /** Stores one message; throws when it could not (the message is then fetched again later). */
  handle: (mailboxKey: string, uid: number, raw: Buffer) => Promise<void>;
  log: Logger;
  leaseMs?: number;
  pollMs?: number;
  maxBackoffMs?: number;
}) {
  const { imap, store } = options;
  const key = `imap://${imap.user}@${imap.host}:${imap.port}/${imap.mailbox}`;
  const holder = randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const log = options.log.child({ channel: 'email', mailbox: imap.mailbox });
  let running = false;
  let client: ImapFlow | null = null;
  const ctx: ReaderContext = { imap, store, key, holder, leaseMs, pollMs, log, handle: options.handle, isRunning: () => running };
  const catchUp = createMailboxReader(ctx);
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function run(): Promise<void> {
    let backoff = 1_000;
    while (running) {
      try {
        if (!(await store.acquireLease(key, holder, leaseMs))) {
          await sleep(Math.max(500, leaseMs / 3));
          continue;
        }
        if (!running) break; // stopped while taking the lease
        await session(ctx, catchUp, (c) => (client = c));
        backoff = 1_000;
      } catch (err) {
        log.warn({ err: (err as Error).message, retryInMs: backoff }, 'IMAP unavailable');
      }
      if (!running) break;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }

  return {
    key,
    holder,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      // Closing the socket is enough: nothing is flagged seen or recorded that was not stored first.
      client?.close();
      await loop;
      loop = null;
      await store.releaseLease(key, holder).catch(() => undefined); // stopping: an unreleased lease expires by itself
    },
  };
}
export type ImapListener = ReturnType<typeof createImapListener>;

type ReaderContext = {
  imap: ImapSettings; store: MailboxStore; key: string; holder: string; leaseMs: number; pollMs: number; log: Logger;
  handle: (mailboxKey: string, uid: number, raw: Buffer) => Promise<void>;
  isRunning: () => boolean;
};

/** Reads what is new in the mailbox: each message stored, then flagged seen, recorded and moved; never the other way round. */
function createMailboxReader(ctx: ReaderContext) {
  const { imap, store, key, log } = ctx;
  let processedFolderReady = false;
  async function catchUp(connection: ImapFlow): Promise<number> {
    const lock = await connection.getMailboxLock(imap.mailbox);
    let stored = 0;
    try {
      const mailbox = connection.mailbox;
      if (!mailbox) throw new Error(`mailbox ${imap.mailbox} is not open`);
      const uidValidity = String(mailbox.uidValidity);
      let state = await store.load(key);
      if (state.uidValidity !== uidValidity) {
        if (state.uidValidity) log.warn({ from: state.uidValidity, to: uidValidity }, 'UIDVALIDITY changed: reading the whole mailbox again');
        await store.resetUidValidity(key, uidValidity);
        state = { uidValidity, lastUid: 0 };
      }
      if (imap.processedFolder && state.lastUid > 0) {
        // Stored earlier but not moved (stopped in between, or the move failed): move them now.
        const left = await connection.search({ uid: `1:${state.lastUid}` }, { uid: true });
        for (const uid of (left || []).filter((u) => u <= state.lastUid)) await moveToProcessed(connection, uid);
      }
      const found = await connection.search({ uid: `${state.lastUid + 1}:*` }, { uid: true });
      const uids = (found || []).filter((uid) => uid > state.lastUid).sort((a, b) => a - b);
      for (const uid of uids) {
        if (!ctx.isRunning()) break;
        const message = await connection.fetchOne(String(uid), { source: true, uid: true }, { uid: true });
        if (!message || !message.source) continue;
        await ctx.handle(key, uid, message.source);
        await connection.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        await store.saveUid(key, uidValidity, uid);
        if (imap.processedFolder) await moveToProcessed(connection, uid);
        stored++;
      }
    } finally {
      lock.release();
    }
    return stored;
  }

  /** After it is stored and recorded: a failed move leaves it in place, read, never lost. */
  async function moveToProcessed(connection: ImapFlow, uid: number): Promise<void> {
    const folder = imap.processedFolder!;
    if (!processedFolderReady) {
      await connection.mailboxCreate(folder).catch(() => undefined); // already there is fine
      processedFolderReady = true;
    }
    const moved = await connection.messageMove(String(uid), folder, { uid: true }).catch((err: Error) => {
      log.warn({ uid, folder, err: err.message }, 'stored, but could not move it to the processed folder');
      return false;
    });
    if (moved === false) processedFolderReady = false;
  }
  return catchUp;
}

/** One connection: read at once, then on each new message and every poll, while the lease is renewed; ends when the connection closes. */
async function session(ctx: ReaderContext, catchUp: (connection: ImapFlow) => Promise<number>, setClient: (client: ImapFlow | null) => void): Promise<void> {
  const { imap, store, key, holder, leaseMs, pollMs, log } = ctx;
  const connection = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.tls,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    emitLogs: false,
  });
  setClient(connection);
  const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
  connection.on('error', (err: Error) => log.warn({ err: err.message }, 'IMAP connection error'));
  await connection.connect();
  if (!ctx.isRunning()) {
    connection.close(); // stopped while connecting
    return;
  }
  log.info('IMAP connected');
  let busy = false;
  let again = false;
  const drain = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const n = await catchUp(connection);
        if (n > 0) log.info({ stored: n }, 'mailbox read');
      } while (again && ctx.isRunning());
    } catch (err) {
      log.error({ err: (err as Error).message }, 'reading the mailbox failed: reconnecting');
      connection.close();
    } finally {
      busy = false;
    }
  };
  connection.on('exists', () => void drain());
  const poll = setInterval(() => void drain(), pollMs);
  const renew = setInterval(() => {
    void store.acquireLease(key, holder, leaseMs).then((ok) => {
      if (!ok) {
        log.warn('lease lost to another instance: stopping to read');
        connection.close();
      }
    });
  }, Math.max(1_000, leaseMs / 3));
  try {
    await drain();
    await closed;
  } finally {
    clearInterval(poll);
    clearInterval(renew);
    setClient(null);
  }
}

