/**
 * The latency monitor (latency.c): per event, the latest spike and a history of up to 160
 * samples (one per second), recorded when an event takes at least latency-monitor-threshold ms.
 */
import type { Command } from '../commands/registry.js';

export interface LatencySample {
  timeSec: number;
  latencyMs: number;
}

export interface LatencyEvent {
  samples: LatencySample[];
  maxMs: number;
}

const HISTORY = 160;

export class LatencyMonitor {
  readonly events = new Map<string, LatencyEvent>();

  /** latencyAddSampleIfNeeded: records `ms` for `event` when it reaches the threshold. */
  addSampleIfNeeded(event: string, ms: number, thresholdMs: number): void {
    if (thresholdMs <= 0 || ms < thresholdMs) return;
    const now = Math.floor(Date.now() / 1000);
    let e = this.events.get(event);
    if (e === undefined) {
      e = { samples: [], maxMs: 0 };
      this.events.set(event, e);
    }
    const last = e.samples[e.samples.length - 1];
    if (last !== undefined && last.timeSec === now) {
      last.latencyMs = Math.max(last.latencyMs, ms);
    } else {
      e.samples.push({ timeSec: now, latencyMs: ms });
      if (e.samples.length > HISTORY) e.samples.shift();
    }
    e.maxMs = Math.max(e.maxMs, ms);
  }

  /** "command" for slow commands, "fast-command" for those flagged FAST, as call() does. */
  considerCommand(cmd: Command, usec: number, thresholdMs: number): void {
    if (thresholdMs <= 0) return;
    const ms = Math.floor(usec / 1000);
    this.addSampleIfNeeded(cmd.flagSet.has('FAST') ? 'fast-command' : 'command', ms, thresholdMs);
  }

  /** LATENCY RESET [event...]: returns how many events were reset. */
  reset(events: readonly string[]): number {
    if (events.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of events) if (this.events.delete(name)) n++;
    return n;
  }
}
