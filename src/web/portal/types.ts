// What the portal page reads from GET /api/portal/:token: the server's own answer type (src/http/answers.ts).
import type { PortalViewAnswer } from '../../http/answers.js';

export type PortalView = PortalViewAnswer;
