/** Server-wide counters behind INFO stats (the fields of Redis's server.stat_*). */
export class ServerStats {
  startTimeMs = Date.now();
  connectionsReceived = 0;
  rejectedConnections = 0;
  commandsProcessed = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  expiredKeys = 0;
  expiredStalePerc = 0;
  expiredTimeCapReachedCount = 0;
  expireCycleCpuMs = 0;
  evictedKeys = 0;
  evictedClients = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  protocolErrors = 0;
  readsProcessed = 0;
  writesProcessed = 0;
  /** errorstats: error code -> count. Redis stops adding new codes past 128. */
  readonly errors = new Map<string, number>();
  /** Samples for instantaneous_ops_per_sec & co (a ring of 16, as Redis). */
  readonly opsSamples: number[] = [];
  readonly netInSamples: number[] = [];
  readonly netOutSamples: number[] = [];
  private lastSampleTime = Date.now();
  private lastOps = 0;
  private lastNetIn = 0;
  private lastNetOut = 0;

  /** Called by the cron about every 100 ms (trackInstantaneousMetric). */
  sample(now: number): void {
    const dt = now - this.lastSampleTime;
    if (dt < 100) return;
    const push = (ring: number[], value: number): void => {
      ring.push(value);
      if (ring.length > 16) ring.shift();
    };
    push(this.opsSamples, ((this.commandsProcessed - this.lastOps) * 1000) / dt);
    push(this.netInSamples, ((this.netInputBytes - this.lastNetIn) * 1000) / dt / 1024);
    push(this.netOutSamples, ((this.netOutputBytes - this.lastNetOut) * 1000) / dt / 1024);
    this.lastOps = this.commandsProcessed;
    this.lastNetIn = this.netInputBytes;
    this.lastNetOut = this.netOutputBytes;
    this.lastSampleTime = now;
  }

  static average(ring: readonly number[]): number {
    if (ring.length === 0) return 0;
    return ring.reduce((a, b) => a + b, 0) / ring.length;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    const fresh = new ServerStats();
    const keep = this.startTimeMs;
    Object.assign(this, fresh);
    this.errors.clear();
    this.opsSamples.length = 0;
    this.netInSamples.length = 0;
    this.netOutSamples.length = 0;
    this.startTimeMs = keep;
  }
}
