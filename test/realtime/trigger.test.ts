/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code, fake credentials of the simulator */
import './setup';

import type { IDataObject } from 'n8n-workflow';

import { VoicenterRealtimeApi } from '../../credentials/VoicenterRealtimeApi.credentials';
import { VoicenterRealtimeTrigger } from '../../nodes/VoicenterRealtimeTrigger/VoicenterRealtimeTrigger.node';
import type { RealtimeSimulator } from '../../simulator/realtime';
import { attachRealtime } from '../../simulator/realtime';
import { PACKAGE, registerCredentialType, registerNodeType, runWorkflow } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import type { ActiveTrigger } from '../harness/trigger';
import { activateTrigger } from '../harness/trigger';
import {
	ANSWER,
	HANGUP,
	HOLD,
	NEWCALL,
	QUEUE_ABANDONED,
	QUEUE_EXIT,
	QUEUE_JOIN,
	STATUS_UPDATE,
	UNHOLD,
	newCall,
} from './fixtures';

const TYPE = `${PACKAGE}.voicenterRealtimeTrigger`;
registerNodeType(TYPE, new VoicenterRealtimeTrigger());
registerCredentialType(new VoicenterRealtimeApi());

const ALL_EVENTS = [
	'extension.NEWCALL',
	'extension.ANSWER',
	'extension.HOLD',
	'extension.UNHOLD',
	'extension.HANGUP',
	'extension.userStatusUpdate',
	'queue.JOIN',
	'queue.EXIT',
	'queue.ABANDONED',
];

const ctx = useSimulator();
let rt: RealtimeSimulator;
let active: ActiveTrigger | undefined;

beforeAll(async () => {
	rt = await attachRealtime(ctx.sim, { servers: 3 });
});
afterEach(async () => {
	await active?.deactivate();
	active = undefined;
});
afterAll(async () => {
	await rt.stop();
});

async function activate(
	parameters: IDataObject = {},
	credentials: Record<string, string> = rt.credentials('token'),
): Promise<ActiveTrigger> {
	active = await activateTrigger({
		type: TYPE,
		credentialType: 'voicenterRealtimeApi',
		credentials: { voicenterRealtimeApi: credentials },
		parameters: {
			events: ALL_EVENTS,
			options: { reconnectDelay: 0.02 },
			...parameters,
		},
	});
	return active;
}

const pick = (items: IDataObject[]) => items.map((i) => [i.event, i.reason, i.ivrid]);

/** Waits (bounded) until the simulator has no open socket. */
async function socketsClosed(): Promise<number> {
	for (let i = 0; i < 200 && rt.openSockets > 0; i++) await new Promise((r) => setTimeout(r, 10));
	return rt.openSockets;
}

describe('Voicenter Realtime Trigger (active workflow, real engine, simulator)', () => {
	it('logs in by token, connects to the main server and delivers a scripted sequence in order', async () => {
		const trigger = await activate();
		await rt.waitForConnections(1);
		await rt.play([
			{ event: 'ExtensionEvent', payload: NEWCALL },
			{ event: 'ExtensionEvent', payload: ANSWER },
			{ event: 'QueueEvent', payload: QUEUE_JOIN },
			{ event: 'ExtensionEvent', payload: HOLD },
			{ event: 'ExtensionEvent', payload: UNHOLD },
			{ event: 'ExtensionEvent', payload: HANGUP },
			{ event: 'ExtensionEvent', payload: STATUS_UPDATE },
			{ event: 'QueueEvent', payload: QUEUE_EXIT },
			{ event: 'QueueEvent', payload: QUEUE_ABANDONED },
		]);
		const items = await trigger.waitForItems(9);
		expect(pick(items)).toEqual([
			['ExtensionEvent', 'NEWCALL', '202012021122010135330b4f77'],
			['ExtensionEvent', 'ANSWER', '202012021122010135330b4f77'],
			['QueueEvent', 'JOIN', '2022102013511002256fea804710c058'],
			['ExtensionEvent', 'HOLD', '202012021122010135330b4f77'],
			['ExtensionEvent', 'UNHOLD', '202012021122010135330b4f77'],
			['ExtensionEvent', 'HANGUP', '202012021122010135330b4f77'],
			['ExtensionEvent', 'userStatusUpdate', null],
			['QueueEvent', 'EXIT', '2020082015645675456434324949c071d'],
			['QueueEvent', 'ABANDONED', '2020082015645675456434324949c0712'],
		]);
		// One emit (one workflow run) per event, one item each.
		expect(trigger.emitted.map((e) => e[0].length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
		expect(trigger.runs).toHaveLength(9);
		expect(items[0]).toEqual({
			event: 'ExtensionEvent',
			serverTime: '2020-12-02T09:22:04.000Z',
			serverTimeOffsetMinutes: 120,
			servertime: 1606908124,
			servertimeoffset: 120,
			type: 'extension',
			reason: 'NEWCALL',
			cause: null,
			ivrid: '202012021122010135330b4f77',
			callerID: null,
			call: {
				ivrid: '202012021122010135330b4f77',
				callerName: 'Test Voicenter',
				callerPhone: '0501234567',
				direction: 'Incoming',
				status: 'Ringing',
				did: '0722776772',
				answered: false,
				startedAt: '2020-12-02T09:22:03.000Z',
				answeredAt: null,
				callStarted: 1606908123,
				callAnswered: 0,
				c2cDirection: null,
				customData: {},
				recording: { filename: '2020120-aws-0501234567-0722776772.mp3', muted: false },
			},
			extension: {
				number: 1234567,
				extenUser: 'SIPSIP1',
				userId: 7654321,
				onlineUserId: 7654321,
				userName: 'Clark Kent',
				representativeId: 7654321,
				representativeName: 'Clark Kent',
				representativeStatus: 1,
				representativeStatusName: 'Login',
				representativeUpdatedAt: '2020-11-30T17:13:42.000Z',
				lastCallAt: '2020-12-02T09:22:04.000Z',
				lastAnsweredCallAt: '2020-12-01T16:24:23.000Z',
				lastHangupAt: '2020-12-02T08:30:28.000Z',
				representativeUpdated: 1606763622000,
				lastCallEventEpoch: 1606908124,
				lastAnsweredCallEventEpoch: 1606847063,
				lastHangupCallEpoch: 1606905028,
				queueId: null,
				campaignId: null,
				peerStatus: null,
				activeCalls: [items[0].call],
			},
		});
		expect(items[1].call).toMatchObject({
			answered: true,
			status: 'Talking',
			answeredAt: '2020-12-02T09:22:14.000Z',
		});
		expect(items[5]).toMatchObject({
			cause: 'Normal hangup',
			callerID: '0501234567',
			extension: { activeCalls: [] },
		});
		expect(items[6]).toMatchObject({
			reason: 'userStatusUpdate',
			serverTime: '2020-12-02T11:52:44.000Z',
			call: null,
			extension: { representativeStatus: 3, representativeStatusName: 'Lunch break' },
		});
		expect(items[2]).toEqual({
			event: 'QueueEvent',
			serverTime: '2022-10-20T10:51:12.000Z',
			serverTimeOffsetMinutes: 0,
			servertime: 1666263072,
			servertimeoffset: 0,
			type: 'queue',
			reason: 'JOIN',
			ivrid: '2022102013511002256fea804710c058',
			telephonyServerTime: '2022-10-20T13:51:12.000Z',
			call: {
				ivrid: '2022102013511002256fea804710c058',
				callerId: '0722776772',
				callerName: 'Queue Testing',
				joinedAt: '2022-10-20T10:51:12.000Z',
				JoinTimeStamp: 1666263072,
				customData: {},
			},
			queue: {
				id: 15106,
				name: 'ניקיטה בדיקה',
				waitingCalls: [items[2].call],
				userId: 83242,
				distributorId: 5956,
			},
		});
		expect(items[8]).toMatchObject({
			serverTime: '2020-08-23T15:10:51.000Z',
			call: { ivrid: '2020082015645675456434324949c0712' },
			queue: { id: 1234567, name: 'Queue1', waitingCalls: [] },
		});
		// The documented handshake: token in the query, EIO=3, WebSocket transport, main server.
		expect(rt.logins.map((l) => [l.type, l.status])).toEqual([['Token', 200]]);
		const login = ctx.sim.requestsTo('loginapi', '/monitorAPI/Login/Token');
		expect(login.map((r) => r.body)).toEqual([{ token: 'SIM-REALTIME-TOKEN-0001' }]);
		expect(rt.connections.map((c) => [c.server, c.token, c.authenticated])).toEqual([
			[0, 'SIM-SOCKET-TOKEN-1', true],
		]);
		await trigger.deactivate();
		active = undefined;
		expect(await socketsClosed()).toBe(0);
		// the client closed politely: Socket.IO disconnect then Engine.IO close
		expect(rt.connections[0].frames.slice(-2)).toEqual(['41', '1']);
	});

	it('filters by event type and extension, and outputs the login snapshots when asked', async () => {
		const trigger = await activate({
			events: ['extension.HANGUP', 'snapshot.AllExtensionsStatus', 'snapshot.loginStatus'],
			extensions: 'SIPSIP2, 1234567',
		});
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', newCall('call-1', 'SIPSIP1'));
		rt.pushEvent('ExtensionEvent', HANGUP);
		rt.pushEvent('ExtensionEvent', { data: { ...HANGUP.data, extenUser: 'SIPSIP9', number: 999 } });
		rt.pushEvent('QueueEvent', QUEUE_JOIN);
		const items = await trigger.waitForItems(3);
		expect(items.map((i) => [i.event, i.reason])).toEqual([
			['loginStatus', null],
			['AllExtensionsStatus', null],
			['ExtensionEvent', 'HANGUP'],
		]);
		expect((items[0].queues as IDataObject[]).map((q) => q.name)).toEqual(['Sales Queue', 'Service Queue']);
		expect((items[1].extensions as IDataObject[]).map((e) => e.extenUser)).toEqual(['SIPSIP2']);
		await trigger.deactivate();
		active = undefined;
		expect(trigger.received()).toHaveLength(3);
	});

	it('filters queue events and the monitored-queue snapshot by queue ID or name', async () => {
		const trigger = await activate({
			events: ['queue.JOIN', 'queue.EXIT', 'queue.ABANDONED', 'snapshot.loginStatus'],
			queues: '15106; service queue',
		});
		await rt.waitForConnections(1);
		rt.pushEvent('QueueEvent', QUEUE_EXIT);
		rt.pushEvent('QueueEvent', QUEUE_JOIN);
		rt.pushEvent('QueueEvent', {
			...QUEUE_EXIT,
			reason: 'ANSWER',
			data: { ...QUEUE_EXIT.data, QueueID: 15106 },
		});
		rt.pushEvent('ExtensionEvent', NEWCALL);
		const items = await trigger.waitForItems(3);
		expect(items.map((i) => [i.event, i.reason, (i.queue as IDataObject | undefined)?.id ?? null])).toEqual([
			['loginStatus', null, null],
			['QueueEvent', 'JOIN', 15106],
			['QueueEvent', 'ANSWER', 15106],
		]);
		expect((items[0].queues as IDataObject[]).map((q) => q.name)).toEqual(['Service Queue']);
		await trigger.deactivate();
		active = undefined;
		expect(trigger.received()).toHaveLength(3);
	});

	it('re-establishes a dropped connection and loses no event sent after the reconnection', async () => {
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', newCall('before-1'));
		rt.pushEvent('ExtensionEvent', newCall('before-2'));
		await trigger.waitForItems(2);
		expect(rt.dropConnections()).toBe(1);
		await rt.waitForConnections(2);
		for (let i = 1; i <= 20; i++) rt.pushEvent('ExtensionEvent', newCall(`after-${i}`));
		const items = await trigger.waitForItems(22);
		expect(items.map((i) => i.ivrid)).toEqual([
			'before-1',
			'before-2',
			...Array.from({ length: 20 }, (_, i) => `after-${i + 1}`),
		]);
		// failover: main first, then the next server by priority, with the same token
		expect(rt.connections.map((c) => [c.server, c.token])).toEqual([
			[0, 'SIM-SOCKET-TOKEN-1'],
			[1, 'SIM-SOCKET-TOKEN-1'],
		]);
		expect(rt.logins).toHaveLength(1);
	});

	it('fails over main → other1 → main → other2 → main, as the SDK does', async () => {
		const trigger = await activate();
		for (let n = 1; n <= 4; n++) {
			await rt.waitForConnections(n);
			rt.dropConnections();
		}
		await rt.waitForConnections(5);
		rt.pushEvent('ExtensionEvent', newCall('on-main-again'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['on-main-again']);
		expect(rt.connections.map((c) => c.server)).toEqual([0, 1, 0, 2, 0]);
	});

	it('moves on to the next server when one refuses the connection', async () => {
		rt.setServerDown(0, true);
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.pushEvent('QueueEvent', QUEUE_JOIN);
		expect(pick(await trigger.waitForItems(1))).toEqual([
			['QueueEvent', 'JOIN', '2022102013511002256fea804710c058'],
		]);
		expect(rt.connections.map((c) => c.server)).toEqual([1]);
	});

	it('keeps trying (main, other1, main, other2…) while every server is down; deactivation stops it cleanly', async () => {
		for (const i of [0, 1, 2]) rt.setServerDown(i, true);
		const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
		const trigger = await activate({ options: { reconnectDelay: 0.01 } });
		while (rt.refused.length < 5) await new Promise((r) => setTimeout(r, 5));
		expect(rt.refused.slice(0, 5).map((r) => [r.server, r.status])).toEqual([
			[0, 503],
			[1, 503],
			[0, 503],
			[2, 503],
			[0, 503],
		]);
		await trigger.deactivate();
		active = undefined;
		const attempts = rt.refused.length;
		await new Promise((r) => setTimeout(r, 100));
		// nothing runs after deactivation: no further attempt, no timer left behind
		expect(rt.refused.length).toBe(attempts);
		expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(
			before,
		);
		expect(trigger.received()).toEqual([]);
	});

	it('gives up on a server that accepts the socket but never answers the handshake', async () => {
		rt.setServerHanging(0, true);
		// A generous connect timeout: a healthy local handshake never takes a second, even on a
		// loaded machine, while the hung server never answers at all.
		const trigger = await activate({ options: { reconnectDelay: 0.02, connectTimeout: 1 } });
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', newCall('after-hung-main'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['after-hung-main']);
		expect(rt.connections.slice(0, 2).map((c) => [c.server, c.authenticated, c.frames])).toEqual([
			[0, false, ['41', '1']], // timed out: the client said goodbye and moved on
			[1, true, expect.any(Array)],
		]);
	});

	it('detects a silent (half-dead) connection by the missing pongs and reconnects', async () => {
		// Silence is declared after pingInterval + pingTimeout (1 s): far above what a loaded
		// machine delays a pong of the healthy server, so only the frozen one is given up.
		rt.options.pingInterval = 100;
		rt.options.pingTimeout = 900;
		rt.options.enforceHeartbeat = false;
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', newCall('before-freeze'));
		await trigger.waitForItems(1);
		rt.freezeConnections();
		await rt.waitForConnections(2);
		rt.pushEvent('ExtensionEvent', newCall('after-freeze'));
		expect((await trigger.waitForItems(2)).map((i) => i.ivrid)).toEqual(['before-freeze', 'after-freeze']);
		expect(rt.connections.map((c) => c.server)).toEqual([0, 1]);
		// the frozen socket kept receiving pings the server no longer answered
		expect(rt.connections[0].frames.filter((f) => f === '2').length).toBeGreaterThan(0);
	});

	it('refreshes the token before it expires and reconnects to main with the new one', async () => {
		rt.options.tokenLifetimeMs = 5_400; // refreshed 5 s before expiry: after ~0.4 s
		const trigger = await activate();
		await rt.waitForConnections(2);
		rt.pushEvent('ExtensionEvent', newCall('after-refresh'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['after-refresh']);
		expect(rt.logins.slice(0, 2).map((l) => [l.type, l.status])).toEqual([
			['Token', 200],
			['Refresh', 200],
		]);
		const refresh = ctx.sim.requestsTo('loginapi', '/monitorAPI/RefreshIdentityToken')[0];
		expect(refresh.method).toBe('GET');
		expect(refresh.headers.authorization).toBe('Bearer SIM-REFRESH-TOKEN-1');
		expect(rt.connections.slice(0, 2).map((c) => [c.server, c.token])).toEqual([
			[0, 'SIM-SOCKET-TOKEN-1'],
			[0, 'SIM-SOCKET-TOKEN-2'],
		]);
	});

	it('gets a new token when the server refuses an expired one', async () => {
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.expireToken();
		rt.dropConnections();
		await rt.waitForConnections(2);
		rt.pushEvent('ExtensionEvent', newCall('with-new-token'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['with-new-token']);
		expect(rt.connections.map((c) => [c.server, c.token, c.authenticated])).toEqual([
			[0, 'SIM-SOCKET-TOKEN-1', true],
			[1, 'SIM-SOCKET-TOKEN-1', false],
			[1, 'SIM-SOCKET-TOKEN-2', true],
		]);
		expect(rt.logins.map((l) => l.type)).toEqual(['Token', 'Refresh']);
	});

	it('keeps the connection alive: Engine.IO pings and the keepalive event', async () => {
		// The simulator enforces the heartbeat (a client silent for pingInterval + pingTimeout is
		// dropped); the timeout is generous so that a loaded machine cannot trip it.
		rt.options.pingInterval = 50;
		rt.options.pingTimeout = 10_000;
		const trigger = await activate({ options: { reconnectDelay: 0.02, keepAliveInterval: 0.1 } });
		await rt.waitForConnections(1);
		const frames = () => rt.connections[0].frames;
		// signals, not a clock: several pings and a keepalive have been received
		while (frames().filter((f) => f === '2').length < 3 || !frames().some((f) => f.startsWith('42["keepalive"')))
			await new Promise((r) => setTimeout(r, 5));
		rt.pushEvent('ExtensionEvent', newCall('still-here'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['still-here']);
		expect(rt.connections).toHaveLength(1);
		// legacy stack: both spellings the SDKs used
		expect(frames()).toContain('42["keepalive","SIM-SOCKET-TOKEN-1"]');
		expect(frames()).toContain('42["keepAlive","SIM-SOCKET-TOKEN-1"]');
	});

	it('a keepaliveResponse error makes the trigger re-authenticate', async () => {
		const trigger = await activate({ options: { reconnectDelay: 0.02, keepAliveInterval: 0.1 } });
		await rt.waitForConnections(1);
		rt.expireToken();
		await rt.waitForConnections(2);
		rt.pushEvent('ExtensionEvent', newCall('after-keepalive-error'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['after-keepalive-error']);
		expect(rt.logins.map((l) => l.type)).toEqual(['Token', 'Refresh']);
		expect(rt.connections.map((c) => [c.server, c.token])).toEqual([
			[0, 'SIM-SOCKET-TOKEN-1'],
			[0, 'SIM-SOCKET-TOKEN-2'],
		]);
	});

	it('credentials revoked while active: the refused re-login is reported to n8n and the trigger stops retrying', async () => {
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.revoked = true;
		rt.expireToken();
		rt.dropConnections();
		while (trigger.errors.length === 0) await new Promise((r) => setTimeout(r, 5));
		expect(trigger.errors.map((e) => e.message)).toEqual([
			'Voicenter Realtime login failed: Unexpected token (HTTP 500)',
		]);
		expect(rt.logins.map((l) => [l.type, l.status])).toEqual([
			['Token', 200],
			['Refresh', 401],
			['Token', 500],
		]);
		const attempts = rt.connections.length + rt.refused.length;
		await new Promise((r) => setTimeout(r, 100));
		expect(rt.connections.length + rt.refused.length).toBe(attempts);
		expect(rt.logins).toHaveLength(3);
	});

	it.each([
		['user', '/monitorAPI/Login/User', { email: 'agent@example.com', pin: 'agent-pass-1' }],
		['account', '/monitorAPI/Login/Account', { username: 'account-user', password: 'account-pass-1' }],
	])('logs in by %s with the documented body', async (loginType, path, body) => {
		const trigger = await activate({}, rt.credentials(loginType as 'user' | 'account'));
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', HANGUP);
		expect(pick(await trigger.waitForItems(1))).toEqual([
			['ExtensionEvent', 'HANGUP', '202012021122010135330b4f77'],
		]);
		expect(ctx.sim.requestsTo('loginapi', path).map((r) => r.body)).toEqual([body]);
	});

	it.each([
		['token', { token: 'WRONG' }, 'Voicenter Realtime login failed: Unexpected token (HTTP 500)'],
		['user', { userPassword: 'WRONG' }, 'Voicenter Realtime login failed: Unauthorized (HTTP 401)'],
		['account', { accountPassword: 'WRONG' }, 'Voicenter Realtime login failed: Unauthorized (HTTP 401)'],
	])(
		'a failed %s login fails the activation with a clear error and opens no socket',
		async (loginType, wrong, message) => {
			const credentials = { ...rt.credentials(loginType as 'token'), ...wrong };
			let error: Error | undefined;
			try {
				await activate({}, credentials);
			} catch (e) {
				error = e as Error;
			}
			expect(error?.message).toBe(`There was a problem activating the workflow: "${message}"`);
			expect((error?.cause as Error).message).toBe(message);
			expect(error?.message).not.toContain('WRONG');
			expect(rt.connections).toHaveLength(0);
		},
	);

	it('a call scripted through the HTTP control API arrives as NEWCALL → ANSWER → HANGUP', async () => {
		const trigger = await activate({ extensions: 'SIPSIP2' });
		await rt.waitForConnections(1);
		const response = await fetch(`${ctx.sim.baseUrl('rtcontrol')}/call`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ extension: 'SIPSIP2', callerPhone: '0509999999' }),
		});
		const { ivrid } = (await response.json()) as { ivrid: string };
		const items = await trigger.waitForItems(3);
		expect(pick(items)).toEqual([
			['ExtensionEvent', 'NEWCALL', ivrid],
			['ExtensionEvent', 'ANSWER', ivrid],
			['ExtensionEvent', 'HANGUP', ivrid],
		]);
		expect(items.map((i) => (i.call as IDataObject).status)).toEqual(['Ringing', 'Talking', 'Talking']);
		expect(items.map((i) => (i.call as IDataObject).callerPhone)).toEqual([
			'0509999999',
			'0509999999',
			'0509999999',
		]);
		expect(items.map((i) => (i.extension as IDataObject).extenUser)).toEqual([
			'SIPSIP2',
			'SIPSIP2',
			'SIPSIP2',
		]);
		// the simulator's server clock is UTC+120 min; converted back, the call started "now"
		const started = Date.parse(String((items[0].call as IDataObject).startedAt));
		expect(Math.abs(started - Date.now())).toBeLessThan(60_000);
	});

	it('manual test run: the first event is the output, then the trigger closes', async () => {
		const run = runWorkflow({
			nodes: [
				{
					id: 'trigger',
					name: 'Trigger',
					type: TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { events: ['queue.ABANDONED'] },
					credentials: { voicenterRealtimeApi: { id: '1', name: 'Test credentials' } },
				},
			],
			connections: {},
			credentials: { voicenterRealtimeApi: rt.credentials('token') },
			mode: 'manual',
		});
		await rt.waitForConnections(1);
		rt.pushEvent('QueueEvent', QUEUE_JOIN);
		rt.pushEvent('QueueEvent', QUEUE_ABANDONED);
		const result = await run;
		expect(result.error()).toBeUndefined();
		expect(pick(result.output('Trigger').map((i) => i.json))).toEqual([
			['QueueEvent', 'ABANDONED', '2020082015645675456434324949c0712'],
		]);
		expect(await socketsClosed()).toBe(0);
	});
});
