#!/usr/bin/env node
/**
 * The `nodis` command, used like redis-server:
 *   nodis [/path/to/redis.conf] [--directive value ...] [-]
 * Configuration errors print Redis's "*** FATAL CONFIG FILE ERROR ***" block on stderr and
 * exit with code 1; SIGTERM/SIGINT shut down cleanly (exit 0, unix socket removed).
 */
import { ConfigFileError, FatalConfigError, loadConfig, parseCommandLine } from './config/load.js';
import { Server } from './server.js';
import { Logger } from './logger.js';
import { NODIS_VERSION, REDIS_COMPAT_VERSION } from './version.js';

const USAGE = [
  'Usage: nodis [/path/to/redis.conf] [options] [-]',
  '       nodis - (read config from stdin)',
  '       nodis -v or --version',
  '       nodis -h or --help',
  '',
  'Examples:',
  '       nodis (run the server with default conf)',
  "       echo 'maxmemory 128mb' | nodis -",
  '       nodis /etc/redis/6379.conf',
  '       nodis --port 7777',
  '       nodis /etc/myredis.conf --loglevel verbose -',
  '       nodis /etc/myredis.conf --loglevel verbose',
  '',
  'Any redis.conf directive can be given as --directive value.',
  '',
].join('\n');

function versionLine(): string {
  return `nodis server v=${NODIS_VERSION} redis_version=${REDIS_COMPAT_VERSION} node=${process.version} bits=64\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const cli = parseCommandLine(argv);
  if (cli.version) {
    process.stdout.write(versionLine());
    return 0;
  }
  if (cli.help) {
    // redis-server's usage() goes to stderr and exits 1.
    process.stderr.write(USAGE);
    return 1;
  }
  let server: Server;
  try {
    if (cli.stdin) {
      const early = new Logger();
      early.role = 'C';
      early.notice('Reading config from stdin');
    }
    server = new Server(loadConfig(cli));
  } catch (e) {
    if (e instanceof FatalConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof ConfigFileError) {
      const early = new Logger();
      early.role = 'C';
      early.warning(e.message);
      return 1;
    }
    throw e;
  }
  const log = server.log;
  log.role = 'C';
  log.warning('oO0OoO0OoO0Oo nodis is starting oO0OoO0OoO0Oo');
  log.warning(`nodis version=${NODIS_VERSION}, redis_version=${REDIS_COMPAT_VERSION}, node=${process.version}, pid=${process.pid}, just started`);
  if (argv.length === 0) {
    log.warning('Warning: no config file specified, using the default config. In order to specify a config file use nodis /path/to/redis.conf');
  } else {
    log.warning('Configuration loaded');
  }
  log.role = 'M';
  try {
    await server.start();
  } catch (e) {
    log.warning((e as Error).message);
    return 1;
  }
  const port = server.port;
  log.notice(`Running mode=standalone, port=${port}.`);
  log.warning('Server initialized');
  log.notice('Ready to accept connections');
  const unixsocket = server.config.get('unixsocket');
  if (unixsocket !== '') log.notice(`The server is now ready to accept connections at ${unixsocket}`);

  let signalled = false;
  const onSignal = (name: 'SIGTERM' | 'SIGINT'): void => {
    if (signalled) {
      log.warning('You insist... exiting now.');
      process.exit(1);
    }
    signalled = true;
    log.warning(`Received ${name} scheduling shutdown...`);
    log.warning('User requested shutdown...');
    void server.shutdownFromSignal(name === 'SIGINT' ? 'sigint' : 'sigterm').then((stopping) => {
      if (!stopping) signalled = false;
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  await server.stopped;
  if (unixsocket !== '') log.notice('Removing the unix socket file.');
  log.warning('nodis is now ready to exit, bye bye...');
  return server.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let stdout/stderr drain before exiting (they are asynchronous on pipes).
    process.exitCode = code;
    setImmediate(() => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
