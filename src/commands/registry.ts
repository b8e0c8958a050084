/**
 * Joins the generated command facts (table.generated.ts) to the handlers the command
 * modules export. A command without a handler does not exist for clients: it answers
 * Redis's unknown-command error, never a fake reply.
 */
import { COMMAND_SPECS } from './table.generated.js';
import type { CommandSpec } from './spec.js';
import type { Client } from '../network/client.js';

/**
 * A handler parses its arguments, calls the type API and writes the reply on `c.w`.
 * It throws ReplyError for errors. The dispatcher has already checked arity and auth.
 */
export type CommandHandler = (c: Client, argv: string[]) => void;
export type HandlerTable = Readonly<Record<string, CommandHandler>>;

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

const COMMANDS_RUNNING_COMMANDS = new Set(['exec', 'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

export class Command {
  readonly subcommands: Map<string, Command> | null;
  readonly stats: CommandStats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
  readonly flagSet: ReadonlySet<string>;
  /** Flags looked up on the hot path, precomputed. */
  readonly isWrite: boolean;
  readonly noAuth: boolean;
  readonly denyOom: boolean;
  readonly isModuleOrLoading: boolean;
  /**
   * EXEC and scripts run other commands: those are propagated (AOF, replicas), not the
   * command itself (Redis's preventCommandPropagation in execCommand and evalCommand).
   */
  readonly runsCommands: boolean;

  constructor(
    readonly spec: CommandSpec,
    readonly handler: CommandHandler | null,
    readonly parent: Command | null,
    subcommands: Map<string, Command> | null,
  ) {
    this.subcommands = subcommands;
    this.flagSet = new Set(spec.flags);
    this.isWrite = this.flagSet.has('WRITE');
    this.noAuth = this.flagSet.has('NO_AUTH');
    this.denyOom = this.flagSet.has('DENYOOM');
    this.isModuleOrLoading = this.flagSet.has('LOADING');
    this.runsCommands = COMMANDS_RUNNING_COMMANDS.has(spec.name);
  }

  /** "get", or "client|list" for a subcommand. */
  get fullName(): string {
    return this.spec.name;
  }

  /** The name alone: "list" for "client|list". */
  get shortName(): string {
    const bar = this.spec.name.indexOf('|');
    return bar === -1 ? this.spec.name : this.spec.name.slice(bar + 1);
  }
}

export class CommandRegistry {
  /** Top-level commands by lower-case name (the dispatcher also tries the exact spelling first). */
  readonly commands = new Map<string, Command>();
  /** Every implemented command and subcommand, by full name. */
  readonly all = new Map<string, Command>();
  /** Specs with no handler, for COMMAND COUNT-free introspection and the coverage test. */
  readonly unimplemented: CommandSpec[] = [];

  constructor(tables: readonly HandlerTable[]) {
    const handlers = new Map<string, CommandHandler>();
    for (const table of tables) {
      for (const [name, handler] of Object.entries(table)) {
        if (handlers.has(name)) throw new Error(`command ${name} has two handlers`);
        handlers.set(name, handler);
      }
    }
    const byName = new Map(COMMAND_SPECS.map((s) => [s.name, s]));
    for (const name of handlers.keys()) {
      if (!byName.has(name)) throw new Error(`handler for ${name} has no entry in the command table`);
    }
    // Containers first, so subcommands can attach to them.
    const children = new Map<string, CommandSpec[]>();
    for (const spec of COMMAND_SPECS) {
      if (spec.container !== undefined) {
        const list = children.get(spec.container) ?? [];
        list.push(spec);
        children.set(spec.container, list);
      }
    }
    for (const spec of COMMAND_SPECS) {
      if (spec.container !== undefined) continue;
      const subs = children.get(spec.name);
      if (subs !== undefined) {
        const subMap = new Map<string, Command>();
        // A container may also run on its own (bare COMMAND).
        const container = new Command(spec, handlers.get(spec.name) ?? null, null, subMap);
        for (const sub of subs) {
          const handler = handlers.get(sub.name);
          if (handler === undefined) {
            this.unimplemented.push(sub);
            continue;
          }
          const cmd = new Command(sub, handler, container, null);
          subMap.set(sub.name.slice(spec.name.length + 1), cmd);
          this.all.set(sub.name, cmd);
        }
        if (subMap.size > 0) {
          this.commands.set(spec.name, container);
          this.all.set(spec.name, container);
        } else {
          this.unimplemented.push(spec);
        }
      } else {
        const handler = handlers.get(spec.name);
        if (handler === undefined) {
          this.unimplemented.push(spec);
          continue;
        }
        const cmd = new Command(spec, handler, null, null);
        this.commands.set(spec.name, cmd);
        this.all.set(spec.name, cmd);
      }
    }
  }

  /** Spellings seen on the wire ("GET", "Get") mapped to their command, so case folding happens once. */
  private readonly spellings = new Map<string, Command>();

  /** Finds a top-level command by any spelling. */
  lookup(name: string): Command | undefined {
    const cached = this.spellings.get(name);
    if (cached !== undefined) return cached;
    const cmd = this.commands.get(name.toLowerCase());
    // Bounded: only real command names get in, and an adversary's case variants stop at the cap.
    if (cmd !== undefined && this.spellings.size < 4096) this.spellings.set(name, cmd);
    return cmd;
  }
}
