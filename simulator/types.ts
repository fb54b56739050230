/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped in dist */
/**
 * The simulator's types, in a module of their own so that the route modules (which the
 * server registers) take their types from here rather than from server.ts: no import circle.
 * `Simulator` is what a route module may use of the running simulator.
 */
import type http from 'node:http';

import type { Rng } from './rng';

export type SimHost = string;

export interface RecordedRequest {
	host: SimHost;
	method: string;
	/** Path without the host prefix and without the query string, e.g. /ForwardDialer/click2call.aspx */
	path: string;
	query: Record<string, string | string[]>;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	/** Parsed JSON body (or form fields), undefined when the body was empty or unparseable. */
	body: unknown;
	at: number;
	/** The request URL as received (path and query string), to check no secret is in it. */
	url?: string;
	/** The client's IP address (Call Log checks it against its trusted IPs). */
	remoteAddress?: string;
	/** Set when an injected fault answered this request instead of (or after) its route. */
	faulted?: string;
}

export interface SimRequest extends RecordedRequest {
	/** JSON body fields merged over query parameters (Voicenter accepts GET and POST-JSON). */
	params: Record<string, unknown>;
}

export interface SimResponse {
	status?: number;
	/** An object is sent as JSON; a string as it is. */
	body?: unknown;
	contentType?: string;
	headers?: Record<string, string>;
}

export type RouteHandler = (req: SimRequest, sim: Simulator) => SimResponse | Promise<SimResponse>;

export interface SimulatorOptions {
	port?: number;
	host?: string;
	/** Seed of the deterministic data sets (CDRs, call ids). */
	seed?: number;
	/** Latency added to every response, in ms. */
	latencyMs?: number;
	/** Account codes the simulator accepts. */
	accountCodes?: string[];
	/** Call Log: number of seeded CDRs, per-request row cap, rate limit and its window. */
	callLog?: {
		totalCdrs?: number;
		maxRows?: number;
		requestsPerWindow?: number;
		windowMs?: number;
		fromEpoch?: number;
		toEpoch?: number;
		/** Client IPs Call Log accepts (default 127.0.0.1 and ::1); others get error 4. */
		trustedIps?: string[];
		/** Longest range one request may cover before "Out of range" (default 366 days). */
		maxRangeDays?: number;
		/** Test switch: ignore the requested sort. */
		ignoreSort?: boolean;
	};
	/** Answer Click2Call in XML-RPC even when JSON was asked for. */
	click2callAlwaysXml?: boolean;
	/**
	 * Echo mode: every answer that carries a message (and every HTTP error) repeats the request
	 * it answers — URL, query and body, so the account code too — as some servers do in their
	 * error texts. Tests use it to prove that no secret leaks out of the node.
	 */
	echoRequests?: boolean;
	/** Extra options for the route modules of other areas (dialer, voipe, realtime…). */
	[key: string]: unknown;
}

/** What the route modules use of the simulator (implemented by VoicenterSimulator in server.ts). */
export interface Simulator {
	readonly options: SimulatorOptions;
	readonly requests: RecordedRequest[];
	/** Free-form state of the route modules, keyed by area ("blacklist", "dialer"…). */
	state: Record<string, unknown>;
	rng: Rng;
	latencyMs: number;
	url: string;
	readonly accountCodes: string[];
	isValidAccountCode(code: unknown): boolean;
	/** Base URL of one simulated host, e.g. baseUrl('api'). */
	baseUrl(host: SimHost): string;
	route(host: SimHost, method: string | string[], path: string, handler: RouteHandler): void;
	/** Registers a function run on every reset() to rebuild a module's state. */
	onReset(hook: () => void): void;
	requestsTo(host: SimHost, path?: string): RecordedRequest[];
}
