// The citizen portal: a secret link per acknowledgement (random token, only its hash stored, revocable
// by a manager) to follow the request at any hour and add a message to the same thread.
import { bindAll } from '../bind.js';
import { createPortalContext, type PortalDeps } from './context.js';
import { createLink, revokeAll } from './links.js';
import { forAction, post, write } from './post.js';
import { view, viewOf } from './view.js';

export function createPortalService(deps: PortalDeps) {
  const ctx = createPortalContext(deps);
  return { redactedLink: deps.sentTexts.redactedLink, ...bindAll(ctx, { createLink, view, viewOf, forAction, post, write, revokeAll }) };
}
export type PortalService = ReturnType<typeof createPortalService>;
