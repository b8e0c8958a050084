/**
 * Raw-socket helpers for protocol tests: send exact bytes (optionally in separate writes)
 * and collect everything the server sends back until it closes the connection or goes
 * quiet, so two servers' reactions to malformed input can be compared byte for byte.
 */
import net from 'node:net';

export interface Exchange {
  /** Everything received, as latin1. */
  data: string;
  /** True when the server closed the connection. */
  closed: boolean;
}

export interface ExchangeTarget {
  port?: number;
  path?: string;
}

/**
 * Writes each chunk (with a short pause between chunks, so they arrive as separate reads)
 * and resolves once the server closes, or after `idleMs` without new data.
 */
export function exchange(target: ExchangeTarget | number, chunks: readonly (string | Buffer)[], idleMs = 250): Promise<Exchange> {
  const t = typeof target === 'number' ? { port: target } : target;
  return new Promise((resolve, reject) => {
    const socket = t.path !== undefined ? net.connect({ path: t.path }) : net.connect({ port: t.port!, host: '127.0.0.1' });
    socket.setNoDelay(true);
    let data = '';
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      socket.destroy();
      resolve({ data, closed });
    };
    const arm = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => finish(false), idleMs);
    };
    socket.on('data', (d: Buffer) => {
      data += d.latin1Slice(0, d.length);
      arm();
    });
    socket.on('close', () => finish(true));
    socket.on('error', (e) => {
      if (!done && data === '') reject(e);
    });
    socket.on('connect', async () => {
      for (let i = 0; i < chunks.length; i++) {
        const c = chunks[i]!;
        socket.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
        if (i + 1 < chunks.length) await new Promise((r) => setTimeout(r, 15));
      }
      arm();
    });
  });
}
