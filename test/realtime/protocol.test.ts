import { Workflow } from 'n8n-workflow';

import {
	ServerRotation,
	wait,
	connectErrorDelay,
	disconnectDelay,
} from '../../nodes/VoicenterRealtimeTrigger/transport/connection';
import {
	decodePacket,
	encodeEvent,
	socketUrl,
} from '../../nodes/VoicenterRealtimeTrigger/transport/engineio';
import { parseExpiry } from '../../nodes/VoicenterRealtimeTrigger/transport/login';
import {
	normalizeCall,
	normalizeExtensionEvent,
	readReason,
	toIso,
} from '../../nodes/VoicenterRealtimeTrigger/transport/normalize';
import { selectionKey, toItem } from '../../nodes/VoicenterRealtimeTrigger/events';
import { realtimeLoginBody, VoicenterRealtimeApi } from '../../credentials/VoicenterRealtimeApi.credentials';
import { nodeTypes } from '../harness/engine';
import { HANGUP, NEWCALL, QUEUE_EXIT, STATUS_UPDATE } from './fixtures';

describe('Engine.IO v3 / Socket.IO framing', () => {
	it('decodes the packets the monitor servers send', () => {
		expect(decodePacket('0{"sid":"abc","upgrades":[],"pingInterval":60000,"pingTimeout":180000}')).toEqual({
			kind: 'open',
			open: { sid: 'abc', upgrades: [], pingInterval: 60000, pingTimeout: 180000 },
		});
		expect(decodePacket('40')).toEqual({ kind: 'connect', namespace: '/' });
		expect(decodePacket('3')).toEqual({ kind: 'pong' });
		expect(decodePacket('2')).toEqual({ kind: 'ping' });
		expect(decodePacket('1')).toEqual({ kind: 'close' });
		expect(decodePacket('41')).toEqual({ kind: 'disconnect', namespace: '/' });
		expect(decodePacket('42["loginSuccess",{"errorCode":0}]')).toEqual({
			kind: 'event',
			namespace: '/',
			name: 'loginSuccess',
			args: [{ errorCode: 0 }],
		});
		// namespace and ack id are tolerated
		expect(decodePacket('42/monitor,7["QueueEvent",{"a":1}]')).toEqual({
			kind: 'event',
			namespace: '/monitor',
			name: 'QueueEvent',
			args: [{ a: 1 }],
		});
		expect(decodePacket('44"Authentication error"')).toEqual({
			kind: 'error',
			namespace: '/',
			data: 'Authentication error',
		});
		expect(decodePacket('42not json')).toEqual({ kind: 'other', raw: '42not json' });
	});

	it('encodes events and builds the handshake URL with the token in the query', () => {
		expect(encodeEvent('keepalive', 'tok')).toBe('42["keepalive","tok"]');
		expect(socketUrl('https://monitor1.voicenter.co', 'a b+c')).toBe(
			'wss://monitor1.voicenter.co/socket.io/?token=a%20b%2Bc&EIO=3&transport=websocket',
		);
		expect(socketUrl('http://127.0.0.1:4010/', 't')).toBe(
			'ws://127.0.0.1:4010/socket.io/?token=t&EIO=3&transport=websocket',
		);
		expect(socketUrl('monitor3.voicenter.co.il', 't')).toBe(
			'wss://monitor3.voicenter.co.il/socket.io/?token=t&EIO=3&transport=websocket',
		);
	});
});

describe('failover and back-off', () => {
	it('goes main, other1, main, other2, main, other1… (SDK order)', () => {
		const rotation = new ServerRotation(3);
		const order = [rotation.current];
		for (let i = 0; i < 8; i++) order.push(rotation.next());
		expect(order).toEqual([0, 1, 0, 2, 0, 1, 0, 2, 0]);
		const single = new ServerRotation(1);
		expect([single.next(), single.next()]).toEqual([0, 0]);
	});

	it('waits 20…120 s after a disconnect and 20, 40, 60 s after a failed attempt, then wraps', () => {
		expect(Array.from({ length: 8 }, (_, i) => disconnectDelay(i, 20))).toEqual([
			20, 40, 60, 80, 100, 120, 20, 40,
		]);
		expect(Array.from({ length: 5 }, (_, i) => connectErrorDelay(i, 20))).toEqual([20, 40, 60, 20, 40]);
	});
});

describe('login helpers', () => {
	it('reads TokenExpiry as seconds, milliseconds or a date', () => {
		expect(parseExpiry(1700000000)).toBe(1700000000000);
		expect(parseExpiry('1700000000000')).toBe(1700000000000);
		expect(parseExpiry('2023-11-14T22:13:20Z')).toBe(1700000000000);
		expect(parseExpiry('')).toBeNull();
		expect(parseExpiry('soon')).toBeNull();
	});

	it('builds the documented login body per login type; authenticate() adds it', async () => {
		expect(realtimeLoginBody({ loginType: 'token', token: 't' })).toEqual({ token: 't' });
		expect(realtimeLoginBody({ loginType: 'user', email: 'e', userPassword: 'p' })).toEqual({
			email: 'e',
			pin: 'p',
		});
		expect(realtimeLoginBody({ loginType: 'account', username: 'u', accountPassword: 'p' })).toEqual({
			username: 'u',
			password: 'p',
		});
		const options = await new VoicenterRealtimeApi().authenticate(
			{ loginType: 'account', username: 'u', accountPassword: 'p' },
			{ url: 'https://x/Account', method: 'POST', body: {} },
		);
		expect(options.body).toEqual({ username: 'u', password: 'p' });
	});
});

describe('event normalisation (§14.10 ambiguities)', () => {
	it('reads reason inside data or at the top level', () => {
		expect(readReason(NEWCALL)).toBe('NEWCALL');
		expect(readReason(STATUS_UPDATE)).toBe('userStatusUpdate');
		expect(readReason(QUEUE_EXIT)).toBe('EXIT');
		expect(selectionKey('QueueEvent', { ...QUEUE_EXIT, reason: 'ANSWER' })).toBe('queue.EXIT');
	});

	it('coerces c2cdirection, IsMuted and answered; converts s and ms times with the offset', () => {
		const call = normalizeCall(
			{
				c2cdirection: '2',
				answered: '1',
				callStarted: 1606913080,
				callAnswered: 1606913090,
				recording: { Filename: 'f.mp3', IsMuted: '1' },
				direction: 'Click2Call',
			},
			120,
		);
		expect(call).toMatchObject({
			c2cDirection: 2,
			answered: true,
			startedAt: '2020-12-02T10:44:40.000Z',
			answeredAt: '2020-12-02T10:44:50.000Z',
			recording: { filename: 'f.mp3', muted: true },
		});
		expect(toIso(1606763622000, 120, 'ms')).toBe('2020-11-30T17:13:42.000Z');
		expect(toIso(0, 120)).toBeNull();
		const hangup = normalizeExtensionEvent(HANGUP);
		expect(hangup).toMatchObject({
			cause: 'Normal hangup',
			callerID: '0501234567',
			ivrid: '202012021122010135330b4f77',
		});
	});

	it('ignores unselected reasons and unknown events', () => {
		const selection = { events: new Set(['extension.HANGUP']), extensions: [], queues: [], campaigns: [] };
		expect(toItem(selection, 'ExtensionEvent', NEWCALL)).toBeNull();
		expect(toItem(selection, 'DialerEvent', {})).toBeNull();
		expect(toItem(selection, 'ExtensionEvent', HANGUP)).toMatchObject({ reason: 'HANGUP' });
	});
});

describe('credential test request', () => {
	it('resolves to the login endpoint of the chosen login type', () => {
		const node = {
			id: 'n',
			name: 'N',
			type: 'test.start',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, active: false, nodeTypes });
		const request = new VoicenterRealtimeApi().test.request;
		const resolve = (value: unknown, loginType: string, loginApi?: string) =>
			workflow.expression.getSimpleParameterValue(node, value as string, 'internal', {
				$credentials: {
					loginApi,
					loginType,
					loginUrl: 'http://sim/loginapi/monitorAPI/Login/',
					identityLoginUrl: 'http://sim/loginapi/Auth/Login/Voicenter/Monitor',
				},
			} as never);
		// legacy (also a credential saved before the Login API field existed)
		expect(['token', 'user', 'account'].map((t) => resolve(request.url, t))).toEqual([
			'http://sim/loginapi/monitorAPI/Login/Token',
			'http://sim/loginapi/monitorAPI/Login/User',
			'http://sim/loginapi/monitorAPI/Login/Account',
		]);
		expect(resolve(request.url, 'user', 'legacy')).toBe('http://sim/loginapi/monitorAPI/Login/User');
		// current: one login URL for both login types
		expect(['token', 'user'].map((t) => resolve(request.url, t, 'current'))).toEqual([
			'http://sim/loginapi/Auth/Login/Voicenter/Monitor',
			'http://sim/loginapi/Auth/Login/Voicenter/Monitor',
		]);
	});
});

describe('waits', () => {
	it('ends at once when aborted, also for waits longer than a timer can hold', async () => {
		const controller = new AbortController();
		const long = wait(40 * 24 * 3600 * 1000, controller.signal);
		controller.abort();
		expect(await long).toBe(false);
		expect(await wait(1, new AbortController().signal)).toBe(true);
	});
});
