import { runLoadOptions } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const ctx = useSimulator();

describe('dropdowns (loadOptions)', () => {
	it('getExtensions lists every extension from GetExtensions (showAll)', async () => {
		const { sim } = ctx;
		const options = await runLoadOptions({
			method: 'getExtensions',
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(options).toEqual([
			{ name: 'Extension 1 (SIPSIP1)', value: 'SIPSIP1', description: 'John Doe · Voicenter Account' },
			{ name: 'Extension 2 (SIPSIP2)', value: 'SIPSIP2', description: 'Walter Melon · Sales Department' },
			{ name: 'Extension 3 (SIPSIP3)', value: 'SIPSIP3', description: 'Lois Lane · Sales Department' },
			{ name: 'Reception (BLOCKED1)', value: 'BLOCKED1', description: 'Clark Kent · Voicenter Account' },
		]);
		expect(sim.requestsTo('monitor', '/Comet/api/GetExtensions')[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			showAll: 1,
		});
	});

	it('getExtensionsWithAll starts with "All Extensions"', async () => {
		const { sim } = ctx;
		const options = await runLoadOptions({
			method: 'getExtensionsWithAll',
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(options[0]).toEqual({ name: 'All Extensions', value: '' });
		expect(options).toHaveLength(5);
	});

	it('getQueues lists the queues from GetQueuesCallers', async () => {
		const { sim } = ctx;
		const options = await runLoadOptions({
			method: 'getQueues',
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(options).toEqual([
			{ name: 'All Queues', value: '' },
			{ name: 'Sales Queue (12345678)', value: '12345678' },
			{ name: 'Service Queue (87654321)', value: '87654321' },
		]);
	});

	it('a wrong code is a clear error', async () => {
		const { sim } = ctx;
		await expect(
			runLoadOptions({
				method: 'getQueues',
				credentials: { voicenterApi: { ...sim.voicenterCredentials(), accountCodeSecret: 'BAD-CODE-1' } },
			}),
		).rejects.toThrow('Voicenter: Authorization failed (code 1)');
	});
});
