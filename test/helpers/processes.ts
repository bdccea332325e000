// Real server processes for tests that need what only a process has: `npm start` itself, kill -9,
// several instances on one store. Each is started like main.ts is in production and killed after.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const children = new Set<ChildProcess>();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Resolves once something accepts connections on this loopback port (up to about 5 s). */
export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  /** Resolves when the output has a line containing `text`. */
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
}

/** Starts `src/main.ts` with this environment (nothing else from ours) and waits for "is running". */
export async function startServer(env: Record<string, string>, options: { port?: number } = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const waitFor = (text: string, timeoutMs = 120_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no "${text}" within ${timeoutMs} ms:\n${output.slice(-3000)}`)), timeoutMs);
      const check = setInterval(() => output.includes(text) && done(), 50);
      const exited = (code: number | null) => done(new Error(`server exited with ${code} before "${text}":\n${output.slice(-3000)}`));
      child.once('exit', exited);
      function done(err?: Error) {
        clearInterval(check);
        clearTimeout(timer);
        child.off('exit', exited);
        if (err) reject(err);
        else resolve();
      }
    });
  await waitFor('is running');
  return { child, port, base: `http://127.0.0.1:${port}`, output: () => output, waitFor };
}

/** Sends a signal and resolves with the exit code once the process is gone. */
export function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** For afterAll: nothing a test started outlives it. */
export function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
