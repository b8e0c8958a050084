/**
 * Gives an accepted connection a reusable read buffer.
 *
 * By default Node allocates a fresh ArrayBuffer for every read and pushes it through the
 * Readable stream machinery; for a server answering small pipelined requests that costs
 * more than parsing and executing them (measured: ~2.3 -> ~1.75 µs of server CPU per
 * GET at pipeline 16). net.Socket's `onread` option reads into one caller-owned buffer and
 * calls back synchronously instead, but net.Server does not offer it for accepted sockets,
 * so we re-wrap the accepted handle in a Socket created with `onread`.
 *
 * Contract: `onChunk` receives a view of the shared buffer that is only valid during the
 * call; whoever keeps bytes past it must copy them (RespParser.detach does).
 * If the handle is not reachable (a future Node), the regular 'data' path is used.
 */
import net from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

interface WithHandle {
  _handle: object | null;
}

export function adoptSocket(raw: net.Socket, onChunk: (chunk: Buffer) => void): net.Socket {
  const handle = (raw as unknown as WithHandle)._handle;
  if (handle === null || handle === undefined) {
    raw.on('data', onChunk);
    raw.resume();
    return raw;
  }
  // Detach the handle from the socket net.Server made, then let that socket go quietly
  // (destroying it with no handle only updates the server's connection count).
  (raw as unknown as WithHandle)._handle = null;
  raw.destroy();
  const options = {
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer: READ_BUFFER,
      callback: (nread: number, buf: Uint8Array): void => {
        onChunk((buf as Buffer).subarray(0, nread));
      },
    },
  };
  return new net.Socket(options as net.SocketConstructorOpts);
}
