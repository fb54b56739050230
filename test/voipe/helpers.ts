/** VoIPe test helpers: registers the node and credential with the engine harness. */
import { VoipeApi } from '../../credentials/VoipeApi.credentials';
import { Voipe } from '../../nodes/Voipe/Voipe.node';
import type { VoicenterSimulator } from '../../simulator/server';
import { PACKAGE, registerCredentialType, registerNodeType } from '../harness/engine';

export const VOIPE_TYPE = `${PACKAGE}.voipe`;

registerNodeType(VOIPE_TYPE, new Voipe());
registerCredentialType(new VoipeApi());

export const SIM_CLIENT = 'sim-client';

/** Credentials data for the VoIPe credential pointing at the simulator's two VoIPe hosts. */
export function voipeCredentials(
	sim: VoicenterSimulator,
	overrides: Record<string, string> = {},
): { voipeApi: Record<string, string> } {
	return {
		voipeApi: {
			pbxUrl: sim.baseUrl('voipe-pbx'),
			clientNameSecret: SIM_CLIENT,
			mobileBaseUrl: sim.baseUrl('voipe-cpanel'),
			...overrides,
		},
	};
}
