// The shape of every action on a page: run it, announce what it did (or the server's message, as an
// error), then refresh what it changed.
export type Announce = (text: string, error?: boolean) => void;

export function attempter(announce: Announce, after: () => unknown = () => undefined) {
  return (run: () => Promise<string>) => async (event?: Event) => {
    event?.preventDefault();
    try {
      announce(await run());
      await after();
    } catch (err) {
      announce((err as Error).message, true);
    }
  };
}
