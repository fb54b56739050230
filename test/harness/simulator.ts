/** Starts one simulator per test file and resets it between tests. */
import type { SimulatorOptions } from '../../simulator/server';
import { VoicenterSimulator } from '../../simulator/server';

export function useSimulator(options: SimulatorOptions = {}): { sim: VoicenterSimulator } {
	const holder = { sim: new VoicenterSimulator(options) };
	beforeAll(async () => {
		await holder.sim.start();
	});
	beforeEach(() => {
		holder.sim.reset();
	});
	afterAll(async () => {
		await holder.sim.stop();
	});
	return holder;
}
