/**
 * Logging in Redis's format ("pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message",
 * serverLogRaw) with its levels, to stdout or to `logfile`. The role is 'C' until the
 * server is initialised, then 'M', as in Redis.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARKS = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  level: LogLevel = 'notice';
  /** Empty: standard output. */
  file = '';
  /** Embedded servers are quiet unless asked. */
  silent = false;
  /** 'C' while starting (config loading), 'M' once the server runs (serverLogRaw's role_char). */
  role: 'C' | 'M' = 'M';

  debug(msg: string): void {
    this.log('debug', msg);
  }
  verbose(msg: string): void {
    this.log('verbose', msg);
  }
  notice(msg: string): void {
    this.log('notice', msg);
  }
  warning(msg: string): void {
    this.log('warning', msg);
  }

  /** True when a message at this level would be written (skip building costly messages). */
  enabled(level: Exclude<LogLevel, 'nothing'>): boolean {
    return !this.silent && LEVELS[level] >= LEVELS[this.level];
  }

  log(level: Exclude<LogLevel, 'nothing'>, msg: string): void {
    if (!this.enabled(level)) return;
    const line = formatLogLine(this.role, level, msg, new Date());
    if (this.file === '') process.stdout.write(line);
    else {
      try {
        appendFileSync(this.file, line);
      } catch {
        // Redis also silently drops log lines it cannot write.
      }
    }
  }
}

/** One log line, newline included. */
export function formatLogLine(role: string, level: Exclude<LogLevel, 'nothing'>, msg: string, d: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${process.pid}:${role} ${stamp} ${MARKS[LEVELS[level]]} ${msg}\n`;
}
