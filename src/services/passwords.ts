// Password hashing off the event loop: Node's native scrypt runs in libuv's thread pool, so a burst of
// logins (even for unknown emails) never stalls webhooks, chat or /health. Hashes written before it
// (bcrypt, "$2…") still verify, in a worker thread, and are replaced by scrypt at the next login.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

// OWASP's scrypt floor is N=2^17, r=8, p=1; 2^16 (64 MiB, ~0.1–0.2 s here) keeps a login burst in memory bounds.
const PARAMS = { N: 2 ** 16, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** "scrypt$N$r$p$salt$key", salt and key in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$2')) return bcryptInWorker(password, stored);
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether a stored hash should be replaced at the next successful login. */
export const needsRehash = (stored: string) => !stored.startsWith(`scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$`);

// bcryptjs is pure JavaScript: a compare would hold the event loop for ~0.2 s, so it runs in a worker.
const BCRYPT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.postMessage(bcrypt.compareSync(workerData.password, workerData.hash));
`;

async function bcryptInWorker(password: string, hash: string): Promise<boolean> {
  const { createRequire } = await import('node:module');
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  return new Promise((resolve) => {
    const worker = new Worker(BCRYPT_WORKER, { eval: true, workerData: { password, hash, bcryptPath } });
    worker.once('message', (valid: boolean) => resolve(valid === true));
    worker.once('error', () => resolve(false));
  });
}
