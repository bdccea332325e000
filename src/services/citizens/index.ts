// Citizens: the identities that lead to them, their recurring agent, merging two records, and the RGPD
// rights of access (export) and erasure (anonymisation that keeps the statistics). Each action is audited.
// One use case per file beside this one; the service binds them to their dependencies.
import { setSmsConsent } from './consent.js';
import { citizenContext, type CitizenDeps } from './context.js';
import { merge } from './merge.js';
import { addIdentity, get, rename } from './profile.js';
import { handOver, setRecurringAgent } from './recurringAgent.js';
import { anonymise, exportAll } from './rights.js';
import { bindAll } from '../bind.js';

export function createCitizenService(deps: CitizenDeps) {
  return bindAll(citizenContext(deps), { get, rename, setRecurringAgent, handOver, merge, exportAll, anonymise, setSmsConsent, addIdentity });
}
export type CitizenService = ReturnType<typeof createCitizenService>;
