/**
 * Writes replies straight to a connection's libuv stream handle, as net.Socket does inside,
 * without the Writable stream around it.
 *
 * Why: a reply batch is one write, and on a pipelined connection the Writable machinery
 * around it (write state, callbacks, a nextTick per write to finish it) cost about as much
 * as the JavaScript of the write syscall itself in profiles of GET/SET at pipeline 16. Here a
 * write is one call on the handle: libuv tries the syscall at once, and only a write the
 * kernel could not take whole stays queued in libuv (its bytes show in `writeQueueSize`).
 *
 * The handle's write request class comes from Node's `stream_wrap` binding. Where it is not
 * reachable (a future Node), `directWriter` returns null and the caller keeps socket.write.
 * Ordering stays correct either way: every write of a connection takes the same path, and
 * socket.end()'s shutdown is queued by libuv behind the writes already queued.
 */
import type { Socket } from 'node:net';

interface WriteRequest {
  handle: StreamHandle;
  oncomplete: (status: number) => void;
  async: boolean;
  bytes: number;
  /** Keeps a queued write's bytes alive until libuv is done with them. */
  buffer: Uint8Array | string | null;
}

interface StreamHandle {
  writeBuffer(req: WriteRequest, data: Uint8Array): number;
  writeLatin1String(req: WriteRequest, data: string): number;
  readonly writeQueueSize: number;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteRequest;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

function loadBinding(): StreamWrapBinding | null {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding('stream_wrap') as Partial<StreamWrapBinding>;
    if (typeof binding.WriteWrap !== 'function' || !(binding.streamBaseState instanceof Int32Array) || typeof binding.kLastWriteWasAsync !== 'number') {
      return null;
    }
    return binding as StreamWrapBinding;
  } catch {
    return null;
  }
}

const binding = loadBinding();

export interface DirectWriter {
  /** Sends a chunk; returns false when the handle refused it (the connection is gone). */
  write(chunk: Buffer | string): boolean;
  /** Bytes libuv still holds for this connection (writes the kernel did not take yet). */
  readonly queuedBytes: number;
}

/** A writer on the socket's handle, or null when direct writes aren't available for it. */
export function directWriter(socket: Socket, onError: () => void): DirectWriter | null {
  const owner = socket as unknown as { _handle: Partial<StreamHandle> | null };
  const handle = owner._handle;
  if (binding === null || handle === null || handle === undefined) return null;
  if (typeof handle.writeBuffer !== 'function' || typeof handle.writeLatin1String !== 'function') return null;
  const stream = handle as StreamHandle;
  const { WriteWrap, streamBaseState, kLastWriteWasAsync } = binding;
  const complete = (status: number): void => {
    if (status < 0) onError();
  };
  return {
    write(chunk: Buffer | string): boolean {
      // A socket Node destroyed (reset by the peer) has let go of its handle: never write to a closed one.
      if (owner._handle !== stream) return false;
      const req = new WriteWrap();
      req.handle = stream;
      req.oncomplete = complete;
      req.async = false;
      req.bytes = 0;
      req.buffer = null;
      const status = typeof chunk === 'string' ? stream.writeLatin1String(req, chunk) : stream.writeBuffer(req, chunk);
      if (status !== 0) return false;
      if (streamBaseState[kLastWriteWasAsync] !== 0) {
        req.async = true;
        req.buffer = chunk;
      }
      return true;
    },
    get queuedBytes(): number {
      return stream.writeQueueSize;
    },
  };
}
