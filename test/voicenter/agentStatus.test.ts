/** Agent → Set Status (UserLogin/SetStatusFromAPI), real engine runs against the simulator's stateful agent login. */
import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import {
	AGENT_STATUS_CODES,
	agentStatusState,
	failAgentStatusUpdates,
	onAgentStatusChange,
	type AgentStatusChange,
} from '../../simulator/routes/agentStatus';
import { Voicenter } from '../../nodes/Voicenter/Voicenter.node';
import { RealtimeSimulator } from '../../simulator/realtime';
import { getSchema } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';

const ctx = useSimulator();
const PATH = '/UserLogin/SetStatusFromAPI';

// SIPSIP3 (Lois Lane, 46454323) starts logged out; SIPSIP1 is John Doe's (6946792), logged in.
const LOIS = 46454323;
const JOHN = 6946792;

const setStatus = (userId: string, extension: string, status: string | number) => ({
	resource: 'agent',
	operation: 'setStatus',
	userId,
	extension,
	status,
});

async function activeCallsOf(extension: string) {
	const result = await runNode({
		parameters: { resource: 'activeCall', operation: 'getExtensionCalls', extension },
		credentials: { voicenterApi: ctx.sim.voicenterCredentials() },
	});
	return result.items[0].json;
}

describe('Agent → Set Status', () => {
	it.each(Object.entries(AGENT_STATUS_CODES).map(([code, name]) => [Number(code), name]))(
		'status %i (%s): POST-JSON {Code, UserId, ExtensionUser, Status} to the API host; Active Calls reflects it',
		async (code) => {
			const { sim } = ctx;
			const result = await runNode({
				parameters: setStatus(String(LOIS), 'SIPSIP3', code),
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
			expect(result.error()).toBeUndefined();
			const requests = sim.requestsTo('api', PATH);
			expect(requests).toHaveLength(1);
			expect(requests[0].method).toBe('POST');
			expect(requests[0].query).toEqual({});
			expect(requests[0].headers['content-type']).toContain('application/json');
			expect(requests[0].body).toEqual({
				Code: 'SIM-ACCOUNT-CODE-0001',
				UserId: LOIS,
				ExtensionUser: 'SIPSIP3',
				Status: code,
			});
			expect(sim.requests.filter((r) => r.path === PATH)).toHaveLength(1);
			expect(result.items).toEqual([
				{
					json: {
						userId: LOIS,
						extension: 'SIPSIP3',
						agentStatus: code,
						agentStatusName: expect.any(String),
						Status: 1,
						StatusError: 1,
						StatusErroMessage: 'OK',
					},
					pairedItem: { item: 0 },
				},
			]);
			const ext = await activeCallsOf('SIPSIP3');
			if (code === 2) expect(ext).toMatchObject({ onlineUserID: 0, onlineUserStatus: 2, representative: '' });
			else expect(ext).toMatchObject({ onlineUserID: LOIS, onlineUserStatus: code, representative: 'Lois Lane' });
		},
	);

	it('an expression may give the code as a number or text, or the status name', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: setStatus('={{ $json.user }}', 'SIPSIP3', '={{ $json.status }}'),
			items: [
				{ user: LOIS, status: 3 },
				{ user: LOIS, status: '11' },
				{ user: LOIS, status: 'Team meeting' },
				{ user: LOIS, status: 'logout' },
			],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(sim.requestsTo('api', PATH).map((r) => (r.body as { Status: number }).Status)).toEqual([3, 11, 12, 2]);
		expect(result.items.map((i) => [i.json.agentStatusName, i.pairedItem])).toEqual([
			['Lunch', { item: 0 }],
			['Training', { item: 1 }],
			['Team Meeting', { item: 2 }],
			['Logout', { item: 3 }],
		]);
	});

	it('"Extension is already in use": another user is logged into it', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: setStatus(String(LOIS), 'SIPSIP1', 1),
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const error = result.error() as Error & { description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe('Extension SIPSIP1 is already in use: another user is logged into it');
		expect(error.description).toBe(
			'Voicenter: Extension is already in use (Status 3, StatusError 1). Log that user out of SIPSIP1 first (status Logout), or choose another extension.',
		);
		expect(agentStatusState(sim).byExtension.SIPSIP1?.userId).toBe(JOHN);
	});

	it.each([
		[
			'Authorization Failed (wrong account code)',
			() => ({ creds: ctx.sim.voicenterCredentials('WRONG'), params: setStatus(String(LOIS), 'SIPSIP3', 1) }),
			'Voicenter: Authorization Failed (Status 2, StatusError 1)',
			2,
		],
		[
			'Authorization Failed (unknown user id)',
			() => ({ creds: ctx.sim.voicenterCredentials(), params: setStatus('999', 'SIPSIP3', 1) }),
			'Voicenter: Authorization Failed (Status 2, StatusError 1)',
			2,
		],
		[
			'No extension found',
			() => ({ creds: ctx.sim.voicenterCredentials(), params: setStatus(String(LOIS), 'NOSUCHEXT', 1) }),
			'Voicenter: No extension found (Status 3, StatusError 1)',
			3,
		],
	])('%s', async (_name, setup, message, code) => {
		const { creds, params } = setup();
		const result = await runNode({ parameters: params, credentials: { voicenterApi: creds } });
		expect(result.error()?.message).toBe(message);
		expect(result.error()?.name).toBe('NodeApiError');
		const cof = await runNode({ parameters: params, credentials: { voicenterApi: creds }, continueOnFail: true });
		expect(cof.items).toEqual([
			{
				json: expect.objectContaining({ error: message, voicenterCode: code }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Error on update (internal error, StatusError 4): counted fault, the next request succeeds', async () => {
		const { sim } = ctx;
		failAgentStatusUpdates(sim, 1);
		const result = await runNode({
			parameters: setStatus('={{ $json.u }}', 'SIPSIP3', 1),
			items: [{ u: LOIS }, { u: LOIS }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
			continueOnFail: true,
		});
		expect(result.items[0].json).toMatchObject({
			error: 'Voicenter: Error on update (Status 0, StatusError 4)',
			errorDescription: 'Voicenter had an internal error updating the status; try again.',
		});
		expect(result.items[1].json).toMatchObject({ Status: 1, StatusError: 1, agentStatus: 1 });
	});

	it('the other documented answers: Status not support, missing parameters, request format error', async () => {
		const { sim } = ctx;
		// The node never sends these requests (it validates first), so the simulator's answers are checked directly.
		const post = async (body: string) => {
			const res = await fetch(`${sim.baseUrl('api')}${PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body,
			});
			return await res.json();
		};
		const code = 'SIM-ACCOUNT-CODE-0001';
		expect(await post(JSON.stringify({ Code: code, UserId: LOIS, ExtensionUser: 'SIPSIP3', Status: 4 }))).toEqual({
			Status: 4,
			StatusError: 1,
			StatusErroMessage: 'Status not support',
		});
		expect(await post(JSON.stringify({ Code: code, UserId: LOIS, ExtensionUser: 'SIPSIP3' }))).toEqual({
			Status: 0,
			StatusError: 6,
			StatusErroMessage: 'Missing parameters',
		});
		expect(await post('{not json')).toEqual({ Status: 0, StatusError: 0, StatusErroMessage: 'Request format error' });
	});

	it('maps every documented answer to a clear error', async () => {
		const { statusAnswerError } = await import('../../nodes/Voicenter/actions/agent/setStatus.operation');
		const node = { name: 'Voicenter', type: 'voicenter', typeVersion: 1, parameters: {}, id: '1', position: [0, 0] };
		const fake = { getNode: () => node } as never;
		const req = { userId: LOIS, extension: 'SIPSIP3', status: 13 };
		const map = (Status: number, StatusError: number, StatusErroMessage: string) => {
			const e = statusAnswerError(fake, { Status, StatusError, StatusErroMessage }, 0, req);
			return e && [e.message, e.description];
		};
		expect(map(1, 1, 'OK')).toBeUndefined();
		expect(map(4, 1, 'Status not support')).toEqual([
			'Voicenter: Status not support (Status 4, StatusError 1)',
			'The status 13 (Brief) is not enabled for this account.',
		]);
		expect(map(0, 6, 'Missing parameters')?.[1]).toBe(
			'Voicenter reports missing parameters (Code, UserId, ExtensionUser, Status).',
		);
		expect(map(0, 0, '')?.[0]).toBe('Voicenter rejected the status change (Status 0, StatusError 0)');
		expect(map(2, 1, 'Authorization Failed')?.[1]).toBe(
			'The account code or the user ID 46454323 is not valid for this account.',
		);
		expect(map(3, 1, 'Extension is already in use')?.[0]).toBe(
			'Extension SIPSIP3 is already in use: another user is logged into it',
		);
	});

	it('invalid input stops before any request (user id, extension, status)', async () => {
		const { sim } = ctx;
		for (const [params, message] of [
			[setStatus('Dana', 'SIPSIP3', 1), 'User ID "Dana" is not a Voicenter user ID (a number) (item 0)'],
			[setStatus(String(LOIS), 'SIPSIP3', 4), 'Status "4" is not a documented agent status (item 0)'],
			[setStatus(String(LOIS), 'SIPSIP3', 'nap'), 'Status "nap" is not a documented agent status (item 0)'],
			[setStatus('={{ "" }}', 'SIPSIP3', 1), 'User ID is required (item 0)'],
		] as const) {
			const result = await runNode({ parameters: params, credentials: { voicenterApi: sim.voicenterCredentials() } });
			expect(result.error()?.message).toBe(message);
		}
		expect(sim.requests).toHaveLength(0);
	});

	it('logging in moves the user off another extension; every change is announced (Realtime userStatusUpdate)', async () => {
		const { sim } = ctx;
		const changes: AgentStatusChange[] = [];
		const off = onAgentStatusChange(sim, (c) => changes.push(c));
		try {
			// John (on SIPSIP1) logs out, then logs into SIPSIP3
			await runNode({
				parameters: setStatus(String(JOHN), 'SIPSIP3', 1),
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
			expect(changes.map((c) => [c.extension, c.status, c.onlineUserId])).toEqual([
				['SIPSIP1', 2, 0],
				['SIPSIP3', 1, JOHN],
			]);
			expect(await activeCallsOf('SIPSIP1')).toMatchObject({ onlineUserID: 0, onlineUserStatus: 2 });
			expect(await activeCallsOf('SIPSIP3')).toMatchObject({
				onlineUserID: JOHN,
				onlineUserStatus: 1,
				representative: 'John Doe',
			});
		} finally {
			off();
		}
	});

	it('the Realtime simulator sends an ExtensionEvent userStatusUpdate for the change', async () => {
		const { sim } = ctx;
		const realtime = new RealtimeSimulator(sim, { servers: 0 });
		const pushed = jest.spyOn(realtime, 'pushEvent');
		await runNode({
			parameters: setStatus(String(LOIS), 'SIPSIP3', 3),
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(pushed).toHaveBeenCalledTimes(1);
		const [event, payload] = pushed.mock.calls[0] as [string, Record<string, unknown>];
		expect(event).toBe('ExtensionEvent');
		expect(payload).toMatchObject({
			eventName: 'extension',
			reason: 'userStatusUpdate',
			servertimeoffset: 120,
			data: {
				extenUser: 'SIPSIP3',
				onlineUserID: LOIS,
				representative: LOIS,
				representativeStatus: 3,
				summery: { representative: 'Lois Lane' },
				calls: [],
			},
		});
	});

	it('the operation is usable as an AI tool: n8n builds the tool schema from $fromAI parameters', () => {
		// What an AI agent fills to "log Dana out": n8n-core's own tool-schema builder.
		const schema = getSchema({
			id: '1',
			name: 'Voicenter',
			type: 'n8n-nodes-voicenter.voicenterTool',
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				resource: 'agent',
				operation: 'setStatus',
				userId: "={{ $fromAI('userId', 'The Voicenter user id of the agent', 'string') }}",
				extension: "={{ $fromAI('extension', 'The SIP code of the extension', 'string') }}",
				status: "={{ $fromAI('status', 'Status code: 1 login, 2 logout, 3 lunch…', 'number') }}",
			},
		} as never);
		expect(Object.keys(schema.shape)).toEqual(['userId', 'extension', 'status']);
		expect(schema.parse({ userId: String(LOIS), extension: 'SIPSIP3', status: 2 })).toEqual({
			userId: String(LOIS),
			extension: 'SIPSIP3',
			status: 2,
		});
		const description = new Voicenter().description;
		expect(description.usableAsTool).toBe(true);
		const resource = description.properties.find((p) => p.name === 'resource');
		expect(resource?.options).toEqual(expect.arrayContaining([{ name: 'Agent', value: 'agent' }]));
	});
});
