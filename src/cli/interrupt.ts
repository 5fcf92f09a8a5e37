/*
 * Ctrl-C for long commands (save, load, import): SIGINT or SIGTERM aborts the signal handed to the
 * work, which then removes what it wrote and fails with Cancelled, instead of the process dying
 * half-way. The handlers are removed when the work ends.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
