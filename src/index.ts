/**
 * Embedding nodis in a Node process:
 *
 *   import { startServer } from 'nodis';
 *   const nodis = await startServer({ port: 0 });   // 0 picks a free port
 *   console.log(nodis.port);
 *   await nodis.stop();
 */
import { Config } from './config/config.js';
import { applyConfigLines, parseConfigText } from './config/load.js';
import { Server } from './server.js';

export { Server } from './server.js';
export { Config } from './config/config.js';
export { REDIS_COMPAT_VERSION, NODIS_VERSION } from './version.js';

export interface StartOptions {
  /** TCP port; 0 (the default unless the config sets one) picks a free one, reported as `port`. */
  port?: number;
  /** Addresses to listen on (default 127.0.0.1). */
  bind?: string;
  /** Any redis.conf directive: `{ maxmemory: '100mb', appendonly: 'yes' }`. */
  config?: Readonly<Record<string, string | number | boolean>>;
  /** Path of a redis.conf-syntax file to read first. */
  configFile?: string;
  /** Log to stdout like redis-server (default: silent). */
  log?: boolean;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** Stops listening and disconnects every client. */
  stop(): Promise<void>;
}

/** Starts a nodis server inside this process and resolves once it accepts connections. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = new Config();
  let text = '';
  if (options.configFile !== undefined) {
    const { readFileSync } = await import('node:fs');
    text = readFileSync(options.configFile, 'latin1');
    config.configFile = options.configFile;
  }
  const lines = parseConfigText(text);
  const extra = Object.entries(options.config ?? {}).map(([name, value]) => ({
    args: [name, ...(typeof value === 'boolean' ? [value ? 'yes' : 'no'] : String(value).split(' '))],
    text: `${name} ${String(value)}`,
    lineNo: 0,
  }));
  applyConfigLines(config, [...lines, ...extra]);
  const configured = (name: string): boolean => lines.some((l) => l.args[0]!.toLowerCase() === name) || extra.some((l) => l.args[0] === name);
  // Embedded servers are volatile unless given save points (the CLI keeps Redis's defaults).
  if (!configured('save')) config.set('save', ['']);
  // Embedded servers listen on loopback unless told otherwise.
  if (options.bind !== undefined) config.set('bind', [options.bind]);
  else if (!configured('bind')) config.set('bind', ['127.0.0.1']);
  const server = new Server(config);
  server.log.silent = options.log !== true;
  // An explicit port option wins; else a configured port; else 0 (a free port).
  await server.start(options.port ?? (configured('port') ? undefined : 0));
  return {
    server,
    port: server.port,
    host: server.boundAddresses[0]?.host ?? '127.0.0.1',
    stop: () => server.stop(),
  };
}
