/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets -- test tooling, never shipped in dist */
/**
 * Simulated Voicenter Real Time API (api-reference §14, docs/realtime-protocol.md):
 *  - the current login stack on the simulator's main server, host prefix /loginapi:
 *      POST /loginapi/Auth/Login/Voicenter/Monitor  {identityType:"Token", token} | {identityType:"User", username, password}
 *        → {StatusCode, Status, Data: {AccessToken, RefreshToken}}; 401 wrong token/password, 400 bad body
 *      GET  /loginapi/Application/GetSettings  (Authorization: Bearer <AccessToken>)
 *        → {IdentityCode, IdentityCodeExpiry, PersonID, PersonType, ExtensionMonitorID, MonitorList[{Priority, Domain, URLID, Version}]}
 *          (MonitorList deliberately not in priority order: server 0 has the highest Priority)
 *      GET  /loginapi/Auth/RefreshToken  (Authorization: Bearer <RefreshToken>) → new AccessToken/RefreshToken
 *  - the legacy login API, same host prefix:
 *      POST /loginapi/monitorAPI/Login/Token   {token}
 *      POST /loginapi/monitorAPI/Login/User    {email, pin}
 *      POST /loginapi/monitorAPI/Login/Account {username, password}
 *      GET  /loginapi/monitorAPI/RefreshIdentityToken  (Authorization: Bearer <RefreshToken>)
 *    → {StatusCode, Status, Data: {Socket: {Token, TokenExpiry, RefreshToken, RefreshTokenExpiry, URLList, Url, Version…}}}
 *    Wrong user/account credentials → 401 "Unauthorized"; wrong token → 500 "Unexpected token" (§14.2).
 *  - N monitor servers (URLList, main first), each on its own port, speaking Engine.IO v3 /
 *    Socket.IO over WebSocket at /socket.io/?token=…&EIO=3&transport=websocket: open packet,
 *    `40`, loginSuccess, loginStatus, AllExtensionsStatus, ping/pong, keepalive/keepaliveResponse,
 *    `44"Authentication error"` for an unknown or expired token, and a heartbeat deadline
 *    (no ping within pingInterval + pingTimeout closes the socket, as engine.io does).
 *    keepalive: sockets of the current stack answer `keepalive` only; legacy ones `keepalive`
 *    and `keepAlive`. `updateMonitoredExtensions {extensionsString}` is recorded and narrows the
 *    ExtensionEvents and AllExtensionsStatus that socket receives. AllDialersStatus is sent on
 *    connect, DialerEvent by pushDialerEvent.
 *  - demo mode (npm start): startDemo() plays a call (NEWCALL → ANSWER → HANGUP) every few
 *    seconds at a rotating extension from a rotating caller, and a DialerEvent.
 * Test API: pushEvent, play (scripted sequences), dropConnections, expireToken, setServerDown,
 * waitForConnections; records logins, refreshes, connections and the frames clients sent.
 * The same controls over HTTP, for a simulator run by hand (npm run simulator):
 *   POST /rtcontrol/push {event, payload}   POST /rtcontrol/call {extension?, callerPhone?}  (NEWCALL → ANSWER → HANGUP)
 *   POST /rtcontrol/drop   POST /rtcontrol/expire   POST /rtcontrol/server {index, down}   GET /rtcontrol/state
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';

import { EXTENSIONS, QUEUES } from './fixtures';
import { onAgentStatusChange, userStatusUpdatePayload } from './routes/agentStatus';
import type { SimRequest, SimResponse, VoicenterSimulator } from './server';

export const SIM_REALTIME_TOKEN = 'SIM-REALTIME-TOKEN-0001';
export const SIM_REALTIME_USER = { email: 'agent@example.com', password: 'agent-pass-1' };
export const SIM_REALTIME_ACCOUNT = { username: 'account-user', password: 'account-pass-1' };

export interface RealtimeSimOptions {
	/** Number of monitor servers (main first in URLList). Default 3. */
	servers?: number;
	/** Open packet values, ms. Defaults 25000 / 60000. */
	pingInterval?: number;
	pingTimeout?: number;
	/** Close sockets that send no ping within pingInterval + pingTimeout (engine.io behaviour). Default true. */
	enforceHeartbeat?: boolean;
	/** Lifetime of issued socket tokens, ms. Default 1 h. */
	tokenLifetimeMs?: number;
	/** servertimeoffset sent with events, minutes. Default 120. */
	serverTimeOffset?: number;
	/** Send loginStatus, AllExtensionsStatus and AllDialersStatus after each connect. Default true. */
	snapshots?: boolean;
}

export type RealtimeStack = 'legacy' | 'current';

export interface RealtimeLogin {
	/** Settings = a GetSettings call (current stack). */
	type: 'Token' | 'User' | 'Account' | 'Refresh' | 'Settings';
	stack: RealtimeStack;
	ok: boolean;
	status: number;
	at: number;
}

export interface RealtimeConnectionRecord {
	id: number;
	server: number;
	token: string;
	authenticated: boolean;
	openedAt: number;
	closedAt?: number;
	/** Frames the client sent, in order. */
	frames: string[];
	stack: RealtimeStack;
	/** The last updateMonitoredExtensions of this socket (null: all extensions). */
	monitored: string[] | null;
}

/** One updateMonitoredExtensions the simulator received. */
export interface MonitoredExtensionsUpdate {
	connection: number;
	server: number;
	extensionsString: string;
	at: number;
}

interface IssuedToken {
	token: string;
	refreshToken: string;
	expiresAt: number;
	valid: boolean;
	stack: RealtimeStack;
}

/** Current stack: an access/refresh token pair from the identity login. */
interface IssuedIdentity {
	accessToken: string;
	refreshToken: string;
	valid: boolean;
	loginType: 'Token' | 'User';
}

export interface SimDialer {
	campaignID: number;
	name: string;
	typeID: number;
	type: 'Automatic' | 'IVR';
	code: string;
}

/** Dialer campaigns (shape of a recorded AllDialersStatus). */
export const DIALERS: SimDialer[] = [
	{ campaignID: 13569, name: 'Summer sale', typeID: 5, type: 'Automatic', code: 'vsaH6K0FXos4o0Mt0x2oZh0FwWpIHoe2' },
	{ campaignID: 13574, name: 'Satisfaction survey', typeID: 3, type: 'IVR', code: '13KBIlGcKIgRj8967EiXQuv6mqV1ZFRj' },
];

/** Callers the demo rotates through (the first is a VIP in examples/voicenter-contacts.csv). */
export const DEMO_CALLERS = ['0501234567', '0527654321', '0541112222', '0549998888', '0735550000'];

interface MonitorServer {
	index: number;
	http: http.Server;
	wss: WebSocketServer;
	url: string;
	down: boolean;
	/** Accepts the WebSocket but never speaks (a hung server). */
	hanging: boolean;
	sockets: Set<import('node:net').Socket>;
}

interface LiveSocket {
	ws: WsSocket;
	record: RealtimeConnectionRecord;
	heartbeat?: ReturnType<typeof setTimeout>;
	/** Frozen: the socket stays open but the server neither answers nor sends anything. */
	frozen?: boolean;
}

export interface ScriptStep {
	event: string;
	payload: unknown;
	/** Pause before this step, ms. */
	delayMs?: number;
}

export class RealtimeSimulator {
	/** Current settings (tests may change them; reset() restores the initial ones). */
	options: Required<RealtimeSimOptions>;

	private readonly initialOptions: Required<RealtimeSimOptions>;

	readonly logins: RealtimeLogin[] = [];

	readonly connections: RealtimeConnectionRecord[] = [];

	/** Every updateMonitoredExtensions received, in order. */
	readonly monitoredUpdates: MonitoredExtensionsUpdate[] = [];

	/** When true, every login and refresh is refused as if the credentials had been revoked. */
	revoked = false;

	/** Upgrade requests a server refused (down, wrong path or protocol), in order. */
	readonly refused: Array<{ server: number; status: number; at: number }> = [];

	private servers: MonitorServer[] = [];

	private live = new Set<LiveSocket>();

	private tokens = new Map<string, IssuedToken>();

	private identities = new Map<string, IssuedIdentity>();

	private demoTimer?: ReturnType<typeof setInterval>;

	private demoCount = 0;

	private waiters: Array<{ count: number; resolve: () => void }> = [];

	private counter = 0;

	constructor(
		private readonly sim: VoicenterSimulator,
		options: RealtimeSimOptions = {},
	) {
		this.options = {
			servers: options.servers ?? 3,
			pingInterval: options.pingInterval ?? 25_000,
			pingTimeout: options.pingTimeout ?? 60_000,
			enforceHeartbeat: options.enforceHeartbeat ?? true,
			tokenLifetimeMs: options.tokenLifetimeMs ?? 3_600_000,
			serverTimeOffset: options.serverTimeOffset ?? 120,
			snapshots: options.snapshots ?? true,
		};
		this.initialOptions = { ...this.options };
		this.registerRoutes();
		this.registerControlRoutes();
		sim.onReset(() => this.reset());
		// Agent status changes (SetStatusFromAPI) reach the sockets as userStatusUpdate events.
		onAgentStatusChange(sim, (change) =>
			this.pushEvent('ExtensionEvent', userStatusUpdatePayload(change, this.now(), this.options.serverTimeOffset)),
		);
	}

	/** URLList, main (highest priority) first. */
	get urlList(): string[] {
		return this.servers.map((s) => s.url);
	}

	loginUrl(): string {
		return `${this.sim.baseUrl('loginapi')}/monitorAPI/Login`;
	}

	refreshUrl(): string {
		return `${this.sim.baseUrl('loginapi')}/monitorAPI/RefreshIdentityToken`;
	}

	/** The current stack's three URLs. */
	currentUrls(): { identityLoginUrl: string; getSettingsUrl: string; refreshTokenUrl: string } {
		const base = this.sim.baseUrl('loginapi');
		return {
			identityLoginUrl: `${base}/Auth/Login/Voicenter/Monitor`,
			getSettingsUrl: `${base}/Application/GetSettings`,
			refreshTokenUrl: `${base}/Auth/RefreshToken`,
		};
	}

	/** Credential data for the Voicenter Realtime API credential pointing at this simulator. */
	credentials(
		loginType: 'token' | 'user' | 'account' = 'token',
		loginApi: RealtimeStack = 'legacy',
	): Record<string, string> {
		return {
			loginApi,
			loginType,
			...this.currentUrls(),
			token: SIM_REALTIME_TOKEN,
			email: SIM_REALTIME_USER.email,
			userPassword: SIM_REALTIME_USER.password,
			username: SIM_REALTIME_ACCOUNT.username,
			accountPassword: SIM_REALTIME_ACCOUNT.password,
			loginUrl: this.loginUrl(),
			refreshUrl: this.refreshUrl(),
		};
	}

	/** Forgets recorded logins/connections and issued tokens; closes live sockets; servers up. */
	reset(): void {
		this.options = { ...this.initialOptions, servers: this.options.servers };
		this.logins.length = 0;
		this.connections.length = 0;
		this.monitoredUpdates.length = 0;
		this.identities.clear();
		this.refused.length = 0;
		this.revoked = false;
		this.tokens.clear();
		this.counter = 0;
		for (const s of this.servers) {
			s.down = false;
			s.hanging = false;
		}
		for (const live of [...this.live]) this.kill(live);
	}

	async start(): Promise<void> {
		for (let i = 0; i < this.options.servers; i++) {
			const server = http.createServer((_req, res) => {
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				res.end('Not found');
			});
			const wss = new WebSocketServer({ noServer: true });
			const monitor: MonitorServer = {
				index: i,
				http: server,
				wss,
				url: '',
				down: false,
				hanging: false,
				sockets: new Set(),
			};
			server.on('connection', (socket) => {
				monitor.sockets.add(socket);
				socket.on('close', () => monitor.sockets.delete(socket));
			});
			server.on('upgrade', (req, socket, head) => this.upgrade(monitor, req, socket, head));
			await new Promise<void>((resolve, reject) => {
				server.once('error', reject);
				server.listen(0, '127.0.0.1', () => resolve());
			});
			monitor.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			this.servers.push(monitor);
		}
	}

	async stop(): Promise<void> {
		this.stopDemo();
		for (const live of [...this.live]) this.kill(live);
		for (const s of this.servers) {
			for (const socket of s.sockets) socket.destroy();
			s.wss.close();
			await new Promise<void>((resolve) => s.http.close(() => resolve()));
		}
		this.servers = [];
		for (const w of this.waiters) w.resolve();
		this.waiters = [];
	}

	// ---- test API -------------------------------------------------------------------------

	/**
	 * Sends one event to every authenticated socket; returns how many received it. An
	 * ExtensionEvent goes only to sockets whose updateMonitoredExtensions includes its extension.
	 */
	pushEvent(event: string, payload: unknown): number {
		const frame = `42${JSON.stringify([event, payload])}`;
		const ext = event === 'ExtensionEvent' ? extensionOf(payload) : null;
		let count = 0;
		for (const live of this.live) {
			if (!live.record.authenticated || live.frozen || live.ws.readyState !== 1) continue;
			const monitored = live.record.monitored;
			if (ext !== null && monitored && !monitored.includes(ext)) continue;
			live.ws.send(frame);
			count++;
		}
		return count;
	}

	/** A DialerEvent for one campaign, `calls` and `statistics` as JSON strings (as Voicenter sends them). */
	dialerEvent(campaignID = DIALERS[0].campaignID, dialStatus = 'ANSWER', callerID = '0501234567'): Record<string, unknown> {
		const d = DIALERS.find((x) => x.campaignID === campaignID) ?? DIALERS[0];
		const n = ++this.demoCount;
		const statistics = {
			TotalCalls: 10 + n,
			TotalPendingCalls: 4,
			TotalOriginatingCalls: 2,
			TotalLeg1RingingCalls: 1,
			TotalLeg1AnswerCalls: 3 + n,
			TotalLeg2RingingCalls: 0,
			TotalLeg2AnswerCalls: 1,
		};
		const calls = [{ callerID, dialStatus, ivrUniqueId: `dialer-${campaignID}-${n}` }];
		return {
			data: { ...d, userID: 58488, accountID: 640, calls: JSON.stringify(calls), statistics: JSON.stringify(statistics) },
			callerID,
			eventName: 'dialer',
			dialStatus,
			ivrUniqueId: `dialer-${campaignID}-${n}`,
			telephonyServerTime: this.now(),
			servertime: this.now(),
			servertimeoffset: this.options.serverTimeOffset,
		};
	}

	pushDialerEvent(campaignID?: number, dialStatus?: string, callerID?: string): number {
		return this.pushEvent('DialerEvent', this.dialerEvent(campaignID, dialStatus, callerID));
	}

	/**
	 * Demo traffic: every `intervalMs`, a call (NEWCALL → ANSWER → HANGUP) at the next extension
	 * from the next caller of DEMO_CALLERS, and a DialerEvent.
	 */
	startDemo(intervalMs = 5_000): void {
		this.stopDemo();
		let n = 0;
		const tick = () => {
			const ext = EXTENSIONS.filter((e) => e.online)[n % EXTENSIONS.filter((e) => e.online).length];
			const caller = DEMO_CALLERS[n % DEMO_CALLERS.length];
			n++;
			void this.play(this.callSequence(ext.SIP, caller, `demo${Date.now()}${n}`));
			this.pushDialerEvent(DIALERS[n % DIALERS.length].campaignID);
		};
		this.demoTimer = setInterval(tick, intervalMs);
		this.demoTimer.unref?.();
		tick();
	}

	stopDemo(): void {
		if (this.demoTimer) clearInterval(this.demoTimer);
		this.demoTimer = undefined;
	}

	get demoRunning(): boolean {
		return this.demoTimer !== undefined;
	}

	/** Plays a scripted sequence of events (each after its delay). */
	async play(steps: ScriptStep[]): Promise<void> {
		for (const step of steps) {
			if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
			this.pushEvent(step.event, step.payload);
		}
	}

	/** Cuts every live socket without a close handshake (a network drop). */
	dropConnections(): number {
		const n = this.live.size;
		for (const live of [...this.live]) this.kill(live);
		return n;
	}

	/** Invalidates every issued socket token: keepalives get errorCode 1, new handshakes are refused. */
	expireToken(): void {
		for (const t of this.tokens.values()) t.valid = false;
	}

	/** The socket tokens issued so far, in order (tests use them to check the handshakes). */
	get issuedTokens(): string[] {
		return [...this.tokens.keys()];
	}

	/** A server that is down refuses the WebSocket upgrade (HTTP 503). */
	setServerDown(index: number, down: boolean): void {
		if (this.servers[index]) this.servers[index].down = down;
		if (down) for (const live of [...this.live]) if (live.record.server === index) this.kill(live);
	}

	/** A hanging server accepts the WebSocket and then sends nothing at all. */
	setServerHanging(index: number, hanging: boolean): void {
		if (this.servers[index]) this.servers[index].hanging = hanging;
	}

	/** Live sockets stay open but go silent: no pong, no event (a half-dead connection). */
	freezeConnections(): number {
		for (const live of this.live) {
			live.frozen = true;
			if (live.heartbeat) clearTimeout(live.heartbeat);
		}
		return this.live.size;
	}

	/** Resolves once `count` authenticated connections have been made since the last reset. */
	async waitForConnections(count: number): Promise<void> {
		if (this.authenticatedCount() >= count) return;
		await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
	}

	authenticatedCount(): number {
		return this.connections.filter((c) => c.authenticated).length;
	}

	/** Number of sockets currently open. */
	get openSockets(): number {
		return this.live.size;
	}

	// ---- internals ------------------------------------------------------------------------

	private issue(stack: RealtimeStack = 'legacy'): IssuedToken {
		const n = ++this.counter;
		const issued: IssuedToken = {
			token: stack === 'current' ? `SIM-IDENTITY-CODE-${n}` : `SIM-SOCKET-TOKEN-${n}`,
			refreshToken: `SIM-REFRESH-TOKEN-${n}`,
			expiresAt: Date.now() + this.options.tokenLifetimeMs,
			valid: true,
			stack,
		};
		this.tokens.set(issued.token, issued);
		return issued;
	}

	private loginAnswer(issued: IssuedToken): SimResponse {
		return {
			body: {
				StatusCode: 0,
				Status: 'OK',
				Data: {
					Socket: {
						Token: issued.token,
						TokenExpiry: new Date(issued.expiresAt).toISOString(),
						RefreshToken: issued.refreshToken,
						RefreshTokenExpiry: new Date(Date.now() + 24 * 3_600_000).toISOString(),
						URLList: this.urlList,
						Url: this.urlList[0],
						Version: '1.3.7',
						Client: 'socket.io',
						PersonId: 7654321,
					},
				},
			},
		};
	}

	/** MonitorList of GetSettings: server i has Priority (count − i) × 10, listed lowest first. */
	monitorList(): Array<Record<string, unknown>> {
		return this.servers
			.map((s, i) => ({
				Priority: (this.servers.length - i) * 10,
				Domain: s.url.replace(/^http:\/\//, ''),
				URLID: 100 + i,
				Version: '1.3.7',
			}))
			.reverse();
	}

	private registerCurrentRoutes(): void {
		const record = (type: RealtimeLogin['type'], status: number) =>
			this.logins.push({ type, stack: 'current', ok: status === 200, status, at: Date.now() });
		const body = (req: SimRequest) =>
			(req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
		const bearer = (req: SimRequest) => String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
		const issueIdentity = (loginType: 'Token' | 'User'): SimResponse => {
			const n = ++this.counter;
			const identity: IssuedIdentity = {
				accessToken: `SIM-ACCESS-TOKEN-${n}`,
				refreshToken: `SIM-REFRESH-TOKEN-${n}`,
				valid: true,
				loginType,
			};
			this.identities.set(identity.accessToken, identity);
			return {
				body: {
					StatusCode: 0,
					Status: 'OK',
					Data: { AccessToken: identity.accessToken, RefreshToken: identity.refreshToken },
				},
			};
		};
		this.sim.route('loginapi', 'POST', '/Auth/Login/Voicenter/Monitor', (req) => {
			const b = body(req);
			const type = b.identityType;
			if (type !== 'Token' && type !== 'User') {
				record('Token', 400);
				return {
					status: 400,
					body: { StatusCode: 400, Status: 'Bad request: identityType must be Token or User' },
				};
			}
			const ok =
				!this.revoked &&
				(type === 'Token'
					? b.token === SIM_REALTIME_TOKEN
					: b.username === SIM_REALTIME_USER.email && b.password === SIM_REALTIME_USER.password);
			if (!ok) {
				record(type, 401);
				return { status: 401, body: { StatusCode: 401, Status: 'Unauthorized' } };
			}
			record(type, 200);
			return issueIdentity(type);
		});
		this.sim.route('loginapi', 'GET', '/Application/GetSettings', (req) => {
			const identity = this.identities.get(bearer(req));
			if (!identity || !identity.valid || this.revoked) {
				record('Settings', 401);
				return { status: 401, body: { StatusCode: 401, Status: 'Unauthorized' } };
			}
			record('Settings', 200);
			const issued = this.issue('current');
			return {
				body: {
					IdentityCode: issued.token,
					IdentityCodeExpiry: new Date(issued.expiresAt).toISOString(),
					PersonID: 7654321,
					PersonType: identity.loginType === 'User' ? 1 : 2,
					ExtensionMonitorID: 5501,
					MonitorList: this.monitorList(),
				},
			};
		});
		this.sim.route('loginapi', 'GET', '/Auth/RefreshToken', (req) => {
			const refreshToken = bearer(req);
			const known = [...this.identities.values()].find((t) => t.refreshToken === refreshToken && t.valid);
			if (!known || this.revoked) {
				record('Refresh', 401);
				return { status: 401, body: { StatusCode: 401, Status: 'Unauthorized' } };
			}
			record('Refresh', 200);
			known.valid = false;
			return issueIdentity(known.loginType);
		});
	}

	private registerRoutes(): void {
		this.registerCurrentRoutes();
		const record = (type: RealtimeLogin['type'], status: number) =>
			this.logins.push({ type, stack: 'legacy', ok: status === 200, status, at: Date.now() });
		const unauthorized = (type: RealtimeLogin['type']): SimResponse => {
			record(type, 401);
			return { status: 401, body: { StatusCode: 401, Status: 'Unauthorized' } };
		};
		const body = (req: SimRequest) =>
			(req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
		this.sim.route('loginapi', 'POST', '/monitorAPI/Login/Token', (req) => {
			if (body(req).token !== SIM_REALTIME_TOKEN || this.revoked) {
				record('Token', 500);
				return { status: 500, body: { StatusCode: 500, Status: 'Unexpected token' } };
			}
			record('Token', 200);
			return this.loginAnswer(this.issue());
		});
		this.sim.route('loginapi', 'POST', '/monitorAPI/Login/User', (req) => {
			const b = body(req);
			if (b.email !== SIM_REALTIME_USER.email || b.pin !== SIM_REALTIME_USER.password)
				return unauthorized('User');
			record('User', 200);
			return this.loginAnswer(this.issue());
		});
		this.sim.route('loginapi', 'POST', '/monitorAPI/Login/Account', (req) => {
			const b = body(req);
			if (
				b.username !== SIM_REALTIME_ACCOUNT.username ||
				b.password !== SIM_REALTIME_ACCOUNT.password ||
				this.revoked
			)
				return unauthorized('Account');
			record('Account', 200);
			return this.loginAnswer(this.issue());
		});
		this.sim.route('loginapi', 'GET', '/monitorAPI/RefreshIdentityToken', (req) => {
			const auth = String(req.headers.authorization ?? '');
			const refreshToken = auth.replace(/^Bearer\s+/i, '');
			const known = [...this.tokens.values()].find(
				(t) => t.refreshToken === refreshToken && t.stack === 'legacy',
			);
			if (!known || this.revoked) return unauthorized('Refresh');
			record('Refresh', 200);
			known.valid = false;
			return this.loginAnswer(this.issue());
		});
	}

	/** A ringing → answered → ended incoming call at one extension, with current server times. */
	callSequence(extension = 'SIPSIP1', callerPhone = '0501234567', ivrid = `sim${Date.now()}`): ScriptStep[] {
		const ext = EXTENSIONS.find((e) => e.SIP === extension) ?? EXTENSIONS[0];
		const offset = this.options.serverTimeOffset;
		const start = this.now();
		const base = {
			userID: ext.userID,
			userName: ext.UserName,
			number: ext.extensionID,
			extenUser: ext.SIP,
			summery: { representative: ext.UserName },
			onlineUserID: ext.userID,
			representative: ext.userID,
			representativeStatus: 1,
			representativeUpdated: 0,
		};
		const call = {
			callStarted: start,
			calldurationinterval: start,
			callAnswered: 0,
			answered: 0,
			callername: 'Simulated Caller',
			callerphone: callerPhone,
			callstatus: 'Ringing',
			customdata: {},
			direction: 'Incoming',
			ivrid,
			recording: { Filename: `${ivrid}.mp3`, IsMuted: 0 },
			did: '0722776772',
		};
		const talking = { ...call, callAnswered: start + 5, answered: 1, callstatus: 'Talking' };
		const event = (reason: string, at: number, current: unknown, calls: unknown[], extra = {}) => ({
			data: {
				eventName: 'extension',
				reason,
				servertime: at,
				servertimeoffset: offset,
				calls,
				...base,
				currentCall: current,
				...extra,
			},
		});
		return [
			{
				event: 'ExtensionEvent',
				payload: event('NEWCALL', start, call, [call], { lastCallEventEpoch: start }),
			},
			{ event: 'ExtensionEvent', payload: event('ANSWER', start + 5, talking, [talking]), delayMs: 500 },
			{
				event: 'ExtensionEvent',
				payload: event('HANGUP', start + 20, talking, [], {
					cause: 'Normal hangup',
					callerID: callerPhone,
					ivruniqueid: ivrid,
					lastHangupCallEpoch: start + 20,
				}),
				delayMs: 500,
			},
		];
	}

	private registerControlRoutes(): void {
		const body = (req: SimRequest) =>
			(req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
		this.sim.route('rtcontrol', 'POST', '/push', (req) => {
			const b = body(req);
			return { body: { delivered: this.pushEvent(String(b.event ?? ''), b.payload ?? {}) } };
		});
		this.sim.route('rtcontrol', 'POST', '/call', (req) => {
			const b = body(req);
			const steps = this.callSequence(
				b.extension ? String(b.extension) : undefined,
				b.callerPhone ? String(b.callerPhone) : undefined,
			);
			void this.play(steps);
			return {
				body: {
					ivrid: (steps[0].payload as { data: { currentCall: { ivrid: string } } }).data.currentCall.ivrid,
				},
			};
		});
		this.sim.route('rtcontrol', 'POST', '/dialer', (req) => {
			const b = body(req);
			return {
				body: {
					delivered: this.pushDialerEvent(
						b.campaignID === undefined ? undefined : Number(b.campaignID),
						b.dialStatus ? String(b.dialStatus) : undefined,
					),
				},
			};
		});
		this.sim.route('rtcontrol', 'POST', '/demo', (req) => {
			const b = body(req);
			if (b.on === false || b.on === 'false') this.stopDemo();
			else this.startDemo(Number(b.intervalMs ?? 5000) || 5000);
			return { body: { demo: this.demoRunning } };
		});
		this.sim.route('rtcontrol', 'POST', '/drop', () => ({ body: { dropped: this.dropConnections() } }));
		this.sim.route('rtcontrol', 'POST', '/expire', () => {
			this.expireToken();
			return { body: { ok: true } };
		});
		this.sim.route('rtcontrol', 'POST', '/server', (req) => {
			const b = body(req);
			this.setServerDown(Number(b.index ?? 0), b.down === true || b.down === 'true');
			return { body: { ok: true } };
		});
		this.sim.route('rtcontrol', 'GET', '/state', () => ({
			body: {
				servers: this.urlList,
				openSockets: this.openSockets,
				logins: this.logins,
				demo: this.demoRunning,
				monitoredUpdates: this.monitoredUpdates,
				connections: this.connections.map(({ frames, ...c }) => ({ ...c, framesReceived: frames.length })),
			},
		}));
	}

	private tokenValid(token: string): boolean {
		const t = this.tokens.get(token);
		return !!t && t.valid && Date.now() < t.expiresAt;
	}

	private upgrade(monitor: MonitorServer, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(req.url ?? '/', 'http://monitor');
		// A client may reset a refused or dropped connection: that is not a simulator failure.
		socket.on('error', () => socket.destroy());
		const refuse = (status: number, text: string) => {
			this.refused.push({ server: monitor.index, status, at: Date.now() });
			socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
		};
		if (monitor.down) return refuse(503, 'Service Unavailable');
		if (url.pathname !== '/socket.io/') return refuse(404, 'Not Found');
		if (url.searchParams.get('EIO') !== '3' || url.searchParams.get('transport') !== 'websocket')
			return refuse(400, 'Bad Request');
		monitor.wss.handleUpgrade(req, socket, head, (ws) =>
			this.onSocket(monitor, ws, url.searchParams.get('token') ?? ''),
		);
	}

	private now(): number {
		return Math.floor(Date.now() / 1000) + this.options.serverTimeOffset * 60;
	}

	private onSocket(monitor: MonitorServer, ws: WsSocket, token: string): void {
		const record: RealtimeConnectionRecord = {
			id: this.connections.length + 1,
			server: monitor.index,
			token,
			authenticated: false,
			openedAt: Date.now(),
			frames: [],
			stack: this.tokens.get(token)?.stack ?? 'legacy',
			monitored: null,
		};
		this.connections.push(record);
		const live: LiveSocket = { ws, record, frozen: monitor.hanging };
		this.live.add(live);
		ws.on('close', () => {
			record.closedAt = Date.now();
			if (live.heartbeat) clearTimeout(live.heartbeat);
			this.live.delete(live);
		});
		ws.on('error', () => this.kill(live));
		if (monitor.hanging) {
			ws.on('message', (data) => record.frames.push(data.toString()));
			return;
		}
		const { pingInterval, pingTimeout } = this.options;
		ws.send(`0${JSON.stringify({ sid: `sim-${record.id}`, upgrades: [], pingInterval, pingTimeout })}`);
		const armHeartbeat = () => {
			if (!this.options.enforceHeartbeat) return;
			if (live.heartbeat) clearTimeout(live.heartbeat);
			live.heartbeat = setTimeout(() => this.kill(live), pingInterval + pingTimeout);
		};
		armHeartbeat();
		ws.on('message', (data, isBinary) => {
			if (isBinary) return;
			const frame = data.toString();
			record.frames.push(frame);
			if (live.frozen) return;
			if (frame === '2') {
				armHeartbeat();
				ws.send('3');
			} else if (frame === '2probe') {
				ws.send('3probe');
			} else if (frame === '1' || frame === '41') {
				ws.close();
			} else if (frame.startsWith('42')) {
				let parsed: unknown;
				try {
					parsed = JSON.parse(frame.slice(2));
				} catch {
					return;
				}
				if (!Array.isArray(parsed)) return;
				// The current stack answers `keepalive`; the legacy one both spellings.
				const keepAliveNames = record.stack === 'current' ? ['keepalive'] : ['keepalive', 'keepAlive'];
				if (keepAliveNames.includes(String(parsed[0]))) {
					const ok = this.tokenValid(token);
					ws.send(
						`42${JSON.stringify(['keepaliveResponse', { errorCode: ok ? 0 : 1, errorDesc: ok ? 'OK' : 'Token expired' }])}`,
					);
				} else if (parsed[0] === 'updateMonitoredExtensions' && record.authenticated) {
					const text = String((parsed[1] as { extensionsString?: unknown } | undefined)?.extensionsString ?? '');
					record.monitored = text
						.split(',')
						.map((v) => v.trim())
						.filter((v) => v !== '');
					if (record.monitored.length === 0) record.monitored = null;
					this.monitoredUpdates.push({
						connection: record.id,
						server: record.server,
						extensionsString: text,
						at: Date.now(),
					});
				}
			}
		});
		if (!this.tokenValid(token)) {
			// socket.io 2.x middleware refusal: an error packet for the default namespace.
			ws.send('44"Authentication error"');
			ws.close();
			return;
		}
		record.authenticated = true;
		ws.send('40');
		const servertime = this.now();
		const servertimeoffset = this.options.serverTimeOffset;
		ws.send(
			`42${JSON.stringify(['loginSuccess', { errorCode: 0, errorDesc: 'OK', servertime, servertimeoffset }])}`,
		);
		if (this.options.snapshots) {
			ws.send(`42${JSON.stringify(['loginStatus', this.loginStatus(servertime, servertimeoffset)])}`);
			ws.send(
				`42${JSON.stringify(['AllExtensionsStatus', this.allExtensionsStatus(servertime, servertimeoffset)])}`,
			);
			ws.send(`42${JSON.stringify(['AllDialersStatus', this.allDialersStatus(servertime, servertimeoffset)])}`);
		}
		const count = this.authenticatedCount();
		this.waiters = this.waiters.filter((w) => {
			if (count >= w.count) {
				w.resolve();
				return false;
			}
			return true;
		});
	}

	private kill(live: LiveSocket): void {
		if (live.heartbeat) clearTimeout(live.heartbeat);
		live.ws.terminate();
		this.live.delete(live);
		if (live.record.closedAt === undefined) live.record.closedAt = Date.now();
	}

	loginStatus(
		servertime = this.now(),
		servertimeoffset = this.options.serverTimeOffset,
	): Record<string, unknown> {
		return {
			errorCode: 0,
			errorDesc: 'OK',
			servertime,
			servertimeoffset,
			queues: QUEUES.map((q) => ({ QueueID: q.ID, QueueName: q.Name, Calls: [] })),
		};
	}

	allDialersStatus(
		servertime = this.now(),
		servertimeoffset = this.options.serverTimeOffset,
	): Record<string, unknown> {
		return {
			dialers: DIALERS.map((d) => ({ ...d, userID: 58488, accountID: 640, calls: [], data: {} })),
			servertime,
			servertimeoffset,
			errorCode: 0,
			errorDesc: 'OK',
		};
	}

	allExtensionsStatus(
		servertime = this.now(),
		servertimeoffset = this.options.serverTimeOffset,
		monitored: string[] | null = null,
	): Record<string, unknown> {
		return {
			errorCode: 0,
			errorDesc: 'OK',
			servertime,
			servertimeoffset,
			extensions: EXTENSIONS.filter((e) => !monitored || monitored.includes(e.SIP)).map((e) => ({
				calls: [],
				userID: e.userID,
				userName: e.UserName,
				number: e.extensionID,
				onlineUserID: e.online ? e.userID : 0,
				extenUser: e.SIP,
				summery: { representative: e.UserName },
				representative: e.online ? e.userID : 0,
				representativeStatus: e.online ? 1 : 2,
				lastCallEventEpoch: 0,
				lastAnsweredCallEventEpoch: 0,
				representativeUpdated: 0,
				peerStatus: e.online ? 'OK' : 'UNREACHABLE',
			})),
		};
	}
}

/** The extension (SIP ID) an ExtensionEvent is about, or null. */
function extensionOf(payload: unknown): string | null {
	const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
	const data = (p.data && typeof p.data === 'object' ? p.data : {}) as Record<string, unknown>;
	const ext = data.extenUser ?? p.extenUser;
	return typeof ext === 'string' && ext !== '' ? ext : null;
}

/** Adds the Real Time API to a simulator (login routes now; monitor servers after start()). */
export async function attachRealtime(
	sim: VoicenterSimulator,
	options: RealtimeSimOptions = {},
): Promise<RealtimeSimulator> {
	const realtime = new RealtimeSimulator(sim, options);
	await realtime.start();
	return realtime;
}
