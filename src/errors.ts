/**
 * Every exact error text nodis sends, in one place (Redis builds its common ones once
 * in createSharedObjects). Handlers throw ReplyError; the dispatcher writes it.
 * A message without an upper-case code word gets "ERR " prepended, as addReplyErrorLength does.
 */
export class ReplyError extends Error {
  /** The full text after '-', code included (e.g. "WRONGTYPE Operation against ..."). */
  readonly reply: string;
  constructor(reply: string) {
    super(reply);
    this.reply = reply;
  }
  /** The error code counted in INFO errorstats ("ERR", "WRONGTYPE", ...). */
  get code(): string {
    const space = this.reply.indexOf(' ');
    return space === -1 ? this.reply : this.reply.slice(0, space);
  }
}

/** Builds an error that carries Redis's generic "ERR" code. */
export const err = (message: string): ReplyError => new ReplyError(`ERR ${message}`);

// Shared, allocation-free errors for the hot path.
export const WRONGTYPE = new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
export const SYNTAX = err('syntax error');
export const NOT_INTEGER = err('value is not an integer or out of range');
export const NOT_FLOAT = err('value is not a valid float');
export const OVERFLOW = err('increment or decrement would overflow');
export const NO_SUCH_KEY = err('no such key');
export const INDEX_OUT_OF_RANGE = err('index out of range');
export const DB_INDEX_OUT_OF_RANGE = err('DB index is out of range');
export const INVALID_DB_INDEX = err('invalid DB index');
export const NOAUTH = new ReplyError('NOAUTH Authentication required.');
export const WRONGPASS = new ReplyError('WRONGPASS invalid username-password pair or user is disabled.');
export const AUTH_NOT_CONFIGURED = err(
  'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
);
export const STRING_TOO_LONG = err('string exceeds maximum allowed size (proto-max-bulk-len)');
export const BIT_OFFSET = err('bit offset is not an integer or out of range');
export const BIT_VALUE = err('bit is not an integer or out of range');
export const OFFSET_OUT_OF_RANGE = err('offset is out of range');
export const INCR_NAN_INF = err('increment would produce NaN or Infinity');
export const INVALID_EXPIRE = (cmd: string): ReplyError => err(`invalid expire time in '${cmd}' command`);
export const TIMEOUT_NOT_FLOAT = err('timeout is not a float or out of range');
export const TIMEOUT_NEGATIVE = err('timeout is negative');
export const SAME_OBJECT = err('source and destination objects are the same');
export const MAX_CLIENTS = err('max number of clients reached');
export const LOADING = new ReplyError('LOADING Redis is loading the dataset in memory');

// ---- Persistence (SAVE/BGSAVE/BGREWRITEAOF, DUMP/RESTORE, SHUTDOWN, DEBUG RELOAD) ----
/** shared.err: a bare "-ERR" when a save fails (the log says why). */
export const SAVE_FAILED = new ReplyError('ERR');
export const BGSAVE_IN_PROGRESS = err('Background save already in progress');
export const BGSAVE_OTHER_CHILD = err(
  "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
);
export const AOF_REWRITE_IN_PROGRESS = err('Background append only file rewriting already in progress');
export const AOF_REWRITE_FAILED = err("Can't execute an AOF background rewriting. Please check the server logs for more information.");
export const MISCONF_RDB = new ReplyError(
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
);
export const MISCONF_AOF = (reason: string): ReplyError => new ReplyError(`MISCONF Errors writing to the AOF file: ${reason}`);
export const BUSYKEY = new ReplyError('BUSYKEY Target key name already exists.');
export const DUMP_PAYLOAD_INVALID = err('DUMP payload version or checksum are wrong');
export const BAD_DATA_FORMAT = err('Bad data format');
export const INVALID_TTL = err('Invalid TTL value, must be >= 0');
export const INVALID_IDLETIME = err('Invalid IDLETIME value, must be >= 0');
export const INVALID_FREQ = err('Invalid FREQ value, must be >= 0 and <= 255');
export const SHUTDOWN_FAILED = err('Errors trying to SHUTDOWN. Check logs.');
export const NO_SHUTDOWN_IN_PROGRESS = err('No shutdown in progress.');
export const RELOAD_RDB_FAILED = err('Error trying to load the RDB dump');
export const RELOAD_AOF_FAILED = err('Error trying to load the AOF files');
export const UNKNOWN_SUBCOMMAND = (sub: string, cmd: string): ReplyError =>
  err(`unknown subcommand '${truncate(sub)}'. Try ${cmd.toUpperCase()} HELP.`);
export const WRONG_ARITY = (fullName: string): ReplyError =>
  err(`wrong number of arguments for '${fullName}' command`);

/** Redis formats "%.128s" in several messages. */
export function truncate(s: string, max = 128): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** `ERR unknown command 'x', with args beginning with: 'a' 'b' ` as commandCheckExistence builds it. */
export function unknownCommand(argv: readonly string[]): ReplyError {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${truncate(argv[i]!, 128 - args.length)}' `;
  }
  return err(`unknown command '${truncate(argv[0]!)}', with args beginning with: ${args}`);
}

/** Redis replaces CR and LF with spaces in error messages so the reply stays one line. */
export function sanitizeErrorText(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
}

// ==== Command families (moved here from their handlers; the errors area) ====

// ---- Arguments (args.ts): getIntFromObjectOrReply's range message ----
export const INT32_RANGE = err('value is out of range, value must between -2147483648 and 2147483647');
export const VALUE_OUT_OF_RANGE = err('value is out of range');
/** getLongLongFromObjectOrReply refuses LLONG_MIN where the code negates the value. */
export const INT64_RANGE_NO_MIN = err('value is out of range, value must between -9223372036854775807 and 9223372036854775807');
/** getPositiveLongFromObjectOrReply's default message. */
export const VALUE_NOT_POSITIVE = err('value is out of range, must be positive');

// ---- Transactions (MULTI/EXEC/DISCARD/WATCH) ----
export const MULTI_NESTED = err('MULTI calls can not be nested');
export const EXEC_WITHOUT_MULTI = err('EXEC without MULTI');
export const DISCARD_WITHOUT_MULTI = err('DISCARD without MULTI');
export const EXECABORT = new ReplyError('EXECABORT Transaction discarded because of previous errors.');
export const WATCH_IN_MULTI = err('WATCH inside MULTI is not allowed');

// ---- Pub/Sub ----
/** A RESP2 client in subscribed mode sending anything else. */
export const notAllowedWhileSubscribed = (fullName: string): ReplyError =>
  err(`Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);

// ---- Connection (HELLO, CLIENT SETNAME/SETINFO, MONITOR) ----
export const PROTO_NOT_INTEGER = err('Protocol version is not an integer or out of range');
export const NOPROTO = new ReplyError('NOPROTO unsupported protocol version');
export const helloSyntax = (option: string): ReplyError => err(`Syntax error in HELLO option '${option}'`);
export const HELLO_NOAUTH = new ReplyError(
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
);
export const CLIENT_NAME_CHARS = err('Client names cannot contain spaces, newlines or special characters.');
export const unrecognizedOption = (option: string): ReplyError => err(`Unrecognized option '${option}'`);
/** CLIENT SETINFO lib-name/lib-ver, named as the client typed the attribute. */
export const clientInfoChars = (attr: string): ReplyError => err(`${attr} cannot contain spaces, newlines or special characters.`);
export const MONITOR_DENY_BLOCKING = err("MONITOR isn't allowed for DENY BLOCKING client");

// ---- CLIENT (KILL, LIST, PAUSE, UNBLOCK) ----
export const unknownClientType = (type: string): ReplyError => err(`Unknown client type '${type}'`);
export const INVALID_CLIENT_ID = err('Invalid client ID');
export const CLIENT_ID_NOT_POSITIVE = err('client-id should be greater than 0');
export const noSuchUser = (name: string): ReplyError => err(`No such user '${name}'`);
export const NO_SUCH_CLIENT = err('No such client');
export const TIMEOUT_NOT_INTEGER = err('timeout is not an integer or out of range');
export const TIMEOUT_OUT_OF_RANGE = err('timeout is out of range');
export const PAUSE_MODE = err('CLIENT PAUSE mode must be WRITE or ALL');
/** addReplySubcommandSyntaxError: a known subcommand with the wrong number of arguments. */
export const subcommandSyntax = (sub: string, cmd: string): ReplyError =>
  err(`unknown subcommand or wrong number of arguments for '${truncate(sub)}'. Try ${cmd} HELP.`);
/** Sent (not thrown) to a blocked client that CLIENT UNBLOCK ... ERROR wakes. */
export const UNBLOCKED = new ReplyError('UNBLOCKED client unblocked via CLIENT UNBLOCK');

// ---- Client-side caching (CLIENT TRACKING/CACHING) ----
export const TRACKING_ONE_REDIRECT = err('A client can only redirect to a single other client');
export const TRACKING_REDIRECT_MISSING = err('The client ID you want redirect to does not exist');
export const TRACKING_PREFIX_NEEDS_BCAST = err('PREFIX option requires BCAST mode to be enabled');
export const TRACKING_BCAST_SWITCH = err(
  "You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
);
export const TRACKING_OPTIN_OPTOUT_BCAST = err('OPTIN and OPTOUT are not compatible with BCAST');
export const TRACKING_OPTIN_AND_OPTOUT = err("You can't specify both OPTIN mode and OPTOUT mode");
export const TRACKING_OPTIN_OPTOUT_SWITCH = err(
  "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
);
export const prefixOverlapsExisting = (prefix: string, old: string): ReplyError =>
  err(`Prefix '${prefix}' overlaps with an existing prefix '${old}'. Prefixes for a single client must not overlap.`);
export const prefixOverlapsGiven = (prefix: string, other: string): ReplyError =>
  err(`Prefix '${prefix}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`);
export const CACHING_NOT_TRACKING = err(
  'CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
);
export const CACHING_YES_NEEDS_OPTIN = err('CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
export const CACHING_NO_NEEDS_OPTOUT = err('CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');

// ---- COMMAND GETKEYS ----
export const INVALID_COMMAND_SPECIFIED = err('Invalid command specified');
export const INVALID_COMMAND_ARG_COUNT = err('Invalid number of arguments specified for command');
export const COMMAND_HAS_NO_KEYS = err('The command has no key arguments');
export const INVALID_COMMAND_ARGUMENTS = err('Invalid arguments specified for command');

// ---- CONFIG ----
export const unknownConfigOption = (name: string): ReplyError =>
  err(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
export const configSetFailed = (name: string, reason: string): ReplyError =>
  err(`CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
/** Reasons given by configSetFailed before any value is parsed. */
export const CONFIG_IMMUTABLE = "can't set immutable config";
export const CONFIG_PROTECTED = "can't set protected config";
export const CONFIG_DUPLICATE = 'duplicate parameter';
export const NO_CONFIG_FILE = err('The server is running without a config file');
export const configRewriteFailed = (reason: string): ReplyError => err(`Rewriting config file: ${reason}`);

// ---- Config values: config.c's reasons, after "CONFIG SET failed ... - " or in the config file's fatal error ----
export const CONFIG_BAD_DIRECTIVE = 'Bad directive or wrong number of arguments';
export const CONFIG_WRONG_ARGS = 'wrong number of arguments';
export const CONFIG_NOT_YES_NO = "argument must be 'yes' or 'no'";
export const CONFIG_NOT_MEMORY = 'argument must be a memory value';
export const CONFIG_NOT_INTEGER = "argument couldn't be parsed into an integer";
export const CONFIG_NOT_OCTAL = "argument couldn't be parsed as an octal number";
export const configOutOfBounds = (min: string, max: string): string => `argument must be between ${min} and ${max} inclusive`;
export const configNotOneOf = (values: readonly string[]): string => `argument(s) must be one of the following: ${values.join(', ')}`;
export const CONFIG_SAVE_PARAMS = 'Invalid save parameters';
export const CONFIG_TOO_MANY_BINDS = 'Too many bind addresses specified.';
export const CONFIG_BUFFER_LIMIT_ARGS = 'Wrong number of arguments in buffer limit configuration.';
export const CONFIG_BUFFER_LIMIT_CLASS = 'Invalid client class specified in buffer limit configuration.';
export const CONFIG_BUFFER_LIMIT_VALUES = 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
export const CONFIG_NOTIFY_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
export const CONFIG_OOM_SCORE_RANGE = 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.';
export const CONFIG_PERCENTILES_INVALID = 'Invalid latency-tracking-info-percentiles parameters';
export const CONFIG_PERCENTILES_RANGE = 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]';

// ---- Server (SLOWLOG, DEBUG) ----
export const SLOWLOG_COUNT = err('count should be greater than or equal to -1');
export const DEBUG_RELOAD_OPTIONS = err('DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
/** Redis 7's protected DEBUG command, refused by enable-debug-command. */
export const DEBUG_NOT_ALLOWED = err(
  'DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
);

// ---- Keyspace (EXPIRE family, SCAN, SWAPDB, SORT, OBJECT) ----
export const unsupportedOption = (option: string): ReplyError => err(`Unsupported option ${option}`);
export const EXPIRE_NX_CONFLICT = err('NX and XX, GT or LT options at the same time are not compatible');
export const EXPIRE_GT_LT_CONFLICT = err('GT and LT options at the same time are not compatible');
export const INVALID_CURSOR = err('invalid cursor');
export const INVALID_FIRST_DB_INDEX = err('invalid first DB index');
export const INVALID_SECOND_DB_INDEX = err('invalid second DB index');
export const SORT_SCORE_NOT_DOUBLE = err("One or more scores can't be converted into double");
export const OBJECT_IDLETIME_LFU = err(
  'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
export const OBJECT_FREQ_NO_LFU = err(
  'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);

// ---- Strings (DECRBY, LCS) ----
export const DECREMENT_OVERFLOW = err('decrement would overflow');
export const LCS_NOT_STRINGS = err('The specified keys must contain string values');
export const LCS_IDX_AND_LEN = err('If you want both the length and indexes, please just use IDX.');
export const LCS_TOO_BIG = err('Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');

// ---- Hashes (HINCRBY, HINCRBYFLOAT) ----
export const HASH_NOT_INTEGER = err('hash value is not an integer');
export const HASH_NOT_FLOAT = err('hash value is not a float');
export const VALUE_NAN_INF = err('value is NaN or Infinity');

// ---- Bitmaps (SETBIT/BITPOS, BITOP, BITFIELD) ----
export const BIT_ARG = err('The bit argument must be 1 or 0.');
export const BITOP_NOT_SINGLE = err('BITOP NOT must be called with a single source key.');
export const BITFIELD_TYPE = err('Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');
export const BITFIELD_OVERFLOW_TYPE = err('Invalid OVERFLOW type specified');
export const BITFIELD_RO_GET_ONLY = err('BITFIELD_RO only supports the GET subcommand');

// ---- Sorted sets (ZADD, ranges, ZPOP/ZMPOP, ZUNION/ZINTER/ZDIFF; the zset area) ----
export const ZSET_MIN_MAX_NOT_FLOAT = err('min or max is not a float');
export const ZSET_LEX_RANGE_INVALID = err('min or max not valid string range item');
export const ZADD_XX_NX = err('XX and NX options at the same time are not compatible');
export const ZADD_GT_LT_NX = err('GT, LT, and/or NX options at the same time are not compatible');
export const ZADD_INCR_SINGLE = err('INCR option supports a single increment-element pair');
export const ZSET_SCORE_NAN = err('resulting score is not a number (NaN)');
export const ZRANGE_LIMIT_NEEDS_BY = err('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
export const ZRANGE_WITHSCORES_BYLEX = err('syntax error, WITHSCORES not supported in combination with BYLEX');
export const ZSET_WEIGHT_NOT_FLOAT = err('weight value is not a float');
export const zsetNeedsInputKey = (command: string): ReplyError => err(`at least 1 input key is needed for '${command}' command`);
export const ZINTERCARD_LIMIT_NEGATIVE = err("LIMIT can't be negative");
export const ZMPOP_NUMKEYS = err('numkeys should be greater than 0');
export const ZMPOP_COUNT = err('count should be greater than 0');

// ---- Protocol and dispatch (the hot path: network/client.ts, commands/dispatch.ts) ----
/** Sent before closing a connection whose input is not valid RESP (networking.c's setProtocolError). */
export const protocolError = (message: string): ReplyError => err(`Protocol error: ${message}`);
/** A handler threw something that is not a reply error: a bug, reported instead of crashing. */
export const internalError = (command: string): ReplyError => err(`internal error running '${command}'`);

// ==== Scripting (EVAL/SCRIPT, FUNCTION/FCALL, the Lua engine; the scripting area) ====
// ---- eval.c, script.c: running scripts ----
export const NOSCRIPT = new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
export const BUSY_SCRIPT = new ReplyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
export const BUSY_FUNCTION = new ReplyError('BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
export const NOTBUSY = new ReplyError('NOTBUSY No scripts in execution right now.');
export const SCRIPT_KILLED = err('Script killed by user with SCRIPT KILL...');
export const UNKILLABLE = new ReplyError(
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
);
export const NUMKEYS_TOO_MANY = err("Number of keys can't be greater than number of args");
export const NUMKEYS_NEGATIVE = err("Number of keys can't be negative");
export const SCRIPT_WRITE_FLAG_RO = err('Can not execute a script with write flag using *_ro command.');
export const SCRIPT_FLUSH_MODE = err('SCRIPT FLUSH only support SYNC|ASYNC option');
export const scriptCompileError = (e: string): ReplyError => err(`Error compiling script (new function): ${e}`);
export const SHEBANG_INVALID = err('Invalid script shebang');
export const SHEBANG_ENGINE_INVALID = err('Invalid engine in script shebang');
export const shebangEngine = (engine: string): ReplyError => err(`Unexpected engine in script shebang: ${engine}`);
export const shebangOption = (option: string): ReplyError => err(`Unknown lua shebang option: ${option}`);
export const shebangFlag = (flag: string): ReplyError => err(`Unexpected flag in script shebang: ${flag}`);
// ---- nodis's own: the Lua engine thread ----
export const LUA_ENGINE_START = err('Lua engine failed to start');
export const LUA_ENGINE_FAILURE = err('Lua engine failure');
// ---- functions.c: libraries and FCALL ----
export const LIB_METADATA_MISSING = err('Missing library metadata');
export const LIB_METADATA_INVALID = err('Invalid library metadata');
export const LIB_NAME_TWICE = err('Invalid metadata value, name argument was given multiple times');
export const libMetadataValue = (part: string): ReplyError => err(`Invalid metadata value given: ${part}`);
export const LIB_NAME_MISSING = err('Library name was not given');
export const LIB_NAME_INVALID = err('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
export const engineNotFound = (engine: string): ReplyError => err(`Engine '${engine}' not found`);
export const libraryExists = (name: string): ReplyError => err(`Library '${name}' already exists`);
/** FUNCTION RESTORE's wording (no quotes). */
export const libraryExistsRestore = (name: string): ReplyError => err(`Library ${name} already exists`);
export const registerFunctionsFailed = (text = 'Error registering functions'): ReplyError => err(text);
export const NO_FUNCTIONS_REGISTERED = err('No functions registered');
export const functionExists = (name: string): ReplyError => err(`Function ${name} already exists`);
export const FUNCTION_NOT_FOUND = err('Function not found');
export const BAD_NUMKEYS = err('Bad number of keys provided');
export const LIBRARY_NAME_ARG_MISSING = err('library name argument was not given');
export const functionListArgument = (arg: string): ReplyError => err(`Unknown argument ${arg}`);
export const RESTORE_POLICY = err('Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
export const FUNCTION_PRE_GA = err('Pre-GA function format not supported');
export const NOT_A_FUNCTION = err('given type is not a function');
export const FUNCTION_PAYLOAD_BAD = err('failed loading the given functions payload');
export const functionLoadOption = (option: string): ReplyError => err(`Unknown option given: ${option}`);
export const FUNCTION_CODE_MISSING = err('Function code is missing');
export const LIBRARY_NOT_FOUND = err('Library not found');
export const functionSubcommand = (sub: string): ReplyError => err(`unknown subcommand or wrong number of arguments for '${sub}'. Try FUNCTION HELP.`);
export const FUNCTION_FLUSH_MODE = err('FUNCTION FLUSH only supports SYNC|ASYNC option');

// ---- Lists (LPOS, blocking pops) and CLIENT UNBLOCK ----
export const LPOS_RANK_ZERO = err(
  "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
export const LPOS_COUNT_NEGATIVE = err("COUNT can't be negative");
export const LPOS_MAXLEN_NEGATIVE = err("MAXLEN can't be negative");
export const CLIENT_UNBLOCK_REASON = err('CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
/** A command nodis looks up by name internally (blocking commands re-run) is missing: a bug. */
export const missingCommand = (name: string): ReplyError => err(`unknown command '${name}'`);
