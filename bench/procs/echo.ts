/** Bench helper process: a bare `ws` echo server on 127.0.0.1 (baseline (a)), reporting its CPU. */
import { WebSocketServer } from 'ws';

import { serveParent } from '../lib/child';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
server.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
serveParent({ cpu: () => process.cpuUsage() }, { url: `ws://127.0.0.1:${port}` }, () => new Promise<void>((resolve) => server.close(() => resolve())));
