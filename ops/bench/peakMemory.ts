import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of the work, sampled every 50 ms: this process (the embedded engine runs in
 * it) plus, when the warehouse is a server on this machine, the server process. The peak is of the
 * sum, so it is what the machine had to hold at once.
 */
export class PeakMemory {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly serverPid = 0) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
  }

  /** Stop sampling; returns the peak in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return Math.round(this.peak / 2 ** 20);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss() + residentBytes(this.serverPid));
  }
}

/** VmRSS of a process from /proc (Linux), in bytes; 0 when unknown. */
function residentBytes(pid: number): number {
  if (!pid) return 0;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
