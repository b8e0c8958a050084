/**
 * The synchronous channel between the server thread and the Lua worker: one shared
 * control word says whose turn it is, the payload (a list of byte strings) sits in the
 * same SharedArrayBuffer. Each side spins briefly before sleeping in Atomics.wait and the
 * other side only calls Atomics.notify when the peer really sleeps: a futex wake costs
 * ~10 µs on small VMs, a spin hand-off ~1 µs, and a script with two redis.call()s makes
 * three round trips. Payloads larger than the buffer travel on a MessagePort, read with
 * receiveMessageOnPort so neither side needs its event loop.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** Int32 slots of the control area. */
const TURN = 0; // 0: the server's turn, 1: the worker's
const KIND = 1; // message kind
const SERVER_SLEEPS = 2;
const WORKER_SLEEPS = 3;
const LENGTH = 4; // payload bytes, or -1 when the payload went through the port
const HEADER_BYTES = 64;
export const CHANNEL_BYTES = 4 * 1024 * 1024;
/** Spin iterations before sleeping (a few tens of µs): keeps back-to-back scripts off the futex. */
const SPIN = 20_000;

/** Atomics.waitAsync (Node 16+), missing from the ES2022 lib typings this project targets. */
type WaitAsync = (
  ta: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export const SERVER = 0;
export const WORKER = 1;
export type Side = typeof SERVER | typeof WORKER;

/** Message kinds. */
export const enum Msg {
  /** server → worker */
  Eval = 1,
  Fcall = 2,
  Compile = 3,
  LoadLibrary = 4,
  DeleteLibrary = 5,
  FlushScripts = 6,
  FlushLibraries = 7,
  CallReply = 8,
  CommitLibrary = 9,
  /** worker → server */
  Call = 20,
  Log = 21,
  Done = 22,
  Ready = 23,
  /** The interpreter aborted (out of WebAssembly memory): the worker is gone. */
  Dead = 24,
}

export class Channel {
  private readonly ctl: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(
    readonly sab: SharedArrayBuffer,
    private readonly side: Side,
    private readonly port: MessagePort,
  ) {
    this.ctl = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(sab);
    this.view = new DataView(sab);
  }

  static create(): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_BYTES + CHANNEL_BYTES);
  }

  /** True when it is this side's turn to read. */
  ready(): boolean {
    return Atomics.load(this.ctl, TURN) === this.side;
  }

  /** Gives the turn to the other side with a message. */
  send(kind: Msg, parts: readonly (string | Buffer)[]): void {
    const ctl = this.ctl;
    let size = 4;
    for (const p of parts) size += 4 + p.length;
    if (size > CHANNEL_BYTES) {
      ctl[LENGTH] = -1;
      this.port.postMessage(parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('latin1'))));
    } else {
      const view = this.view;
      const bytes = this.bytes;
      let off = HEADER_BYTES;
      view.setUint32(off, parts.length, true);
      off += 4;
      for (const p of parts) {
        const n = p.length;
        view.setUint32(off, n, true);
        off += 4;
        if (typeof p === 'string') {
          if (n < 32) for (let i = 0; i < n; i++) bytes[off + i] = p.charCodeAt(i);
          else Buffer.from(bytes.buffer, off, n).latin1Write(p, 0, n);
        } else {
          bytes.set(p, off);
        }
        off += n;
      }
      ctl[LENGTH] = off - HEADER_BYTES;
    }
    ctl[KIND] = kind;
    const other = this.side === SERVER ? WORKER : SERVER;
    Atomics.store(ctl, TURN, other);
    if (Atomics.load(ctl, other === WORKER ? WORKER_SLEEPS : SERVER_SLEEPS) === 1) Atomics.notify(ctl, TURN);
  }

  /**
   * Waits for this side's turn. Returns false if `timeoutMs` passed first (the server uses
   * this to notice a script that outlives busy-reply-threshold).
   */
  wait(timeoutMs = Infinity): boolean {
    const ctl = this.ctl;
    const me = this.side;
    for (let i = 0; i < SPIN; i++) if (Atomics.load(ctl, TURN) === me) return true;
    const sleeps = me === WORKER ? WORKER_SLEEPS : SERVER_SLEEPS;
    const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    Atomics.store(ctl, sleeps, 1);
    try {
      while (Atomics.load(ctl, TURN) !== me) {
        const left = deadline - performance.now();
        if (left <= 0) return false;
        Atomics.wait(ctl, TURN, 1 - me, Math.min(left, 1000));
      }
      return true;
    } finally {
      Atomics.store(ctl, sleeps, 0);
    }
  }

  /** Resolves when it is this side's turn, without blocking the event loop. */
  async waitAsync(): Promise<void> {
    const ctl = this.ctl;
    const me = this.side;
    Atomics.store(ctl, me === WORKER ? WORKER_SLEEPS : SERVER_SLEEPS, 1);
    try {
      while (Atomics.load(ctl, TURN) !== me) {
        const r = waitAsync(ctl, TURN, 1 - me, 50);
        if (r.async) await r.value;
      }
    } finally {
      Atomics.store(ctl, me === WORKER ? WORKER_SLEEPS : SERVER_SLEEPS, 0);
    }
  }

  /** Hands the turn to this side without a message (a killed worker will never answer). */
  interrupt(): void {
    this.ctl[KIND] = 0;
    Atomics.store(this.ctl, TURN, this.side);
    Atomics.notify(this.ctl, TURN);
  }

  get kind(): Msg {
    return this.ctl[KIND] as Msg;
  }

  /** The current message's parts as latin1 strings. */
  readStrings(): string[] {
    const n = this.ctl[LENGTH]!;
    if (n === -1) return this.fromPort();
    const out: string[] = [];
    const view = this.view;
    let off = HEADER_BYTES;
    const count = view.getUint32(off, true);
    off += 4;
    const buf = Buffer.from(this.bytes.buffer, 0, this.bytes.length);
    for (let i = 0; i < count; i++) {
      const len = view.getUint32(off, true);
      off += 4;
      out.push(buf.latin1Slice(off, off + len));
      off += len;
    }
    return out;
  }

  /** The current message's parts as Buffers: views of one copy (the shared buffer is reused). */
  readBuffers(): Buffer[] {
    const n = this.ctl[LENGTH]!;
    if (n === -1) return this.fromPort().map((s) => Buffer.from(s, 'latin1'));
    const copy = Buffer.from(this.bytes.slice(HEADER_BYTES, HEADER_BYTES + n).buffer);
    const out: Buffer[] = [];
    const count = copy.readUInt32LE(0);
    let off = 4;
    for (let i = 0; i < count; i++) {
      const len = copy.readUInt32LE(off);
      off += 4;
      out.push(copy.subarray(off, off + len));
      off += len;
    }
    return out;
  }

  private fromPort(): string[] {
    const m = receiveMessageOnPort(this.port);
    if (m === undefined) throw new Error('scripting channel: payload missing on the port');
    return m.message as string[];
  }
}
