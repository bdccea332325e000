// A real Redis (Debian's redis-server, installed by test/setup/prepare.ts) on a free loopback port,
// nothing saved to disk.
import { spawn } from 'node:child_process';
import { freePort, waitForPort } from './processes.js';

export async function startRedis() {
  const port = await freePort();
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already stopped (a second stop)
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
