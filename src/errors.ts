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
