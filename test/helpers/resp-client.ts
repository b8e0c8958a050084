/**
 * A raw RESP client for tests: sends commands (or arbitrary bytes) and reads back whole
 * replies as raw latin1 text, so tests can compare bytes exactly.
 */
import net from 'node:net';

/** Encodes a command as a RESP multibulk, byte for byte (arguments are latin1). */
export function encodeCommand(args: readonly (string | number)[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${s.length}\r\n${s}\r\n`;
  }
  return Buffer.from(out, 'latin1');
}

/** Returns the length of the complete reply at `pos` in `s`, or -1 if incomplete. */
export function replyLength(s: string, pos = 0): number {
  if (pos >= s.length) return -1;
  const type = s[pos];
  const eol = s.indexOf('\r\n', pos);
  if (eol === -1) return -1;
  const header = s.slice(pos + 1, eol);
  const after = eol + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '#':
    case '_':
    case '(':
      return after - pos;
    case '$':
    case '=':
    case '!': {
      const n = Number(header);
      if (n < 0) return after - pos;
      if (s.length < after + n + 2) return -1;
      return after + n + 2 - pos;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(header);
      if (n < 0) return after - pos;
      if (type === '%' || type === '|') n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        const len = replyLength(s, p);
        if (len === -1) return -1;
        p += len;
      }
      // An attribute is followed by the reply it annotates.
      if (type === '|') {
        const len = replyLength(s, p);
        if (len === -1) return -1;
        p += len;
      }
      return p - pos;
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)} in ${JSON.stringify(s.slice(pos, pos + 60))}`);
  }
}

export class RespClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closedFlag = false;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buffer += d.latin1Slice(0, d.length);
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  static connectPath(path: string): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path }, () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitForData(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a reply; buffered: ${JSON.stringify(this.buffer.slice(0, 200))}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  writeRaw(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  send(...args: (string | number)[]): void {
    this.socket.write(encodeCommand(args));
  }

  /** Reads one complete reply as raw text (latin1). */
  async read(timeoutMs = 5000): Promise<string> {
    for (;;) {
      const len = replyLength(this.buffer);
      if (len !== -1) {
        const reply = this.buffer.slice(0, len);
        this.buffer = this.buffer.slice(len);
        return reply;
      }
      if (this.closedFlag) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buffer)}`);
      await this.waitForData(timeoutMs);
    }
  }

  /** Sends a command and returns its raw reply. */
  async call(...args: (string | number)[]): Promise<string> {
    this.send(...args);
    return this.read();
  }

  /** Resolves when the server closes the connection (rejects after the timeout). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('connection still open');
      await this.waitForData(left).catch(() => undefined);
    }
  }

  /** Everything received and not yet consumed by read(). */
  drain(): string {
    const b = this.buffer;
    this.buffer = '';
    return b;
  }

  close(): void {
    this.socket.destroy();
  }
}
