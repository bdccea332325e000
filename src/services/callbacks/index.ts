// Call-backs: a citizen asks to be called back (portal: a half-day slot; phone: key 1 after the
// greeting), which is a citizen's message in the thread (kind 'callback_request', due like any other);
// an agent presses "Rappeler": Twilio rings the agent's own phone, then bridges to the citizen showing
// the service's number. The call is one thread entry (kind 'call') moved forward by Twilio's callbacks.
import { bindAll } from '../bind.js';
import { bridgeTarget, call, dialEvent } from './call.js';
import { calls } from '../../store/repositories/calls.js';
import { slots, type CallbackDeps } from './context.js';
import { requestFromCall, requestFromPortal } from './request.js';

export function createCallbackService(deps: CallbackDeps) {
  return { enabled: deps.settings.enabled, ...bindAll({ ...deps, calls: calls(deps.models) }, { slots, requestFromPortal, requestFromCall, call, bridgeTarget, dialEvent }) };
}
export type CallbackService = ReturnType<typeof createCallbackService>;
