/** Peak resident memory of this process (worker threads included), sampled every 50 ms. */
export class PeakMemory {
  private peak = process.memoryUsage.rss();
  private readonly timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }, 50);

  /** Stop sampling; returns the peak in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return Math.round(this.peak / 2 ** 20);
  }
}
