import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const ctx = useSimulator();

type Listed = Map<string, { Phone: string; Name?: string }>;

const PHONE_RULES =
	'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567)';

describe('Blacklist', () => {
	it('Add: every input item in one POST-JSON request, per-phone results back per item', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'blacklist',
				operation: 'add',
				phone: '={{ $json.phone }}',
				name: '={{ $json.name }}',
			},
			items: [
				{ phone: '050-123-4567', name: 'John doe' },
				{ phone: '031234567', name: 'Walter Melon' },
				{ phone: '+44 20 7946 0958', name: '' },
			],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', '/Blacklist/AddBlackList');
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].query).toEqual({});
		expect(requests[0].body).toEqual({
			Code: 'SIM-ACCOUNT-CODE-0001',
			Phones: [
				{ Phone: '0501234567', Name: 'John doe' },
				{ Phone: '031234567', Name: 'Walter Melon' },
				{ Phone: '442079460958' },
			],
		});
		expect(result.items).toEqual([
			{
				json: { Phone: '972501234567', ErrorCode: 0, ErrorMessage: 'OK', Name: 'John doe' },
				pairedItem: { item: 0 },
			},
			{
				json: { Phone: '97231234567', ErrorCode: 0, ErrorMessage: 'OK', Name: 'Walter Melon' },
				pairedItem: { item: 1 },
			},
			{ json: { Phone: '442079460958', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 2 } },
		]);
		expect([...(sim.state.blacklist as Listed).values()]).toEqual([
			{ Phone: '972501234567', Name: 'John doe' },
			{ Phone: '97231234567', Name: 'Walter Melon' },
			{ Phone: '442079460958' },
		]);
	});

	it('the list persists: add, then remove one, then the state holds the other', async () => {
		const { sim } = ctx;
		const creds = { voicenterApi: sim.voicenterCredentials() };
		await runNode({
			parameters: { resource: 'blacklist', operation: 'add', phone: '={{ $json.phone }}' },
			items: [{ phone: '0501234567' }, { phone: '0521111111' }],
			credentials: creds,
		});
		expect([...(sim.state.blacklist as Listed).keys()]).toEqual(['972501234567', '972521111111']);
		const removed = await runNode({
			parameters: { resource: 'blacklist', operation: 'remove', phone: '0501234567' },
			credentials: creds,
		});
		expect(removed.error()).toBeUndefined();
		expect(sim.requestsTo('api', '/Blacklist/RemoveBulkFromBlacklist')[0].body).toEqual({
			Code: 'SIM-ACCOUNT-CODE-0001',
			Phones: [{ Phone: '0501234567' }],
		});
		expect(removed.items).toEqual([
			{ json: { Phone: '972501234567', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 0 } },
		]);
		expect([...(sim.state.blacklist as Listed).keys()]).toEqual(['972521111111']);
	});

	it('several numbers in one item (comma-separated) give one output item each, paired to that item', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'blacklist', operation: 'add', phone: '={{ $json.phones }}' },
			items: [{ phones: '0501234567, 0521111111' }, { phones: ['972531234567'] }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(sim.requestsTo('api', '/Blacklist/AddBlackList')).toHaveLength(1);
		expect(result.items).toEqual([
			{ json: { Phone: '972501234567', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 0 } },
			{ json: { Phone: '972521111111', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 0 } },
			{ json: { Phone: '972531234567', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 1 } },
		]);
	});

	it('Batch Size splits the items into several requests', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'blacklist',
				operation: 'add',
				phone: '={{ $json.phone }}',
				options: { batchSize: 2 },
			},
			items: [{ phone: '0501111111' }, { phone: '0502222222' }, { phone: '0503333333' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(sim.requestsTo('api', '/Blacklist/AddBlackList').map((r) => r.body)).toEqual([
			{ Code: 'SIM-ACCOUNT-CODE-0001', Phones: [{ Phone: '0501111111' }, { Phone: '0502222222' }] },
			{ Code: 'SIM-ACCOUNT-CODE-0001', Phones: [{ Phone: '0503333333' }] },
		]);
		expect(result.items.map((i) => [i.json.Phone, i.pairedItem])).toEqual([
			['972501111111', { item: 0 }],
			['972502222222', { item: 1 }],
			['972503333333', { item: 2 }],
		]);
	});

	it('continueOnFail: invalid input and a per-phone Voicenter error fail only their item', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'blacklist', operation: 'add', phone: '={{ $json.phone }}' },
			items: [
				{ phone: '0501234567' },
				{ phone: 'abc' },
				{ phone: '972599999999' },
				{ phone: '' },
				{ phone: '0521111111' },
			],
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		// invalid items never reach Voicenter
		expect(sim.requestsTo('api', '/Blacklist/AddBlackList')[0].body).toEqual({
			Code: 'SIM-ACCOUNT-CODE-0001',
			Phones: [{ Phone: '0501234567' }, { Phone: '972599999999' }, { Phone: '0521111111' }],
		});
		expect(result.items).toEqual([
			{ json: { Phone: '972501234567', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 0 } },
			{
				json: { error: 'Invalid Phone "abc" in item 1', errorDescription: PHONE_RULES },
				pairedItem: { item: 1 },
			},
			{
				json: {
					error: 'Voicenter: Internal Error (code 2)',
					errorDescription:
						'Voicenter rejected adding to the blacklist 972599999999 (code 2): Internal Error. This is an error on the Voicenter side: try again in a minute, and contact Voicenter support if it persists',
					voicenterCode: 2,
					voicenterMessage: 'Internal Error',
					Phone: '972599999999',
				},
				pairedItem: { item: 2 },
			},
			{ json: { error: 'Phone is required (item 3)' }, pairedItem: { item: 3 } },
			{ json: { Phone: '972521111111', ErrorCode: 0, ErrorMessage: 'OK' }, pairedItem: { item: 4 } },
		]);
		expect([...(sim.state.blacklist as Listed).keys()]).toEqual(['972501234567', '972521111111']);
	});

	it('without continueOnFail an invalid phone stops the node before any request', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'blacklist', operation: 'remove', phone: '={{ $json.phone }}' },
			items: [{ phone: '0501234567' }, { phone: '12' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()?.message).toBe('Invalid Phone "12" in item 1');
		expect(sim.requestsTo('api')).toHaveLength(0);
	});

	it('a per-phone error stops the node with Voicenter code and message', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'blacklist', operation: 'remove', phone: '972599999999' },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const error = result.error() as Error & { context?: Record<string, unknown> };
		expect(error.message).toBe('Voicenter: Internal Error (code 2)');
		expect(error.context?.voicenterCode).toBe(2);
	});

	it('a wrong account code (ErrorCode 1) fails every item; the code appears nowhere', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'blacklist', operation: 'add', phone: '={{ $json.phone }}' },
			items: [{ phone: '0501234567' }, { phone: '0521111111' }],
			continueOnFail: true,
			credentials: {
				voicenterApi: { ...sim.voicenterCredentials(), accountCodeSecret: 'WRONG-SECRET-CODE' },
			},
		});
		const failure = {
			error: 'Voicenter: Authorization failed (code 1)',
			errorDescription:
				'Voicenter rejected adding to the blacklist (code 1): Authorization failed. Check the Account Code of the Voicenter API credential: it must be the code Voicenter gave your account for the API',
			voicenterCode: 1,
			voicenterMessage: 'Authorization failed',
		};
		expect(result.items).toEqual([
			{ json: failure, pairedItem: { item: 0 } },
			{ json: failure, pairedItem: { item: 1 } },
		]);
		const request = sim.requestsTo('api', '/Blacklist/AddBlackList')[0];
		expect(request.url).toBe('/api/Blacklist/AddBlackList');
		expect(JSON.stringify(result.items)).not.toContain('WRONG-SECRET-CODE');
	});
});
