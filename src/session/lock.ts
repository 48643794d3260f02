/**
 * Runs work one at a time, in arrival order. Turns and appends on a session
 * take it, so each answer directly follows its query and counts are exact.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
