// Child process of the benchmark: opens N sockets to a URL (Socket.IO /chat or raw ws), reports when all
// are open, and holds them until its stdin closes. Runs apart so the server's memory is measured alone.
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const [kind, url, countText] = process.argv.slice(2);
const count = Number(countText);
const sockets: { close(): void }[] = [];
let open = 0;
const done = () => {
  if (++open === count) process.stdout.write('open\n');
};
for (let i = 0; i < count; i++) {
  if (kind === 'socketio') {
    const socket = io(url!, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('connect', done);
    sockets.push({ close: () => socket.disconnect() });
  } else {
    const socket = new WebSocket(url!);
    socket.on('open', done);
    sockets.push({ close: () => socket.close() });
  }
}
process.stdin.resume();
process.stdin.on('end', () => {
  for (const s of sockets) s.close();
  setTimeout(() => process.exit(0), 200);
});
