// Several instances behind one address: with REDIS_URL, Socket.IO's Redis adapter carries every room
// emit to the sockets of all instances, so an agent connected to instance A hears of a message that
// instance B stored. Without it, one instance serves everything (the in-memory adapter).
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

export async function useRedisAdapter(io: Server, url: string, log: Logger): Promise<() => Promise<void>> {
  const pub = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(200 * 2 ** retries, 5_000) } });
  const sub = pub.duplicate();
  // A Redis outage is logged once per client per outage; the clients reconnect by themselves and
  // meanwhile each instance still serves its own sockets.
  for (const [name, client] of [['publisher', pub], ['subscriber', sub]] as const) {
    let down = false;
    client.on('error', (err: Error) => {
      if (!down) log.error({ err: err.message, client: name }, 'Redis unreachable: live updates reach only this instance');
      down = true;
    });
    client.on('ready', () => {
      if (down) log.info({ client: name }, 'Redis back');
      down = false;
    });
  }
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { requestsTimeout: 3_000 }));
  log.info('Socket.IO shares its rooms through Redis');
  return async () => {
    // Closing anyway: a connection that cannot say goodbye is dropped with the process.
    await Promise.all([pub.quit().catch(() => undefined), sub.quit().catch(() => undefined)]);
  };
}
