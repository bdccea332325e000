// The embedded default store: FerretDB (MongoDB wire protocol, SQLite files in DATA_DIR) run by the
// project's own small Go program in tools/ferretdb, built with the machine's Go on first use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIR = join(ROOT, 'tools/ferretdb');
const CACHE = join(ROOT, '.cache');

/**
 * FerretDB 1.x is end-of-life, so this project owns two patches to its SQLite backend, applied to a
 * copy of the module from Go's module cache (FerretDB's source is never kept in this repository):
 *
 * 1. `IDColumn`: it filtered by `_id` with `_ferretdb_sjson->'$._id'` while the unique index it creates is
 *    on `_ferretdb_sjson->"_id"`; SQLite uses an expression index only for the identical expression, so
 *    every lookup by _id read the whole table (1.3 s at 100k documents; 1.3 ms with the patch).
 * 2. Filter pushdown: it pushed down only a bare `{_id: X}` filter, so every other query (an agent's
 *    inbox, a ticket's messages, a citizen's tickets, a count) read and decoded the whole collection.
 *    tools/ferretdb/_patch/pushdown.go turns the equality, `$in` and date-range conditions it can trust
 *    into a WHERE clause on the indexes' own expressions; FerretDB still applies the whole filter to
 *    what comes back, so a condition left out only costs time.
 *
 * Each edit must match exactly once, or the build stops: a new FerretDB needs the patches reviewed.
 */
export const FERRETDB_PATCHES: { file: string; from: string; to: string }[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
  },
  // Query and Explain each pushed down a bare {_id} (Explain also noting that it did).
  { file: 'internal/backends/sqlite/collection.go', from: idOnlyPushdown([]), to: '\twhereClause, args = pushdownWhere(params.Filter, q, meta)' },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: idOnlyPushdown(['\t\t\tfilterPushdown = true']),
    to: '\twhereClause, args = pushdownWhere(params.Filter, selectClause, meta)\n\tfilterPushdown = whereClause != ""',
  },
];

/** FerretDB 1.24's block that pushes down `{_id: X}` alone, with the lines a caller adds. */
function idOnlyPushdown(extra: string[]): string {
  return [
    '\tif params.Filter.Len() == 1 {',
    '\t\tv, _ := params.Filter.Get("_id")',
    '\t\tswitch v.(type) {',
    '\t\tcase string, types.ObjectID:',
    ...extra,
    '\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)',
    '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}',
    '\t\t}',
    '\t}',
  ].join('\n');
}
/** Files of the project's own added to the module copy: [in tools/ferretdb/_patch, in the module]. */
const FERRETDB_ADDED: [string, string][] = [['pushdown.go', 'internal/backends/sqlite/pushdown.go']];
const PATCH_DIR = join(SOURCE_DIR, '_patch');
/**
 * The patches' fingerprint (the edits and the added files) is in the names of the patched source and of
 * the binary: a build without the current patches is never taken for one with them.
 */
const PATCH_LEVEL = createHash('sha256')
  .update(JSON.stringify(FERRETDB_PATCHES))
  .update(FERRETDB_ADDED.map(([ours]) => readFileSync(join(PATCH_DIR, ours), 'utf8')).join('\0'))
  .digest('hex')
  .slice(0, 10);
export const FERRETDB_BINARY = join(CACHE, `ferretdb-embedded-${PATCH_LEVEL}`);

/** Go's settings for every step: a static binary, modules resolved from go.mod. */
const GO_ENV = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };

/** A short go command's output (the build itself is goBuild, which reports progress). */
function goOutput(args: string[], cwd: string): string {
  const result = spawnSync('go', args, { cwd, env: GO_ENV, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run go to build the embedded store: ${result.error.message} (install Go, or set MONGODB_URI)`);
  if (result.status !== 0) throw new Error(`building the embedded store failed (go ${args[0]} exited ${result.status})`);
  return result.stdout;
}

/** FerretDB's module with the project's patches, under .cache; made again when a patch changes. */
export function patchedFerretDB(log?: Pick<Logger, 'info'>): string {
  const version = /github\.com\/FerretDB\/FerretDB (v[\w.-]+)/.exec(readFileSync(join(SOURCE_DIR, 'go.mod'), 'utf8'))?.[1];
  if (!version) throw new Error('tools/ferretdb/go.mod names no FerretDB version');
  const target = join(CACHE, `ferretdb-src-${version}-${PATCH_LEVEL}`);
  const stamp = join(target, '.patched');
  if (existsSync(stamp)) return target;
  log?.info(`embedded store: fetching FerretDB ${version} (Go module cache) to patch it`);
  const info = JSON.parse(goOutput(['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${version}`], SOURCE_DIR)) as { Dir?: string };
  if (!info.Dir) throw new Error(`go mod download gave no directory for FerretDB ${version}`);
  rmSync(target, { recursive: true, force: true });
  cpSync(info.Dir, target, { recursive: true });
  makeWritable(target);
  for (const edit of FERRETDB_PATCHES) {
    const file = join(target, edit.file);
    const source = readFileSync(file, 'utf8');
    const matches = source.split(edit.from).length - 1;
    if (matches !== 1) throw new Error(`a FerretDB patch expects its text once in ${edit.file}, found it ${matches} times: FerretDB changed, review tools/ferretdb/_patch and FERRETDB_PATCHES`);
    writeFileSync(file, source.replace(edit.from, () => edit.to));
  }
  for (const [ours, theirs] of FERRETDB_ADDED) cpSync(join(PATCH_DIR, ours), join(target, theirs));
  writeFileSync(stamp, `${FERRETDB_PATCHES.length} edits, ${FERRETDB_ADDED.length} files added\n`);
  log?.info('embedded store: FerretDB patched (lookups by _id and filters use the indexes)');
  return target;
}

function makeWritable(dir: string) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    chmodSync(path, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) makeWritable(path);
  }
  chmodSync(dir, 0o755);
}

/** Builds the binary when it is missing or older than its sources. Takes a few minutes the first time, saying what it does. */
export async function ensureEmbeddedStoreBinary(log?: Pick<Logger, 'info'>): Promise<string> {
  const sources = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').map((f) => statSync(join(SOURCE_DIR, f)).mtimeMs);
  if (existsSync(FERRETDB_BINARY) && statSync(FERRETDB_BINARY).mtimeMs >= Math.max(...sources)) return FERRETDB_BINARY;
  log?.info('building the embedded store (FerretDB) with Go: the first time downloads and compiles it, a few minutes');
  mkdirSync(CACHE, { recursive: true });
  // Builds of earlier patches are not used again.
  for (const old of readdirSync(CACHE).filter((f) => /^ferretdb-(embedded|src-v[\w.-]+)-(p\d|[0-9a-f]{10})$/.test(f) && !f.endsWith(PATCH_LEVEL))) rmSync(join(CACHE, old), { recursive: true, force: true });
  const patched = patchedFerretDB(log);
  // The project's go.mod with a replace to the patched copy, beside its go.sum: -modfile uses both.
  const modfile = join(CACHE, 'ferretdb-embedded.go.mod');
  writeFileSync(modfile, `${readFileSync(join(SOURCE_DIR, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${patched}\n`);
  writeFileSync(join(CACHE, 'ferretdb-embedded.go.sum'), readFileSync(join(SOURCE_DIR, 'go.sum'), 'utf8'));
  log?.info('embedded store: downloading modules and compiling (go build); a line at least every 10 s');
  await goBuild(['build', '-v', '-trimpath', `-modfile=${modfile}`, '-o', FERRETDB_BINARY, '.'], SOURCE_DIR, log);
  return FERRETDB_BINARY;
}

/** `go build -v`, saying how far it got (modules downloaded, packages compiled) at least every 10 s. */
function goBuild(args: string[], cwd: string, log?: Pick<Logger, 'info'>): Promise<void> {
  const started = Date.now();
  let downloaded = 0;
  let compiled = 0;
  const tail: string[] = [];
  const child = spawn('go', args, { cwd, env: GO_ENV, stdio: ['ignore', 'inherit', 'pipe'] });
  const say = () => log?.info(`embedded store: ${Math.round((Date.now() - started) / 1000)} s, ${downloaded} modules downloaded, ${compiled} packages compiled`);
  const heartbeat = setInterval(say, 10_000);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.startsWith('go: downloading')) downloaded++;
    else if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line)) compiled++;
    tail.push(line);
    if (tail.length > 40) tail.shift();
  });
  return new Promise((done, fail) => {
    child.once('error', (err) => {
      clearInterval(heartbeat);
      fail(new Error(`cannot run go to build the embedded store: ${err.message} (install Go, or set MONGODB_URI)`));
    });
    child.once('close', (code) => {
      clearInterval(heartbeat);
      if (code !== 0) return fail(new Error(`building the embedded store failed (go build exited ${code}):\n${tail.join('\n')}`));
      say();
      done();
    });
  });
}

export interface EmbeddedStore {
  uri: string;
  stop(): Promise<void>;
}

/** Starts FerretDB on 127.0.0.1 (port 0: a free one) and resolves with its connection string. */
export async function startEmbeddedStore(options: { dataDir: string; port?: number; log?: Logger }): Promise<EmbeddedStore> {
  const binary = await ensureEmbeddedStoreBinary(options.log);
  const dataDir = resolve(options.dataDir, 'ferretdb');
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(binary, ['-listen', `127.0.0.1:${options.port ?? 0}`, '-data-dir', dataDir, '-watch-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => options.log?.warn({ store: 'ferretdb' }, chunk.toString().trim()));

  const uri = await new Promise<string>((resolveUri, reject) => {
    // Generous: a loaded 2-core machine may take a while to open the SQLite files.
    const timer = setTimeout(() => reject(new Error('the embedded store did not start within 120 s')), 120_000);
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
