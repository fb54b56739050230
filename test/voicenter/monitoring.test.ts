/** Recording (MuteUnmuteCalls), Extension (GetExtensions) and Active Call (GetExtensionsCalls, GetQueuesCallers). */
import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import type { MuteAction } from '../../simulator/routes/mute';
import type { ActiveCallsState } from '../../simulator/routes/activeCalls';

const ctx = useSimulator();
const MUTE = '/Comet/API/MuteUnmuteCalls';

const actions = () => (ctx.sim.state.mute as { actions: MuteAction[] }).actions;
const calls = () => (ctx.sim.state.activeCalls as ActiveCallsState).byExtension;

describe('Recording → Mute / Unmute', () => {
	it('mutes by extension: { extension, state: "0" } without any account code', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'recording', operation: 'mute', by: 'extension', extension: 'SIPSIP2' },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('monapisec', MUTE);
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].query).toEqual({});
		expect(requests[0].body).toEqual({ extension: 'SIPSIP2', state: '0' });
		expect(result.items).toEqual([
			{
				json: {
					muted: true,
					extension: 'SIPSIP2',
					ActionID: actions()[0].ActionID,
					ErrorCode: 200,
					Message: 'Success',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(calls().SIPSIP2.map((c) => c.recording.IsMuted)).toEqual([1, 1]);
	});

	it('unmutes by extension with state "1"; the inverted convention option sends "0"', async () => {
		const { sim } = ctx;
		const creds = { voicenterApi: sim.voicenterCredentials() };
		await runNode({
			parameters: { resource: 'recording', operation: 'unmute', by: 'extension', extension: 'SIPSIP2' },
			credentials: creds,
		});
		await runNode({
			parameters: {
				resource: 'recording',
				operation: 'unmute',
				by: 'extension',
				extension: 'SIPSIP2',
				options: { convention: 'invertedState' },
			},
			credentials: creds,
		});
		expect(sim.requestsTo('monapisec', MUTE).map((r) => r.body)).toEqual([
			{ extension: 'SIPSIP2', state: '1' },
			{ extension: 'SIPSIP2', state: '0' },
		]);
	});

	it('mutes one call by IVR ID: { ivrid, mute: "1" }, or { ivrid, state } when chosen', async () => {
		const { sim } = ctx;
		const creds = { voicenterApi: sim.voicenterCredentials() };
		const result = await runNode({
			parameters: { resource: 'recording', operation: 'mute', by: 'call', ivrid: '2020101201cc7b38df' },
			credentials: creds,
		});
		expect(result.items).toEqual([
			{
				json: {
					muted: true,
					ivrid: '2020101201cc7b38df',
					ActionID: actions()[0].ActionID,
					ErrorCode: 200,
					Message: 'Success',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(calls().SIPSIP2.map((c) => c.recording.IsMuted)).toEqual([1, 0]);
		const other = await runNode({
			parameters: {
				resource: 'recording',
				operation: 'unmute',
				by: 'call',
				ivrid: '2020101201cc7b38df',
				options: { callShape: 'ivridState', sendCode: true },
			},
			credentials: creds,
		});
		expect(sim.requestsTo('monapisec', MUTE).map((r) => r.body)).toEqual([
			{ ivrid: '2020101201cc7b38df', mute: '1' },
			{ ivrid: '2020101201cc7b38df', state: '1', code: 'SIM-ACCOUNT-CODE-0001' },
		]);
		// the simulator answers the documented message, with its trailing space
		expect(other.error()?.message).toBe(
			'Voicenter: Parameters are not valid, should be "ivrid" and "mute"  (code 400)',
		);
	});

	it('maps the documented 400 errors; continueOnFail keeps the good item', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'recording',
				operation: 'mute',
				by: '={{ $json.by }}',
				extension: '={{ $json.ext }}',
				ivrid: '={{ $json.id }}',
			},
			items: [
				{ by: 'extension', ext: 'NOSUCHEXT' },
				{ by: 'call', id: 'unknown123' },
				{ by: 'extension', ext: 'SIPSIP1' },
				{ by: 'extension', ext: '' },
			],
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.items).toEqual([
			{
				json: {
					error: 'Voicenter: Extension not found (code 400)',
					errorDescription:
						'Voicenter rejected muting the recording (code 400): Extension not found. Pick the extension from the list: it must be an extension of this account',
					voicenterCode: 400,
					voicenterMessage: 'Extension not found',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: 'Voicenter: UniqueIvrID not found (code 400)',
					errorDescription:
						'Voicenter rejected muting the recording (code 400): UniqueIvrID not found. The call has ended or the IVR ID is wrong: take the ivrid of a live call (Active Call → Get Extension Calls, or the Realtime Trigger)',
					voicenterCode: 400,
					voicenterMessage: 'UniqueIvrID not found',
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					muted: true,
					extension: 'SIPSIP1',
					ActionID: actions()[0].ActionID,
					ErrorCode: 200,
					Message: 'Success',
				},
				pairedItem: { item: 2 },
			},
			{ json: { error: 'Extension is required (item 3)' }, pairedItem: { item: 3 } },
		]);
		expect(sim.requestsTo('monapisec', MUTE)).toHaveLength(3);
	});
});

describe('Extension → Get Many', () => {
	it('sends showAll and outputs one item per extension', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'extension', operation: 'getMany', showAll: true },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('monitor', '/Comet/api/GetExtensions');
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toEqual({ code: 'SIM-ACCOUNT-CODE-0001', showAll: 1 });
		expect(result.items.map((i) => i.json.SIP)).toEqual(['SIPSIP1', 'SIPSIP2', 'SIPSIP3', 'BLOCKED1']);
		expect(result.items[0]).toEqual({
			json: {
				SIP: 'SIPSIP1',
				Name: 'Extension 1',
				SpeedDial: '11',
				AccountID: 12345678,
				AccountName: 'Voicenter Account',
				UserName: 'John Doe',
				UserEmail: 'john.d@example.com',
			},
			pairedItem: { item: 0 },
		});
	});

	it('showAll off and a limit', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'extension', operation: 'getMany', showAll: false, returnAll: false, limit: 1 },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(sim.requestsTo('monitor', '/Comet/api/GetExtensions')[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			showAll: 0,
		});
		expect(result.items.map((i) => [i.json.SIP, i.pairedItem])).toEqual([['SIPSIP1', { item: 0 }]]);
	});

	it('an unknown code gives no items (empty list), an empty code the documented ERR 1', async () => {
		const { sim } = ctx;
		const unknown = await runNode({
			parameters: { resource: 'extension', operation: 'getMany' },
			credentials: { voicenterApi: { ...sim.voicenterCredentials(), accountCodeSecret: 'UNKNOWN-CODE' } },
		});
		expect(unknown.error()).toBeUndefined();
		expect(unknown.items).toEqual([]);
		const empty = await runNode({
			parameters: { resource: 'extension', operation: 'getMany' },
			credentials: { voicenterApi: { ...sim.voicenterCredentials(), accountCodeSecret: '' } },
		});
		expect(empty.error()?.message).toBe('Voicenter: Unauthorized (code 1)');
	});
});

describe('Active Call', () => {
	it('Get Extension Calls (all): one item per extension, calls inside', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'activeCall', operation: 'getExtensionCalls' },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(sim.requestsTo('monapisec', '/comet/API/GetExtensionsCalls')[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
		});
		expect(
			result.items.map((i) => [i.json.username, (i.json.calls as unknown[]).length, i.pairedItem]),
		).toEqual([
			['SIPSIP1', 0, { item: 0 }],
			['SIPSIP2', 2, { item: 0 }],
			['SIPSIP3', 0, { item: 0 }],
			['BLOCKED1', 0, { item: 0 }],
		]);
	});

	it('Get Extension Calls (one extension), one item per call with the extension details', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'activeCall',
				operation: 'getExtensionCalls',
				extension: 'SIPSIP2',
				output: 'call',
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(sim.requestsTo('monapisec', '/comet/API/GetExtensionsCalls')[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			extension: 'SIPSIP2',
		});
		const extension = {
			name: 'Extension 2',
			representative: 'Walter Melon',
			username: 'SIPSIP2',
			extensionID: 97483478,
			userID: 46454322,
			onlineUserID: 46454322,
			onlineUserStatus: 1,
		};
		expect(result.items).toEqual([
			{ json: { ...calls().SIPSIP2[0], extension }, pairedItem: { item: 0 } },
			{ json: { ...calls().SIPSIP2[1], extension }, pairedItem: { item: 0 } },
		]);
		expect(result.items[0].json.ivrid).toBe('2020101201cc7b38df');
	});

	it('Only Extensions With Calls', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'activeCall', operation: 'getExtensionCalls', onlyWithCalls: true },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.items.map((i) => i.json.username)).toEqual(['SIPSIP2']);
	});

	it('Get Queue Callers (all): one item per queue', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'activeCall', operation: 'getQueueCallers' },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(sim.requestsTo('monapisec', '/comet/API/GetQueuesCallers')[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
		});
		expect(result.items).toEqual([
			{
				json: {
					Name: 'Sales Queue',
					ID: 12345678,
					Weight: 5,
					Callers: [
						{ Phone: '0722776772', CallID: '202010131430590714966', JoinTime: 1602599565, Duration: 21 },
						{ Phone: '0501234567', CallID: '202010131433000d14cc4b', JoinTime: 1602599583, Duration: 3 },
					],
				},
				pairedItem: { item: 0 },
			},
			{ json: { Name: 'Service Queue', ID: 87654321, Weight: 0, Callers: [] }, pairedItem: { item: 0 } },
		]);
	});

	it('Get Queue Callers (one queue), one item per caller', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'activeCall', operation: 'getQueueCallers', queue: '12345678', output: 'call' },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(sim.requestsTo('monapisec', '/comet/API/GetQueuesCallers')[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			queue: '12345678',
		});
		const queue = { Name: 'Sales Queue', ID: 12345678, Weight: 5 };
		expect(result.items).toEqual([
			{
				json: {
					Phone: '0722776772',
					CallID: '202010131430590714966',
					JoinTime: 1602599565,
					Duration: 21,
					queue,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					Phone: '0501234567',
					CallID: '202010131433000d14cc4b',
					JoinTime: 1602599583,
					Duration: 3,
					queue,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('ERR 1 / ERR 2 become NodeApiErrors; continueOnFail keeps the good items; bad queue id rejected locally', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'activeCall',
				operation: 'getQueueCallers',
				queue: '={{ $json.queue }}',
				onlyWithCallers: true,
			},
			items: [{ queue: '999' }, { queue: 'sales' }, { queue: '' }],
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.items.map((i) => [i.json.error ?? i.json.Name, i.pairedItem])).toEqual([
			['Voicenter: Internal error (code 2)', { item: 0 }],
			['Queue "sales" is not a queue ID (item 1)', { item: 1 }],
			['Sales Queue', { item: 2 }],
		]);
		expect(sim.requestsTo('monapisec', '/comet/API/GetQueuesCallers')).toHaveLength(2);
		const denied = await runNode({
			parameters: { resource: 'activeCall', operation: 'getExtensionCalls' },
			credentials: { voicenterApi: { ...sim.voicenterCredentials(), accountCodeSecret: 'WRONG-CODE-XYZ' } },
		});
		expect(denied.error()?.message).toBe('Voicenter: Authorization failed (code 1)');
	});
});
