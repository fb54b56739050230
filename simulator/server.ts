/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped in dist */
/**
 * Voicenter simulator: a local HTTP server implementing the documented Voicenter endpoints
 * (and VoIPe's), with state, the documented validation and error codes, rate limits and
 * configurable latency. It records every request it receives so tests can assert on them.
 *
 * The three Voicenter hosts (and the others) are served on one port under a prefix each:
 *   http://127.0.0.1:<port>/api        → api.voicenter.com
 *   http://127.0.0.1:<port>/monapisec  → monapisec.voicenter.co.il
 *   http://127.0.0.1:<port>/monitor    → monitor.voicenter.co.il
 * so a request sent to the wrong host is a 404, as it would be for real.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { createRng, type Rng } from './rng';
import { registerAllRoutes } from './routes';
import type {
	RecordedRequest,
	RouteHandler,
	SimHost,
	SimResponse,
	Simulator,
	SimulatorOptions,
} from './types';

export type {
	RecordedRequest,
	RouteHandler,
	SimHost,
	SimRequest,
	SimResponse,
	Simulator,
	SimulatorOptions,
} from './types';

export const DEFAULT_ACCOUNT_CODE = 'SIM-ACCOUNT-CODE-0001';

/**
 * A fault injected by count (never by time): the Nth..Mth request (1-based, counted per rule)
 * matching host/path/method gets the fault instead of its answer.
 */
export interface FaultRule {
	host?: SimHost;
	/** Path without the host prefix, compared ignoring case; omit for every path. */
	path?: string;
	method?: string;
	/** First and last matching request (1-based, inclusive) that get the fault; to defaults to from. */
	from?: number;
	to?: number;
	/**
	 * reset: destroy the connection without an answer (the client sees ECONNRESET / socket hang up);
	 * hang: accept and never answer (until stop()); status: answer that status (e.g. 503) with body.
	 * The request is recorded in `requests` in every case, and `faulted` is set on it.
	 */
	action: 'reset' | 'hang' | { status: number; body?: unknown; contentType?: string };
	/** Whether the fault happens before the route runs (default) or after it (the write was done). */
	after?: boolean;
}

interface ActiveFault extends FaultRule {
	seen: number;
	hits: number;
}

interface Route {
	host: SimHost;
	method: string;
	path: string;
	handler: RouteHandler;
}

export class VoicenterSimulator implements Simulator {
	readonly options: SimulatorOptions;

	readonly requests: RecordedRequest[] = [];

	/** Free-form state of the route modules, keyed by area ("blacklist", "dialer"…). */
	state: Record<string, unknown> = {};

	rng: Rng;

	latencyMs: number;

	private routes: Route[] = [];

	private server?: http.Server;

	private resetHooks: Array<() => void> = [];

	private faults: ActiveFault[] = [];

	/** Echo mode (see SimulatorOptions.echoRequests); may be switched at any time. */
	echoRequests = false;

	private sockets = new Set<import('node:net').Socket>();

	url = '';

	constructor(options: SimulatorOptions = {}) {
		this.options = options;
		this.latencyMs = options.latencyMs ?? 0;
		this.echoRequests = options.echoRequests === true;
		this.rng = createRng(options.seed ?? 1);
		registerAllRoutes(this);
		this.reset();
	}

	get accountCodes(): string[] {
		return this.options.accountCodes ?? [DEFAULT_ACCOUNT_CODE];
	}

	isValidAccountCode(code: unknown): boolean {
		return typeof code === 'string' && this.accountCodes.includes(code);
	}

	/** Base URL of one simulated host, e.g. baseUrl('api'). */
	baseUrl(host: SimHost): string {
		return `${this.url}/${host}`;
	}

	/** Credentials data for the Voicenter API credential pointing at this simulator. */
	voicenterCredentials(accountCode = this.accountCodes[0]): Record<string, string> {
		return {
			accountCodeSecret: accountCode,
			apiBaseUrl: this.baseUrl('api'),
			monapisecBaseUrl: this.baseUrl('monapisec'),
			monitorBaseUrl: this.baseUrl('monitor'),
		};
	}

	route(host: SimHost, method: string | string[], path: string, handler: RouteHandler): void {
		for (const m of Array.isArray(method) ? method : [method]) {
			this.routes.push({ host, method: m.toUpperCase(), path, handler });
		}
	}

	/** Registers a function run on every reset() to rebuild a module's state. */
	onReset(hook: () => void): void {
		this.resetHooks.push(hook);
	}

	reset(): void {
		this.state = {};
		this.rng = createRng(Number(this.options.seed ?? 1));
		this.requests.length = 0;
		this.faults = [];
		this.echoRequests = this.options.echoRequests === true;
		for (const hook of this.resetHooks) hook();
	}

	/** Injects a fault (see FaultRule); cleared by reset() and clearFaults(). Returns a handle with its hit count. */
	addFault(rule: FaultRule): { readonly hits: number } {
		const fault: ActiveFault = { ...rule, seen: 0, hits: 0 };
		this.faults.push(fault);
		return {
			get hits() {
				return fault.hits;
			},
		};
	}

	clearFaults(): void {
		this.faults = [];
	}

	private matchFault(recorded: RecordedRequest, after: boolean): ActiveFault | undefined {
		for (const f of this.faults) {
			if (Boolean(f.after) !== after) continue;
			if (f.host !== undefined && f.host !== recorded.host) continue;
			if (f.path !== undefined && f.path.toLowerCase() !== recorded.path.toLowerCase()) continue;
			if (f.method !== undefined && f.method.toUpperCase() !== recorded.method) continue;
			f.seen++;
			const from = f.from ?? 1;
			const to = f.to ?? from;
			if (f.seen >= from && f.seen <= to) {
				f.hits++;
				return f;
			}
		}
		return undefined;
	}

	/** Applies a fault; true when the response is taken care of (reset / hang). */
	private applyFault(
		fault: ActiveFault,
		recorded: RecordedRequest,
		res: http.ServerResponse,
	): SimResponse | 'done' {
		const action = fault.action;
		if (action === 'reset') {
			recorded.faulted = 'reset';
			res.socket?.destroy();
			return 'done';
		}
		if (action === 'hang') {
			recorded.faulted = 'hang';
			// Never answer: the socket stays open until the client gives up or stop() runs.
			return 'done';
		}
		recorded.faulted = `status ${action.status}`;
		return {
			status: action.status,
			body: action.body ?? `<html><body><h1>${action.status} Service Unavailable</h1></body></html>`,
			contentType: action.contentType ?? (typeof action.body === 'object' ? undefined : 'text/html'),
		};
	}

	/** Echo mode: repeats the request in the answer's message fields (and as `Request`). */
	private echo(recorded: RecordedRequest, response: SimResponse): SimResponse {
		const text = `[request ${recorded.method} ${recorded.url ?? ''} body ${recorded.rawBody}]`;
		const isError = (response.status ?? 200) >= 400;
		const messageKeys = ['ERRORMESSAGE', 'ERROR_DESCRIPTION', 'ErrorMessage', 'Message', 'DESC', 'Description', 'message', 'error'];
		const patch = (o: Record<string, unknown>): Record<string, unknown> => {
			const out = { ...o };
			let touched = false;
			for (const k of Object.keys(out)) {
				if (messageKeys.includes(k.trim()) && (typeof out[k] === 'string' || out[k] === undefined)) {
					out[k] = `${String(out[k] ?? '')} ${text}`;
					touched = true;
				}
			}
			const errorish = isError || /^(error|fail|false)/i.test(String(out.status ?? out.response ?? ''));
			if (!touched && errorish) out.message = text;
			out.Request = { url: recorded.url, body: recorded.body ?? recorded.rawBody };
			return out;
		};
		const body = response.body;
		if (Array.isArray(body)) {
			return { ...response, body: body.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? patch(x as Record<string, unknown>) : x)) };
		}
		if (body && typeof body === 'object') return { ...response, body: patch(body as Record<string, unknown>) };
		if (typeof body === 'string' && (isError || !/^\s*</.test(body))) return { ...response, body: `${body} ${text}` };
		return response;
	}

	clearRequests(): void {
		this.requests.length = 0;
	}

	/** Requests received for one host and path (path compared exactly). */
	requestsTo(host: SimHost, path?: string): RecordedRequest[] {
		return this.requests.filter((r) => r.host === host && (path === undefined || r.path === path));
	}

	async start(): Promise<string> {
		this.server = http.createServer((req, res) => {
			void this.handle(req, res);
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server.keepAliveTimeout = 5000;
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
		});
		const address = this.server.address() as AddressInfo;
		this.url = `http://${this.options.host ?? '127.0.0.1'}:${address.port}`;
		return this.url;
	}

	/** The underlying HTTP server (the realtime module attaches its WebSocket upgrade here). */
	get httpServer(): http.Server | undefined {
		return this.server;
	}

	async stop(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		if (!this.server) return;
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://simulator');
		const [, host = '', ...rest] = url.pathname.split('/');
		const path = `/${rest.join('/')}`;
		const query: Record<string, string | string[]> = {};
		for (const [k, v] of url.searchParams) {
			const prev = query[k];
			query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
		}
		let body: unknown;
		const contentType = String(req.headers['content-type'] ?? '');
		if (rawBody) {
			if (contentType.includes('application/x-www-form-urlencoded')) {
				body = Object.fromEntries(new URLSearchParams(rawBody));
			} else {
				try {
					body = JSON.parse(rawBody);
				} catch {
					body = undefined;
				}
			}
		}
		const recorded: RecordedRequest = {
			host,
			method: (req.method ?? 'GET').toUpperCase(),
			path,
			query,
			headers: req.headers,
			rawBody,
			body,
			at: Date.now(),
			remoteAddress: req.socket.remoteAddress,
			url: req.url,
		};
		this.requests.push(recorded);
		const before = this.matchFault(recorded, false);
		if (before) {
			const applied = this.applyFault(before, recorded, res);
			if (applied === 'done') return;
			this.write(res, this.echoRequests ? this.echo(recorded, applied) : applied);
			return;
		}
		const params: Record<string, unknown> = { ...query };
		if (body && typeof body === 'object' && !Array.isArray(body)) Object.assign(params, body);
		// A path ending in `*` matches every path under it (e.g. recording files).
		const route = this.routes.find(
			(r) =>
				r.host === host &&
				(r.path === path || (r.path.endsWith('*') && path.startsWith(r.path.slice(0, -1)))) &&
				r.method === recorded.method,
		);
		let response: SimResponse;
		try {
			if (!route) {
				response = {
					status: 404,
					body: { error: `No simulated endpoint ${recorded.method} /${host}${path}` },
				};
			} else {
				response = await route.handler({ ...recorded, params }, this);
			}
		} catch (error) {
			response = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
		}
		if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
		const afterFault = this.matchFault(recorded, true);
		if (afterFault) {
			const applied = this.applyFault(afterFault, recorded, res);
			if (applied === 'done') return;
			response = applied;
		}
		this.write(res, this.echoRequests ? this.echo(recorded, response) : response);
	}

	private write(res: http.ServerResponse, response: SimResponse): void {
		// Binary bodies (recordings): a Buffer is sent as it is, a stream is piped.
		if (Buffer.isBuffer(response.body) || response.body instanceof Readable) {
			res.writeHead(response.status ?? 200, {
				'Content-Type': response.contentType ?? 'application/octet-stream',
				...response.headers,
			});
			if (Buffer.isBuffer(response.body)) res.end(response.body);
			else response.body.pipe(res);
			return;
		}
		const payload =
			typeof response.body === 'string'
				? response.body
				: response.body === undefined
					? ''
					: JSON.stringify(response.body);
		res.writeHead(response.status ?? 200, {
			'Content-Type':
				response.contentType ??
				(typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
			...response.headers,
		});
		res.end(payload);
	}
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<VoicenterSimulator> {
	const sim = new VoicenterSimulator(options);
	await sim.start();
	return sim;
}
