/**
 * Every command module's handler table. registry.ts joins them to the generated metadata;
 * adding a command family means adding its table here.
 */
import type { HandlerTable } from './registry.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './string.js';
import { keyspaceCommands } from './keyspace.js';
import { expireCommands } from './expire.js';
import { objectCommands } from './object.js';
import { bitmapCommands } from './bitmap.js';
import { listCommands } from './list.js';
import { serverCommands } from './server-cmd.js';
import { clientCommands } from './client-cmd.js';
import { configCommands } from './config-cmd.js';
import { commandCommands } from './command-cmd.js';
import { functionCommands } from './function.js';
import { scriptingCommands } from './scripting-cmd.js';
import { multiCommands } from './multi.js';
import { hashCommands } from './hash.js';
import { setCommands } from './set.js';
import { pubsubCommands } from './pubsub.js';
import { monitorCommands } from './monitor.js';
import { zsetCommands } from './zset.js';
import { zsetMoreCommands } from './zset-more.js';
import { sortCommands } from './sort.js';
import { persistenceCommands } from './persistence.js';
import { trackingCommands } from './tracking-cmd.js';
import { pauseCommands } from './pause-cmd.js';

export const ALL_COMMAND_TABLES: readonly HandlerTable[] = [connectionCommands, stringCommands, keyspaceCommands, expireCommands, objectCommands, bitmapCommands, listCommands, serverCommands, clientCommands, configCommands, commandCommands, functionCommands, scriptingCommands, multiCommands, hashCommands, setCommands, zsetCommands, zsetMoreCommands, sortCommands, persistenceCommands, pubsubCommands, monitorCommands, trackingCommands, pauseCommands];
