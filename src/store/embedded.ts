// The embedded default store: FerretDB (MongoDB wire protocol, SQLite files in DATA_DIR) run by the
// project's own small Go program in tools/ferretdb, built with the machine's Go on first use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIR = join(ROOT, 'tools/ferretdb');
export const FERRETDB_BINARY = join(ROOT, '.cache/ferretdb-embedded');

/** Builds the binary when it is missing or older than its sources. Takes a minute or two the first time. */
export function ensureEmbeddedStoreBinary(log?: Pick<Logger, 'info'>): string {
  const sources = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').map((f) => statSync(join(SOURCE_DIR, f)).mtimeMs);
  if (existsSync(FERRETDB_BINARY) && statSync(FERRETDB_BINARY).mtimeMs >= Math.max(...sources)) return FERRETDB_BINARY;
  log?.info('building the embedded store (FerretDB) with Go; the first time takes a minute or two');
  mkdirSync(dirname(FERRETDB_BINARY), { recursive: true });
  const result = spawnSync('go', ['build', '-trimpath', '-o', FERRETDB_BINARY, '.'], {
    cwd: SOURCE_DIR,
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error) throw new Error(`cannot run go to build the embedded store: ${result.error.message} (install Go, or set MONGODB_URI)`);
  if (result.status !== 0) throw new Error(`building the embedded store failed (go build exited ${result.status})`);
  return FERRETDB_BINARY;
}

export interface EmbeddedStore {
  uri: string;
  stop(): Promise<void>;
}

/** Starts FerretDB on 127.0.0.1 (port 0: a free one) and resolves with its connection string. */
export async function startEmbeddedStore(options: { dataDir: string; port?: number; log?: Logger }): Promise<EmbeddedStore> {
  const binary = ensureEmbeddedStoreBinary(options.log);
  const dataDir = resolve(options.dataDir, 'ferretdb');
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(binary, ['-listen', `127.0.0.1:${options.port ?? 0}`, '-data-dir', dataDir, '-watch-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => options.log?.warn({ store: 'ferretdb' }, chunk.toString().trim()));

  const uri = await new Promise<string>((resolveUri, reject) => {
    const timer = setTimeout(() => reject(new Error('the embedded store did not start within 30 s')), 30_000);
    child.once('error', (err) => reject(err));
    child.once('exit', (code) => reject(new Error(`the embedded store exited with code ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^ready (mongodb:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveUri(match[1]!);
      }
    });
  });
  return { uri, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
