/**
 * Every simulated area registers its routes here. Each module owns its state under
 * sim.state.<area> and rebuilds it in an onReset hook.
 */
import type { Simulator as VoicenterSimulator } from '../types';
import * as activeCalls from './activeCalls';
import * as agentStatus from './agentStatus';
import * as blacklist from './blacklist';
import * as callLog from './callLog';
import * as click2call from './click2call';
import * as dialer from './dialer';
import * as extensions from './extensions';
import * as mute from './mute';
import * as recordings from './recordings';
import * as voipe from './voipe';

const modules: Array<{ register: (sim: VoicenterSimulator) => void }> = [
	click2call,
	extensions,
	callLog,
	blacklist,
	mute,
	activeCalls,
	voipe,
	dialer,
	recordings,
	agentStatus,
];

export function registerAllRoutes(sim: VoicenterSimulator): void {
	for (const m of modules) m.register(sim);
}
