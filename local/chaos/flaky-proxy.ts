import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between workers and the server that misbehaves on purpose: it drops a share of connections
 * before or after forwarding the request, and delays others. Faults come from a seeded generator, so a failing
 * run can be replayed.
 */
export async function startFlakyProxy(
  target: { host: string; port: number },
  options: { dropRate: number; delayMs: number; seed: number },
) {
  let state = options.seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const stats = { connections: 0, droppedEarly: 0, droppedMidway: 0, delayed: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    stats.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    // The server must see a vanished caller as a closed connection (swf-local then hands it no task).
    client.on('close', () => upstream.destroy());
    // Set when this connection's current request was picked to lose its answer: the server applies it, and the
    // connection closes when its response arrives, so exactly that response is lost, never a later request's.
    let swallowResponse = false;
    upstream.on('data', (chunk) => {
      if (swallowResponse) {
        client.destroy();
        return;
      }
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    // Faults are rolled per request (keep-alive connections carry many).
    client.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      const startsRequest = text.startsWith('POST ');
      const roll = startsRequest ? random() : 1;
      if (roll < options.dropRate / 2) {
        stats.droppedEarly++;
        client.destroy();
        return;
      }
      const delay = startsRequest && random() < 0.3 ? options.delayMs : 0;
      if (delay) stats.delayed++;
      // A response, heartbeat or start is cut after the server applied it: the caller never sees the answer.
      // Polls are not cut midway: a task handed out in that instant is lost until its timeout, on SWF too.
      const cutMidway = roll < options.dropRate && !text.includes('SimpleWorkflowService.Poll');
      if (cutMidway) {
        stats.droppedMidway++;
        swallowResponse = true;
      }
      setTimeout(() => upstream.write(chunk), delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
