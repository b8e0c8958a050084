/**
 * Logging in Redis's format ("pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message")
 * with its levels, to stdout or to `logfile`.
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

  log(level: Exclude<LogLevel, 'nothing'>, msg: string): void {
    if (this.silent || LEVELS[level] < LEVELS[this.level]) return;
    const d = new Date();
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    const stamp = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:M ${stamp} ${MARKS[LEVELS[level]]} ${msg}\n`;
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
