import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../harness/engine';
import type { VoicenterSimulator } from '../../simulator/server';
import type { DialerState } from '../../simulator/routes/dialer';

export { DIALER_CAMPAIGNS } from '../../simulator/routes/dialer';

export const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });

export function dialerState(sim: VoicenterSimulator): DialerState {
	return sim.state.dialer as DialerState;
}

export function dialerRequests(sim: VoicenterSimulator, method?: string) {
	return sim
		.requestsTo('api')
		.filter((r) =>
			method ? r.path === `/ForwardDialer/Dialer/${method}` : r.path.startsWith('/ForwardDialer/Dialer/'),
		);
}

export async function runDialer(
	sim: VoicenterSimulator,
	parameters: IDataObject,
	items: IDataObject[] = [{}],
	continueOnFail = false,
) {
	return await runNode({
		parameters,
		items,
		continueOnFail,
		credentials: { voicenterApi: sim.voicenterCredentials() },
	});
}
