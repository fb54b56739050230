/**
 * The Real Time API connection manager (docs/realtime-protocol.md §2, §4): one WebSocket at a
 * time to the chosen monitor server, Engine.IO v3 heartbeat, the application keep-alive,
 * token refresh before expiry, reconnection with back-off and failover
 * main → other1 → main → other2 → …
 *
 * Every wait is n8n-workflow's `sleep` bound to an AbortSignal, and every socket and loop is
 * tied to the manager's AbortController: close() aborts it, closes the socket, and resolves
 * only once the main loop has ended, so nothing is left running.
 */
import { sleep } from 'n8n-workflow';

import { CLOSE, DISCONNECT, decodePacket, encodeEvent, PING, PONG, socketUrl } from './engineio';

export interface LoginSession {
	/** The socket token (handshake query parameter). */
	token: string;
	/** When the token expires, epoch ms, if Voicenter said. */
	tokenExpiresAt: number | null;
	refreshToken: string | null;
	refreshTokenExpiresAt: number | null;
	/** Monitor servers, main (highest priority) first. */
	servers: string[];
	version: string | null;
	/** Current login stack: the access token GetSettings was called with (for redaction). */
	accessToken?: string;
	/** Current login stack: GetSettings' PersonID. */
	personId?: number | null;
}

/** Sends one Socket.IO event on the open connection. */
export type EmitFunction = (name: string, ...args: unknown[]) => void;

export type CloseReason =
	| 'closed' // the server or the network closed the socket
	| 'error' // the WebSocket reported an error
	| 'timeout' // no open/connect within the connect timeout, or heartbeat silence
	| 'auth' // the server refused the token (error packet, keepaliveResponse errorCode)
	| 'refresh' // the token was refreshed: reconnect to main with the new one
	| 'aborted'; // close() was called

export interface ConnectionEventMeta {
	server: string;
	serverIndex: number;
	connectionId: number;
}

export interface ConnectionLog {
	(level: 'debug' | 'info' | 'warn', message: string, meta?: Record<string, unknown>): void;
}

export interface RealtimeConnectionOptions {
	/** Full login (throws when Voicenter refuses). */
	login: (signal: AbortSignal) => Promise<LoginSession>;
	/** Token refresh with the refresh token (throws on failure). */
	refresh?: (refreshToken: string, signal: AbortSignal) => Promise<LoginSession>;
	onEvent: (name: string, payload: unknown, meta: ConnectionEventMeta) => void;
	/** A failure the manager cannot recover from by retrying (credentials refused on re-login). */
	onFatal?: (error: Error) => void;
	log?: ConnectionLog;
	/** Application keep-alive: emit `keepalive` after this much silence (SDK: 60 s). */
	keepAliveMs?: number;
	/** The keep-alive event name(s) to emit (current stack `keepalive`; see docs/realtime-protocol.md §4). */
	keepAliveEvents?: string[];
	/** Called on every namespace connect (first connection, reconnection, after a refresh): re-subscribe here. */
	onConnect?: (emit: EmitFunction, meta: ConnectionEventMeta) => void;
	/** Reconnection back-off unit: waits are 1×, 2×, … 6× after a disconnect (SDK: 20 s). */
	reconnectBaseMs?: number;
	/** How long a handshake may take (SDK: 10 s). */
	connectTimeoutMs?: number;
	/** Refresh the token this long before it expires (SDK: 5 s). */
	refreshMarginMs?: number;
	/** Whether an error is Voicenter refusing the credentials (stop retrying) rather than a network problem. */
	isAuthError?: (error: unknown) => boolean;
}

const MAX_TIMER_MS = 2_147_483_647;

/** The token is refreshed at most this often, even if Voicenter issues very short-lived ones. */
export const MIN_REFRESH_INTERVAL_MS = 1_000;

/** Resolves true after `ms`, false as soon as `signal` aborts (never rejects). */
export async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
	let remaining = Math.max(0, Math.floor(ms));
	do {
		if (signal.aborted) return false;
		// Timers hold at most 2^31 − 1 ms; a longer wait (a token valid for weeks) goes in steps.
		const step = Math.min(remaining, MAX_TIMER_MS);
		try {
			await sleep(step, signal);
		} catch {
			return false;
		}
		remaining -= step;
	} while (remaining > 0);
	return !signal.aborted;
}

/** The SDK's failover order: main, the next untried other, main, the next untried other, … */
export class ServerRotation {
	private tried = new Set<number>([0]);

	current = 0;

	constructor(private count: number) {}

	setCount(count: number): void {
		this.count = Math.max(1, count);
		this.reset();
	}

	reset(): void {
		this.current = 0;
		this.tried = new Set([0]);
	}

	next(): number {
		if (this.count <= 1) return (this.current = 0);
		if (this.current !== 0) return (this.current = 0);
		let candidate = -1;
		for (let i = 1; i < this.count; i++) {
			if (!this.tried.has(i)) {
				candidate = i;
				break;
			}
		}
		if (candidate === -1) {
			this.tried = new Set([0]);
			candidate = 1;
		}
		this.tried.add(candidate);
		return (this.current = candidate);
	}
}

/** Back-off after a lost connection: 1, 2, … 6 units, then again from 1 (SDK: 20 … 120 s). */
export function disconnectDelay(attempt: number, base: number): number {
	return ((attempt % 6) + 1) * base;
}

/** Back-off after a failed connection attempt: 1, 2, 3 units, then again from 1 (SDK: 20, 40, 60 s). */
export function connectErrorDelay(attempt: number, base: number): number {
	return ((attempt % 3) + 1) * base;
}

/** A connection that lasted this long resets the back-off (it was a healthy one). */
export const STABLE_CONNECTION_MS = 60_000;

interface ConnectResult {
	connected: boolean;
	/** How long the namespace connection lasted, ms (0 if never connected). */
	lifetimeMs?: number;
	reason: CloseReason;
	detail?: string;
}

export class RealtimeConnection {
	private readonly controller = new AbortController();

	private readonly rotation: ServerRotation;

	private session: LoginSession;

	private loop?: Promise<void>;

	private connectionCount = 0;

	private readonly keepAliveMs: number;

	private readonly reconnectBaseMs: number;

	private readonly connectTimeoutMs: number;

	private readonly refreshMarginMs: number;

	/** Figures for logs and tests. */
	readonly stats = { connections: 0, reconnects: 0, refreshes: 0, logins: 0, pings: 0, keepalives: 0 };

	private readonly keepAliveEvents: string[];

	constructor(
		initial: LoginSession,
		private readonly options: RealtimeConnectionOptions,
	) {
		this.session = initial;
		this.rotation = new ServerRotation(initial.servers.length);
		this.keepAliveMs = options.keepAliveMs ?? 60_000;
		this.reconnectBaseMs = options.reconnectBaseMs ?? 20_000;
		this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
		this.refreshMarginMs = options.refreshMarginMs ?? 5_000;
		this.keepAliveEvents =
			options.keepAliveEvents && options.keepAliveEvents.length > 0 ? options.keepAliveEvents : ['keepalive'];
	}

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	start(): void {
		if (!this.loop) this.loop = this.run();
	}

	/** Stops everything: the socket, every timer, the loop. Resolves once all have ended. */
	async close(): Promise<void> {
		this.controller.abort();
		await this.loop;
	}

	private log(level: 'debug' | 'info' | 'warn', message: string, meta?: Record<string, unknown>): void {
		this.options.log?.(level, message, meta);
	}

	private tokenDue(session: LoginSession): boolean {
		return session.tokenExpiresAt !== null && Date.now() >= session.tokenExpiresAt - this.refreshMarginMs;
	}

	/** A new token: refresh when a refresh token is usable, else (or when that fails) log in again. */
	private async reauthenticate(): Promise<LoginSession> {
		const { refreshToken, refreshTokenExpiresAt } = this.session;
		if (
			this.options.refresh &&
			refreshToken &&
			(refreshTokenExpiresAt === null || Date.now() < refreshTokenExpiresAt)
		) {
			try {
				const next = await this.options.refresh(refreshToken, this.controller.signal);
				this.stats.refreshes++;
				return this.adopt(next);
			} catch (error) {
				this.log('warn', 'Voicenter token refresh failed; logging in again', {
					error: error instanceof Error ? error.message : String(error),
				});
			}
		}
		const next = await this.options.login(this.controller.signal);
		this.stats.logins++;
		return this.adopt(next);
	}

	private adopt(next: LoginSession): LoginSession {
		const serversChanged = next.servers.join('\n') !== this.session.servers.join('\n');
		this.session = {
			...next,
			servers: next.servers.length > 0 ? next.servers : this.session.servers,
		};
		if (serversChanged && next.servers.length > 0) this.rotation.setCount(next.servers.length);
		return this.session;
	}

	private async run(): Promise<void> {
		const signal = this.controller.signal;
		let disconnects = 0;
		let connectErrors = 0;
		let authFailures = 0;
		let needsAuth = this.tokenDue(this.session);
		while (!signal.aborted) {
			if (needsAuth) {
				try {
					await this.reauthenticate();
					needsAuth = false;
				} catch (error) {
					if (signal.aborted) break;
					if (this.options.isAuthError?.(error)) {
						this.options.onFatal?.(error instanceof Error ? error : new Error(String(error)));
						break;
					}
					this.log('warn', 'Voicenter login failed; retrying', {
						error: error instanceof Error ? error.message : String(error),
					});
					if (!(await wait(connectErrorDelay(connectErrors++, this.reconnectBaseMs), signal))) break;
					continue;
				}
			}
			const index = Math.min(this.rotation.current, this.session.servers.length - 1);
			const server = this.session.servers[index];
			const result = await this.connectOnce(server, index);
			if (signal.aborted || result.reason === 'aborted') break;
			this.stats.reconnects++;
			this.log('info', `Voicenter realtime connection ended (${result.reason})`, {
				server,
				detail: result.detail,
			});
			if (result.reason === 'refresh') {
				// New token: back to the main server at once (as the SDK does).
				this.rotation.reset();
				disconnects = 0;
				connectErrors = 0;
				continue;
			}
			if (result.reason === 'auth') {
				needsAuth = true;
				authFailures++;
				// The first refusal is answered by a new token and an immediate retry; a refusal
				// right after that goes through the normal back-off.
				if (authFailures === 1) continue;
			} else if (result.connected) {
				authFailures = 0;
			}
			if (this.tokenDue(this.session)) needsAuth = true;
			let delay: number;
			if (result.connected) {
				connectErrors = 0;
				if ((result.lifetimeMs ?? 0) >= STABLE_CONNECTION_MS) disconnects = 0;
				delay = disconnectDelay(disconnects++, this.reconnectBaseMs);
			} else {
				delay = connectErrorDelay(connectErrors++, this.reconnectBaseMs);
			}
			const next = this.rotation.next();
			this.log('info', `Reconnecting to Voicenter in ${delay} ms`, { server: this.session.servers[next] });
			if (!(await wait(delay, signal))) break;
		}
	}

	/** One socket, from handshake to close. Resolves once the socket is closed and every task has stopped. */
	private async connectOnce(server: string, serverIndex: number): Promise<ConnectResult> {
		const parent = this.controller.signal;
		const conn = new AbortController();
		const signal = conn.signal;
		const connectionId = ++this.connectionCount;
		const token = this.session.token;
		const meta: ConnectionEventMeta = { server, serverIndex, connectionId };
		let connected = false;
		let connectedAt = 0;
		let finished = false;
		let lastFrameAt = Date.now();
		let lastEventAt = Date.now();
		let pingInterval = 25_000;
		let pingTimeout = 60_000;
		let resolveResult!: (result: ConnectResult) => void;
		const result = new Promise<ConnectResult>((resolve) => (resolveResult = resolve));
		let resolveClosed!: () => void;
		const socketClosed = new Promise<void>((resolve) => (resolveClosed = resolve));

		let ws: WebSocket;
		try {
			ws = new WebSocket(socketUrl(server, token));
		} catch (error) {
			return {
				connected: false,
				reason: 'error',
				detail: error instanceof Error ? error.message : String(error),
			};
		}
		this.stats.connections++;
		this.log('debug', 'Connecting to Voicenter realtime server', { server, connectionId });

		const send = (frame: string) => {
			if (ws.readyState === 1) ws.send(frame);
		};

		const finish = (reason: CloseReason, detail?: string) => {
			if (finished) return;
			finished = true;
			conn.abort();
			parent.removeEventListener('abort', onParentAbort);
			if (ws.readyState === 1) {
				// Socket.IO disconnect, then Engine.IO close (§5 step 6).
				send(DISCONNECT);
				send(CLOSE);
			}
			if (ws.readyState === 3) resolveClosed();
			else {
				try {
					ws.close();
				} catch {
					resolveClosed();
				}
			}
			resolveResult({ connected, reason, detail, lifetimeMs: connected ? Date.now() - connectedAt : 0 });
		};
		const onParentAbort = () => finish('aborted');
		parent.addEventListener('abort', onParentAbort, { once: true });

		ws.onclose = () => {
			resolveClosed();
			finish('closed');
		};
		ws.onerror = () => finish('error');
		ws.onmessage = (message: MessageEvent) => {
			if (finished || typeof message.data !== 'string') return;
			lastFrameAt = Date.now();
			const packet = decodePacket(message.data);
			switch (packet.kind) {
				case 'open':
					pingInterval = packet.open.pingInterval;
					pingTimeout = packet.open.pingTimeout;
					void pinger();
					void watchdog();
					break;
				case 'ping':
					send(PONG);
					break;
				case 'connect':
					if (packet.namespace !== '/' || connected) break;
					connected = true;
					connectedAt = Date.now();
					lastEventAt = Date.now();
					this.log('debug', 'Connected to Voicenter realtime server', { server, connectionId });
					try {
						this.options.onConnect?.((name, ...args) => send(encodeEvent(name, ...args)), meta);
					} catch (error) {
						this.log('warn', 'Could not subscribe on the Voicenter connection', {
							error: error instanceof Error ? error.message : String(error),
						});
					}
					void keepAlive();
					void refresher();
					break;
				case 'event':
					lastEventAt = Date.now();
					if (packet.name === 'keepaliveResponse') {
						const code = Number((packet.args[0] as { errorCode?: unknown } | undefined)?.errorCode ?? 0);
						if (code) finish('auth', `keepaliveResponse errorCode ${code}`);
						break;
					}
					try {
						this.options.onEvent(packet.name, packet.args[0], meta);
					} catch (error) {
						// A payload we cannot read must not take the connection down.
						this.log('warn', `Could not process Voicenter event ${packet.name}`, {
							error: error instanceof Error ? error.message : String(error),
						});
					}
					break;
				case 'error':
					finish('auth', typeof packet.data === 'string' ? packet.data : JSON.stringify(packet.data));
					break;
				case 'disconnect':
				case 'close':
					finish('closed', 'closed by the server');
					break;
				default:
					break;
			}
		};

		// Handshake deadline: open packet and namespace connect within connectTimeout.
		const handshake = async () => {
			if ((await wait(this.connectTimeoutMs, signal)) && !connected) finish('timeout', 'handshake timeout');
		};
		// Engine.IO v3: the client pings every pingInterval.
		const pinger = async () => {
			while (await wait(pingInterval, signal)) {
				send(PING);
				this.stats.pings++;
			}
		};
		// Silence longer than pingInterval + pingTimeout means a dead connection (§5 step 4).
		const watchdog = async () => {
			for (;;) {
				const remaining = lastFrameAt + pingInterval + pingTimeout - Date.now();
				if (remaining <= 0) {
					finish('timeout', 'no heartbeat');
					return;
				}
				if (!(await wait(remaining, signal))) return;
			}
		};
		// Application keep-alive: `keepalive` with the token after keepAliveMs without an event.
		const keepAlive = async () => {
			for (;;) {
				const remaining = lastEventAt + this.keepAliveMs - Date.now();
				if (remaining <= 0) {
					for (const name of this.keepAliveEvents) send(encodeEvent(name, this.session.token));
					this.stats.keepalives++;
					lastEventAt = Date.now();
					continue;
				}
				if (!(await wait(remaining, signal))) return;
			}
		};
		// Refresh the token refreshMargin before it expires, then reconnect to main with it.
		const refresher = async () => {
			let attempt = 0;
			for (;;) {
				const expiresAt = this.session.tokenExpiresAt;
				if (expiresAt === null) return;
				const due = Math.max(expiresAt - this.refreshMarginMs - Date.now(), MIN_REFRESH_INTERVAL_MS);
				if (!(await wait(due, signal))) return;
				try {
					await this.reauthenticate();
				} catch (error) {
					if (signal.aborted) return;
					if (this.options.isAuthError?.(error)) {
						this.options.onFatal?.(error instanceof Error ? error : new Error(String(error)));
						finish('aborted', 'credentials refused');
						this.controller.abort();
						return;
					}
					// Keep the socket while it lasts; try again after the back-off.
					this.log('warn', 'Voicenter token refresh failed; will retry', {
						error: error instanceof Error ? error.message : String(error),
					});
					if (!(await wait(connectErrorDelay(attempt++, this.reconnectBaseMs), signal))) return;
					continue;
				}
				if (signal.aborted) return;
				finish('refresh');
				return;
			}
		};

		void handshake();
		const outcome = await result;
		// Wait for the socket to be closed (bounded, in case the peer never answers the close).
		const grace = new AbortController();
		await Promise.race([socketClosed.then(() => grace.abort()), wait(2_000, grace.signal)]);
		grace.abort();
		ws.onmessage = null;
		ws.onerror = null;
		ws.onclose = null;
		return outcome;
	}
}
