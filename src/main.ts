#!/usr/bin/env node
/**
 * The `nodis` command: `nodis [config-file] [--directive value ...]`, like redis-server.
 */
import { loadConfig, parseCommandLine } from './config/load.js';
import { Server } from './server.js';
import { NODIS_VERSION, REDIS_COMPAT_VERSION } from './version.js';

function usage(): void {
  process.stderr.write(
    [
      'Usage: nodis [/path/to/redis.conf] [options] [-]',
      '       nodis - (read config from stdin)',
      '       nodis -v or --version',
      '       nodis -h or --help',
      '',
      'Examples:',
      '       nodis (run the server with default config)',
      '       nodis /etc/redis/6379.conf',
      '       nodis --port 7777',
      '       nodis /etc/myredis.conf --loglevel verbose -',
      '       nodis --port 7777 --save ""',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const cli = parseCommandLine(process.argv.slice(2));
  if (cli.version) {
    process.stdout.write(`nodis v=${NODIS_VERSION} redis_compat=${REDIS_COMPAT_VERSION} node=${process.version}\n`);
    return;
  }
  if (cli.help) {
    usage();
    return;
  }
  let server: Server;
  try {
    server = new Server(loadConfig(cli));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  server.log.notice('oO0OoO0OoO0Oo nodis is starting oO0OoO0OoO0Oo');
  server.log.notice(`nodis version=${NODIS_VERSION}, redis_compat=${REDIS_COMPAT_VERSION}, pid=${process.pid}, just started`);
  if (cli.configFile === null) {
    server.log.warning('Warning: no config file specified, using the default config. In order to specify a config file use nodis /path/to/redis.conf');
  }
  try {
    await server.start();
  } catch (e) {
    server.log.warning((e as Error).message);
    process.exit(1);
  }
  const port = server.port;
  server.log.notice(`Running mode=standalone, port=${port}.`);
  server.log.notice('Server initialized');
  server.log.notice('Ready to accept connections tcp');
  let signalled = false;
  const onSignal = (name: string): void => {
    if (signalled) {
      server.log.warning(`You insist... exiting now.`);
      process.exit(1);
    }
    signalled = true;
    server.log.warning(`Received ${name} scheduling shutdown...`);
    void server.shutdownFromSignal(name === 'SIGINT' ? 'sigint' : 'sigterm');
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  await server.stopped;
  server.log.notice('nodis is now ready to exit, bye bye...');
  process.exit(server.exitCode);
}

void main();
