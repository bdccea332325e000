// « Mon espace »: every request of a citizen in one place, entered without an account (a code to an
// address we know) or with FranceConnect; their data, readable, and the request to erase it.
// One use case per file beside this one.
import { bindAll } from '../bind.js';
import { createCitizenSpaceContext, type CitizenSpaceDeps } from './context.js';
import { exportData, requestErasure } from './data.js';
import { createFranceConnect, type FranceConnectSettings } from './franceConnect.js';
import { detail, forAction, list, open, write } from './requests.js';
import { end, resume } from './session.js';
import { sendCode, signIn } from './signIn.js';

export { type SpaceSession, IDLE_MS, LONGEST_MS } from './context.js';
export { isLoopback, type FranceConnectSettings } from './franceConnect.js';

export function createCitizenSpace(deps: CitizenSpaceDeps & { franceConnect?: FranceConnectSettings | null }) {
  const ctx = createCitizenSpaceContext(deps);
  return {
    ...bindAll(ctx, { sendCode, signIn, resume, end, list, detail, forAction, write, open, exportData, requestErasure }),
    /** Null when FRANCECONNECT_ISSUER is not set. */
    franceConnect: deps.franceConnect ? createFranceConnect(ctx, deps.franceConnect) : null,
    categories: () => deps.automation.categories(),
    /** Erasures citizens asked for, the oldest first, with their latest request (where managers act). */
    erasureRequests: async () =>
      Promise.all((await ctx.store.erasureRequests()).map(async (c) => ({
        citizenId: String(c._id), name: c.name ?? null, at: c.erasureRequest!.at.toISOString(), dueBy: c.erasureRequest!.dueBy.toISOString(),
        reference: (await ctx.store.latestRequest(c._id))?.reference ?? null,
      }))),
  };
}
export type CitizenSpace = ReturnType<typeof createCitizenSpace>;
