/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code against the simulator */
/**
 * Issue #15, acceptance 1 and 2: the current login stack (login → GetSettings → MonitorList),
 * failover, token refresh with the subscription kept, refused credentials, dialer events and
 * the server-side extension filter — the trigger in n8n's real engine against the simulator.
 * Every wait is on a signal (a connection, an item, a recorded frame), never on a clock.
 */
import './setup';

import type { IDataObject, IHttpRequestOptions, INode, IRunExecutionData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { VoicenterRealtimeApi } from '../../credentials/VoicenterRealtimeApi.credentials';
import { VoicenterRealtimeTrigger } from '../../nodes/VoicenterRealtimeTrigger/VoicenterRealtimeTrigger.node';
import type { RealtimeSimulator } from '../../simulator/realtime';
import { attachRealtime, SIM_REALTIME_TOKEN, SIM_REALTIME_USER } from '../../simulator/realtime';
import { PACKAGE, nodeTypes, registerCredentialType, registerNodeType } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import type { ActiveTrigger } from '../harness/trigger';
import { activateTrigger } from '../harness/trigger';
import { newCall } from './fixtures';

const TYPE = `${PACKAGE}.voicenterRealtimeTrigger`;
registerNodeType(TYPE, new VoicenterRealtimeTrigger());
registerCredentialType(new VoicenterRealtimeApi());

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
	credentials: Record<string, string> = rt.credentials('token', 'current'),
): Promise<ActiveTrigger> {
	active = await activateTrigger({
		type: TYPE,
		credentialType: 'voicenterRealtimeApi',
		credentials: { voicenterRealtimeApi: credentials },
		parameters: {
			events: ['extension.NEWCALL', 'extension.HANGUP'],
			options: { reconnectDelay: 0.02 },
			...parameters,
		},
	});
	return active;
}

/** Waits for a condition the simulator records (bounded by jest's timeout). */
async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

const secrets = [SIM_REALTIME_TOKEN, SIM_REALTIME_USER.password];

/** No secret in any URL the simulator saw (login API and socket handshakes). */
function expectNoSecretInUrls(): void {
	for (const r of ctx.sim.requests) {
		const url = `${r.path}?${JSON.stringify(r.query)}`;
		for (const s of secrets) expect(url).not.toContain(s);
	}
	for (const c of rt.connections) for (const s of secrets) expect(c.token).not.toContain(s);
}

describe('current login stack (login → GetSettings → MonitorList)', () => {
	it('token login: settings with the Bearer access token, the highest-priority server, events', async () => {
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', newCall('current-1'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['current-1']);

		const login = ctx.sim.requestsTo('loginapi', '/Auth/Login/Voicenter/Monitor');
		expect(login.map((r) => [r.method, r.body])).toEqual([
			['POST', { identityType: 'Token', token: SIM_REALTIME_TOKEN }],
		]);
		const settings = ctx.sim.requestsTo('loginapi', '/Application/GetSettings');
		expect(settings.map((r) => [r.method, r.headers.authorization])).toEqual([
			['GET', 'Bearer SIM-ACCESS-TOKEN-1'],
		]);
		// MonitorList lists the servers lowest priority first: the trigger picked the highest.
		expect(rt.monitorList().map((m) => m.Priority)).toEqual([10, 20, 30]);
		expect(rt.connections.map((c) => [c.server, c.token, c.stack, c.authenticated])).toEqual([
			[0, 'SIM-IDENTITY-CODE-2', 'current', true],
		]);
		expect(rt.logins.map((l) => [l.stack, l.type, l.status])).toEqual([
			['current', 'Token', 200],
			['current', 'Settings', 200],
		]);
		expectNoSecretInUrls();
	});

	it('fails over to the next server by priority and back to main', async () => {
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.dropConnections();
		await rt.waitForConnections(2);
		rt.pushEvent('ExtensionEvent', newCall('on-other'));
		await trigger.waitForItems(1);
		rt.dropConnections();
		await rt.waitForConnections(3);
		rt.pushEvent('ExtensionEvent', newCall('on-main-again'));
		expect((await trigger.waitForItems(2)).map((i) => i.ivrid)).toEqual(['on-other', 'on-main-again']);
		expect(rt.connections.map((c) => c.server)).toEqual([0, 1, 0]);
		// the same socket token throughout: no new login for a network drop
		expect(new Set(rt.connections.map((c) => c.token)).size).toBe(1);
		expect(rt.logins.map((l) => l.type)).toEqual(['Token', 'Settings']);
	});

	it('moves on when the main server refuses, by MonitorList priority', async () => {
		rt.setServerDown(0, true);
		const trigger = await activate();
		await rt.waitForConnections(1);
		rt.pushEvent('ExtensionEvent', newCall('while-main-down'));
		await trigger.waitForItems(1);
		expect(rt.refused.map((r) => r.server)).toEqual([0]);
		expect(rt.connections.map((c) => c.server)).toEqual([1]);
	});

	it('user login: refreshes before IdentityCodeExpiry, calls GetSettings again and keeps the subscription', async () => {
		// IdentityCode valid 8 s: the trigger refreshes 5 s before expiry.
		rt.options.tokenLifetimeMs = 8_000;
		const trigger = await activate({ extensions: 'SIPSIP2' }, rt.credentials('user', 'current'));
		await rt.waitForConnections(1);
		await until(() => rt.monitoredUpdates.length >= 1);
		// the refresh, observed by the simulator: a second connection with a new IdentityCode
		await rt.waitForConnections(2);
		await until(() => rt.monitoredUpdates.length >= 2);
		expect(rt.pushEvent('ExtensionEvent', newCall('not-monitored', 'SIPSIP1'))).toBe(0);
		expect(rt.pushEvent('ExtensionEvent', newCall('after-refresh', 'SIPSIP2'))).toBe(1);
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['after-refresh']);

		expect(ctx.sim.requestsTo('loginapi', '/Auth/Login/Voicenter/Monitor').map((r) => r.body)).toEqual([
			{ identityType: 'User', username: SIM_REALTIME_USER.email, password: SIM_REALTIME_USER.password },
		]);
		expect(rt.logins.slice(0, 4).map((l) => [l.type, l.status])).toEqual([
			['User', 200],
			['Settings', 200],
			['Refresh', 200],
			['Settings', 200],
		]);
		const refresh = ctx.sim.requestsTo('loginapi', '/Auth/RefreshToken')[0];
		expect([refresh.method, refresh.headers.authorization]).toEqual(['GET', 'Bearer SIM-REFRESH-TOKEN-1']);
		expect(ctx.sim.requestsTo('loginapi', '/Application/GetSettings')[1].headers.authorization).toBe(
			'Bearer SIM-ACCESS-TOKEN-3',
		);
		expect(rt.connections.slice(0, 2).map((c) => [c.server, c.token])).toEqual([
			[0, 'SIM-IDENTITY-CODE-2'],
			[0, 'SIM-IDENTITY-CODE-4'],
		]);
		// the subscription was sent again on the new connection
		expect(rt.monitoredUpdates.slice(0, 2).map((u) => [u.connection, u.extensionsString])).toEqual([
			[1, 'SIPSIP2'],
			[2, 'SIPSIP2'],
		]);
		expectNoSecretInUrls();
	});

	it.each([
		['token', { token: 'WRONG-TOKEN-123' }, 'WRONG-TOKEN-123'],
		['user', { userPassword: 'WRONG-PASS-123' }, 'WRONG-PASS-123'],
	])('a wrong %s fails the activation with a clear message, no secret, no socket', async (loginType, wrong, secret) => {
		let error: Error | undefined;
		try {
			await activate({}, { ...rt.credentials(loginType as 'token', 'current'), ...wrong });
		} catch (e) {
			error = e as Error;
		}
		const message = 'Voicenter Realtime login failed: Unauthorized (HTTP 401)';
		expect(error?.message).toBe(`There was a problem activating the workflow: "${message}"`);
		const cause = error?.cause as Error & { description?: string };
		expect(cause.message).toBe(message);
		expect(JSON.stringify({ message: error?.message, cause, stack: error?.stack })).not.toContain(secret);
		expect(rt.connections).toHaveLength(0);
		expect(rt.logins.map((l) => [l.type, l.status])).toEqual([[loginType === 'token' ? 'Token' : 'User', 401]]);
	});

	it('an Account login is refused with a clear message before any request', async () => {
		await expect(activate({}, rt.credentials('account', 'current'))).rejects.toThrow(
			'The current Voicenter login API has no Account login',
		);
		expect(ctx.sim.requests).toHaveLength(0);
	});

	it('keep-alive: lowercase keepalive on the current stack, both spellings on legacy', async () => {
		rt.options.pingInterval = 50;
		const current = await activate({ options: { reconnectDelay: 0.02, keepAliveInterval: 0.05 } });
		await rt.waitForConnections(1);
		await until(() => rt.connections[0].frames.some((f) => f.startsWith('42["keepalive"')));
		await current.deactivate();
		active = undefined;
		expect(rt.connections[0].frames.filter((f) => f.startsWith('42["keepAlive"'))).toEqual([]);

		await activate({ options: { reconnectDelay: 0.02, keepAliveInterval: 0.05 } }, rt.credentials('token'));
		await rt.waitForConnections(2);
		await until(() => rt.connections[1].frames.some((f) => f.startsWith('42["keepAlive"')));
		expect(rt.connections[1].frames).toContain(`42["keepalive","${rt.connections[1].token}"]`);
		expect(rt.connections[1].frames).toContain(`42["keepAlive","${rt.connections[1].token}"]`);
	});
});

describe('dialer events and the server-side extension filter', () => {
	it('AllDialersStatus and DialerEvent reach the workflow, filtered by campaign, JSON strings parsed', async () => {
		const trigger = await activate({
			events: ['dialer.DialerEvent', 'snapshot.AllDialersStatus'],
			campaigns: '13569',
		});
		await rt.waitForConnections(1);
		rt.pushDialerEvent(13574); // another campaign: filtered out
		rt.pushDialerEvent(13569, 'ANSWER', '0501234567');
		rt.pushEvent('DialerEvent', {
			data: { campaignID: 13569, name: 'Summer sale', type: 'Automatic', calls: 'not json', statistics: '{"broken":' },
		});
		const items = await trigger.waitForItems(3);
		expect(items.map((i) => [i.event, i.type])).toEqual([
			['AllDialersStatus', 'snapshot'],
			['DialerEvent', 'dialer'],
			['DialerEvent', 'dialer'],
		]);
		expect((items[0].dialers as IDataObject[]).map((d) => [d.campaignID, d.name, d.type])).toEqual([
			[13569, 'Summer sale', 'Automatic'],
		]);
		expect(items[0]).toMatchObject({ servertimeoffset: 120, serverTimeOffsetMinutes: 120 });
		expect(typeof items[0].serverTime).toBe('string');
		expect(items[1]).toMatchObject({
			reason: 'ANSWER',
			dialStatus: 'ANSWER',
			callerID: '0501234567',
			eventName: 'dialer',
			dialer: {
				campaignID: 13569,
				code: 'vsaH6K0FXos4o0Mt0x2oZh0FwWpIHoe2',
				type: 'Automatic',
				typeID: 5,
				calls: [{ callerID: '0501234567', dialStatus: 'ANSWER' }],
				statistics: { TotalPendingCalls: 4, TotalOriginatingCalls: 2 },
			},
		});
		// server-local epoch → UTC: the simulator's clock is UTC+120 min, so "now" again
		expect(Math.abs(Date.parse(String(items[1].serverTime)) - Date.now())).toBeLessThan(60_000);
		expect(Math.abs(Date.parse(String(items[1].telephonyServerTime)) - Date.now())).toBeLessThan(60_000);
		// what is not JSON stays as sent
		expect(items[2].dialer).toMatchObject({ calls: 'not json', statistics: '{"broken":' });
	});

	it('an extension filter of SIP IDs sends updateMonitoredExtensions after connecting; a mixed one does not', async () => {
		const trigger = await activate({ extensions: 'SIPSIP2, SIPSIP3' });
		await rt.waitForConnections(1);
		await until(() => rt.monitoredUpdates.length >= 1);
		expect(rt.monitoredUpdates.map((u) => [u.connection, u.extensionsString])).toEqual([[1, 'SIPSIP2,SIPSIP3']]);
		// the frame comes after the Engine.IO open and namespace connect, on the open socket
		expect(rt.connections[0].frames[0]).toBe('42["updateMonitoredExtensions",{"extensionsString":"SIPSIP2,SIPSIP3"}]');
		expect(rt.pushEvent('ExtensionEvent', newCall('sip1', 'SIPSIP1'))).toBe(0);
		rt.pushEvent('ExtensionEvent', newCall('sip3', 'SIPSIP3'));
		expect((await trigger.waitForItems(1)).map((i) => i.ivrid)).toEqual(['sip3']);
		await trigger.deactivate();
		active = undefined;

		const mixed = await activate({ extensions: 'SIPSIP2, 1234567' });
		await rt.waitForConnections(2);
		rt.pushEvent('ExtensionEvent', newCall('by-number', 'SIPSIP1')); // fixture number 1234567
		expect((await mixed.waitForItems(1)).map((i) => i.ivrid)).toEqual(['by-number']);
		expect(rt.monitoredUpdates).toHaveLength(1);
	});
});

describe('credential Test (both login APIs)', () => {
	async function testCredential(data: Record<string, string>) {
		const type = new VoicenterRealtimeApi();
		const node: INode = {
			id: 'n',
			name: 'Temp-Node',
			type: TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const resolved = workflow.expression.getParameterValue(
			type.test.request as never,
			{ resultData: { runData: {} } } as unknown as IRunExecutionData,
			0,
			0,
			node.name,
			[{ json: {} }],
			'manual',
			{ $credentials: data } as never,
		) as unknown as IHttpRequestOptions;
		const options = await type.authenticate(data as never, { ...resolved, body: {} });
		const response = await fetch(String(options.url), {
			method: options.method,
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(options.body),
		});
		return { url: String(options.url), status: response.status, body: (await response.json()) as IDataObject };
	}

	it.each([
		['current', 'token'],
		['current', 'user'],
		['legacy', 'token'],
		['legacy', 'user'],
		['legacy', 'account'],
	])('%s %s: the right login passes, a wrong one fails without echoing the secret', async (api, type) => {
		const good = rt.credentials(type as 'token', api as 'current');
		const ok = await testCredential(good);
		expect(ok.status).toBe(200);
		const wrong = { ...good, token: 'WRONG-SECRET-1', userPassword: 'WRONG-SECRET-1', accountPassword: 'WRONG-SECRET-1' };
		const refused = await testCredential(wrong);
		expect(refused.status).toBeGreaterThanOrEqual(400);
		expect(refused.url).not.toContain('WRONG-SECRET-1');
		expect(JSON.stringify(refused.body)).not.toContain('WRONG-SECRET-1');
	});
});
