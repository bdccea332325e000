// A background loop's pause: sleeps up to `ms`, or until woken because something was queued meanwhile.
// Several workers may sleep at once: a wake-up wakes them all.
export function createSleeper() {
  const sleeping = new Set<() => void>();
  return {
    sleep(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleeping.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleeping.add(done);
      });
    },
    wake(): void {
      for (const done of [...sleeping]) done();
    },
  };
}
