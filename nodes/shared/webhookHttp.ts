/**
 * HTTP plumbing shared by the Voicenter webhook triggers: reading the raw body n8n keeps on the
 * request, writing an answer with only node:http methods (so it works on n8n's express response
 * and on a plain ServerResponse alike), and the answer guard of the IVR and Screen Pop triggers.
 *
 * The answer guard (why and how)
 * ------------------------------
 * With `responseMode: 'responseNode'`, n8n answers the request with whatever the Respond node
 * hands to `sendResponse()`. When the workflow fails before that, n8n answers
 * `500 {"message":"Error in workflow"}`; when it ends without reaching a Respond node, n8n 2.x
 * answers an empty 200 (older versions kept the request open); when it hangs, the request waits.
 * None of these is an answer Voicenter's IVR understands, and a caller would hear silence.
 * So, before handing the request to n8n, the trigger wraps the response object it owns
 * (`getResponseObject()`):
 *  - the first body n8n (or anyone) ends the response with is checked; a valid answer goes out
 *    unchanged, anything else (error 500, empty 200, a malformed Respond to Webhook body) is
 *    replaced by the configured fallback answer with status 200;
 *  - a deadline (n8n-workflow `sleep` with an AbortSignal) answers the fallback when nothing
 *    was sent in time. It counts from when the request reached n8n's HTTP server
 *    (`requestArrival`), not from when the trigger ran, and the timer is armed a little early
 *    (`leadMs`) because a timer fires only when the busy event loop gets to it;
 *  - whatever n8n writes after the answer went out — its late `res.status().setHeaders()
 *    .json()` once the Respond node answers, or its 500 — is dropped silently: every header
 *    method that would throw ERR_HTTP_HEADERS_SENT ("Cannot set headers after they are sent",
 *    which n8n then logs as an error) is fenced, not only setHeader.
 */
import { sleep } from 'n8n-workflow';

/** The request shape the triggers read (n8n's express Request, or node:http in tests). */
export interface WebhookRequestLike {
	method?: string;
	url?: string;
	headers: Record<string, string | string[] | undefined>;
	socket?: { remoteAddress?: string };
	query?: unknown;
	body?: unknown;
	/** n8n keeps the unparsed body here (a Buffer) once it was read. */
	rawBody?: { toString(encoding?: string): string } | string;
	/** n8n's lazy reader of the raw body. */
	readRawBody?: () => Promise<void>;
	/** n8n's parsed media type (lower case, no parameters). */
	contentType?: string;
}

export interface WebhookResponseLike {
	statusCode: number;
	headersSent: boolean;
	setHeader(name: string, value: string | number | readonly string[]): unknown;
	getHeader?(name: string): unknown;
	removeHeader?(name: string): void;
	writeHead(...args: unknown[]): unknown;
	write(...args: unknown[]): unknown;
	end(...args: unknown[]): unknown;
	once?(event: string, listener: () => void): unknown;
}

/** Largest body the triggers accept (bytes); larger bodies get 413 before any parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * The reason every timer of these modules is cancelled with. AbortController.abort() without a
 * reason builds a DOMException (with a stack) each time: about 0.1 ms of CPU per IVR request
 * in n8n's profile, for nothing anyone reads.
 */
export const TIMER_CANCELLED = new Error('timer cancelled');

export class BodyReadError extends Error {
	constructor(
		message: string,
		readonly status: number,
	) {
		super(message);
	}
}

function chunkToString(chunk: unknown): string {
	if (chunk === undefined || chunk === null) return '';
	if (typeof chunk === 'string') return chunk;
	if (chunk instanceof Uint8Array) return Buffer.from(chunk).toString('utf8');
	return String(chunk);
}

/** The raw body as text ('' when there is none). */
export async function readRawBody(req: WebhookRequestLike): Promise<string> {
	if (req.rawBody === undefined && typeof req.readRawBody === 'function') {
		let problem = '';
		try {
			await req.readRawBody();
		} catch (error) {
			problem = (error as Error).message || 'unreadable';
		}
		if (problem) throw new BodyReadError(`Could not read the request body: ${problem}`, 413);
	}
	let text: string;
	if (req.rawBody !== undefined && req.rawBody !== null) {
		text = typeof req.rawBody === 'string' ? req.rawBody : req.rawBody.toString('utf8');
	} else if (typeof req.body === 'string') {
		text = req.body;
	} else if (req.body && typeof req.body === 'object' && Object.keys(req.body).length > 0) {
		// No raw body kept: rebuild it from what n8n parsed (JSON is loss-free for our purposes).
		text = JSON.stringify(req.body);
	} else {
		text = '';
	}
	if (text.length > MAX_BODY_BYTES) throw new BodyReadError('Request body too large', 413);
	return text;
}

/** The media type of the request, lower case, without parameters. */
export function mediaType(req: WebhookRequestLike): string {
	if (req.contentType) return req.contentType.toLowerCase();
	const h = req.headers['content-type'];
	const value = Array.isArray(h) ? h[0] : h;
	return (value ?? '').split(';')[0].trim().toLowerCase();
}

/** Query parameters as single strings (first value wins). */
export function queryParams(req: WebhookRequestLike): Record<string, string> {
	const out: Record<string, string> = {};
	const q = req.query;
	if (q && typeof q === 'object' && Object.keys(q).length > 0) {
		for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
			if (typeof v === 'string') out[k] = v;
			else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
		}
		return out;
	}
	const qs = (req.url ?? '').split('?')[1];
	if (qs) for (const [k, v] of new URLSearchParams(qs)) if (!(k in out)) out[k] = v;
	return out;
}

/** Writes a complete answer with node:http methods only. */
export function sendAnswer(
	res: WebhookResponseLike,
	status: number,
	body: string,
	contentType: string,
	headers: Record<string, string> = {},
): void {
	if (res.headersSent) {
		res.end();
		return;
	}
	res.statusCode = status;
	res.setHeader('Content-Type', contentType);
	res.setHeader('Content-Length', String(Buffer.byteLength(body)));
	for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
	res.end(body);
}

export function sendJson(
	res: WebhookResponseLike,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	sendAnswer(res, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

export type GuardOutcome = 'answered' | 'replaced' | 'timeout' | 'closed';

/**
 * When each request reached n8n's HTTP server (performance.now() milliseconds), recorded by a
 * 'request' listener put in front of n8n's own on the server the request came in on.
 */
const arrivals = new WeakMap<object, number>();
const watchedServers = new WeakSet<object>();

interface RequestEmitter {
	prependListener(event: 'request', listener: (req: object, res: object) => void): unknown;
}

export interface RequestArrival {
	/** performance.now() milliseconds. */
	at: number;
	/**
	 * 'server': the moment n8n's HTTP server emitted the request (before any n8n work on it);
	 * 'trigger': not recorded (the first request after n8n started), so the moment the trigger ran.
	 */
	source: 'server' | 'trigger';
}

/**
 * The answer a route gets at its deadline when n8n has not even reached the trigger by then
 * (learned from the trigger's last request on that route).
 */
export interface EarlyFallback {
	timeoutMs: number;
	leadMs: number;
	fallbackBody: string;
	contentType: string;
	headers?: (req: WebhookRequestLike) => Record<string, string>;
}

/** Route ("POST /webhook/<id>/ivr") → its early fallback. Bounded: oldest routes are forgotten. */
const earlyRoutes = new Map<string, EarlyFallback>();
const MAX_EARLY_ROUTES = 1000;
/** Response → its early deadline timer, and whether that fallback went out. */
const earlyByResponse = new WeakMap<object, { abort: AbortController; fired: boolean }>();

function routeKey(method: string | undefined, url: string | undefined): string {
	return `${(method ?? 'GET').toUpperCase()} ${(url ?? '').split('?')[0]}`;
}

function requestRoute(req: WebhookRequestLike): string {
	return routeKey(req.method, (req as { originalUrl?: string }).originalUrl ?? req.url);
}

/** "fallback;desc=early;dur=2790": how long after the request reached n8n the fallback left. */
function serverTiming(kind: string, since: number): string {
	return `fallback;desc=${kind};dur=${Math.round(performance.now() - since)}`;
}

/** Fences every write of a response the fallback was written to (see installAnswerGuard). */
function fenceLateWrites(res: WebhookResponseLike): void {
	const extras = res as WebhookResponseLike & ResponseExtras;
	res.setHeader = () => res;
	res.writeHead = () => res;
	res.write = (...args: unknown[]) => {
		(args.find((a) => typeof a === 'function') as (() => void) | undefined)?.();
		return true;
	};
	res.end = (...args: unknown[]) => {
		(args.find((a) => typeof a === 'function') as (() => void) | undefined)?.();
		return res;
	};
	if (res.removeHeader) res.removeHeader = () => undefined;
	if (extras.setHeaders) extras.setHeaders = () => res;
	if (extras.appendHeader) extras.appendHeader = () => res;
	if (extras.flushHeaders) extras.flushHeaders = () => undefined;
}

/**
 * Deadlines are also watched by one sweeper that runs while any is pending: it wakes every
 * SWEEP_MS, measures how late it woke (the event loop's current delay) and fires every deadline
 * that the next wake-up, equally late, would miss. So when n8n's event loop is so busy that
 * timers fire a second late, fallbacks leave up to a second early instead of a second late.
 */
const SWEEP_MS = 50;
const pendingDeadlines = new Set<{ fireAt: number; fire: () => void }>();
let sweeping = false;
let loopDelayMs = 0;

async function sweepDeadlines(): Promise<void> {
	if (sweeping) return;
	sweeping = true;
	try {
		while (pendingDeadlines.size) {
			const planned = performance.now() + SWEEP_MS;
			await sleep(SWEEP_MS);
			const now = performance.now();
			const late = Math.max(0, now - planned);
			// Rise at once, decay slowly: a busy loop stays busy for a while.
			loopDelayMs = Math.max(late, loopDelayMs * 0.8);
			fireDueDeadlines(now);
		}
	} finally {
		sweeping = false;
	}
}

/**
 * Fires every deadline that is due (or would be missed by the next, equally late, sweep). Also
 * called whenever one of the triggers' code runs anyway (a request arriving, a trigger called):
 * on a jammed event loop those calls come more often than timers do.
 */
function fireDueDeadlines(now = performance.now()): void {
	for (const d of [...pendingDeadlines]) if (now + loopDelayMs + SWEEP_MS >= d.fireAt) d.fire();
}

/** Runs `fire` at `fireAt` (performance.now() ms) or earlier when the event loop is slow. */
function watchDeadline(fireAt: number, fire: () => void, signal: AbortSignal): void {
	let done = false;
	const entry = {
		fireAt,
		fire: () => {
			if (done) return;
			done = true;
			pendingDeadlines.delete(entry);
			fire();
		},
	};
	signal.addEventListener(
		'abort',
		() => {
			done = true;
			pendingDeadlines.delete(entry);
		},
		{ once: true },
	);
	if (signal.aborted) return;
	pendingDeadlines.add(entry);
	void sweepDeadlines();
	void sleep(Math.max(0, fireAt - performance.now()), signal).then(entry.fire, () => undefined);
}

/**
 * Requests that arrived on a trigger-looking URL ("…/ivr", "…/screen-pop") before any trigger
 * told the listener about that route — the first burst on a new workflow. When the first of
 * them reaches its trigger (`rememberEarlyFallback`), the others get their deadline armed,
 * counted from their own arrival.
 */
const waitingForRoute = new Map<string, Map<object, { req: WebhookRequestLike; at: number }>>();
const MAX_WAITING = 5000;
let waitingCount = 0;
const TRIGGER_PATH = /\/(ivr|screen-pop)$/;

function waitForRoute(key: string, req: WebhookRequestLike, res: WebhookResponseLike, at: number): void {
	if (waitingCount >= MAX_WAITING || !TRIGGER_PATH.test(key)) return;
	let list = waitingForRoute.get(key);
	if (!list) waitingForRoute.set(key, (list = new Map()));
	list.set(res, { req, at });
	waitingCount++;
	res.once?.('close', () => {
		if (list.delete(res)) waitingCount--;
		if (!list.size && waitingForRoute.get(key) === list) waitingForRoute.delete(key);
	});
}

/** Arms the early deadline of a request on a known route (runs in the server's 'request' listener). */
function armEarlyFallback(req: WebhookRequestLike, res: WebhookResponseLike, at: number): void {
	const key = routeKey(req.method, req.url);
	const early = earlyRoutes.get(key);
	if (!early) {
		waitForRoute(key, req, res, at);
		return;
	}
	if (earlyByResponse.has(res)) return;
	const state = { abort: new AbortController(), fired: false };
	earlyByResponse.set(res, state);
	const fire = async () => {
		if (res.headersSent || (res as { writableEnded?: boolean }).writableEnded) return;
		state.fired = true;
		// Read the body before answering (as n8n would): once the caller has its answer it may
		// close the connection, and n8n, still on its way to the trigger, would then fail to
		// read the body and log an error.
		const r = req as WebhookRequestLike & { readableFlowing?: boolean | null };
		if (r.rawBody === undefined && typeof r.readRawBody === 'function' && !r.readableFlowing)
			await Promise.race([r.readRawBody().catch(() => undefined), sleep(100)]);
		if (res.headersSent) return;
		let headers: Record<string, string> = {};
		try {
			headers = early.headers?.(req) ?? {};
		} catch {
			headers = {};
		}
		res.statusCode = 200;
		res.setHeader('Content-Type', early.contentType);
		res.setHeader('Content-Length', String(Buffer.byteLength(early.fallbackBody)));
		res.setHeader('Server-Timing', serverTiming('early', at));
		for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
		res.writeHead(200); // the header block is fixed now; nothing n8n does later can touch it
		const end = res.end.bind(res);
		fenceLateWrites(res);
		end(early.fallbackBody);
	};
	watchDeadline(at + early.timeoutMs - early.leadMs, () => void fire(), state.abort.signal);
	res.once?.('close', () => state.abort.abort(TIMER_CANCELLED));
}

/**
 * When the request reached n8n, as closely as a node can know it. n8n's request object carries
 * no arrival time, and n8n does a lot before a trigger's `webhook()` runs (finding the webhook,
 * loading the workflow from the database, an expression isolate, parsing the body): under load
 * that is seconds. So the first call watches the HTTP server the request came in on (a
 * `prependListener('request')` that notes the time in a WeakMap) and every later request is
 * timed from the moment the server handed it to n8n. For routes a trigger has told it about
 * (`rememberEarlyFallback`), that listener also arms the deadline right away, so the fallback
 * goes out in time even when n8n reaches the trigger only after the deadline.
 */
export function requestArrival(req: WebhookRequestLike): RequestArrival {
	const now = performance.now();
	const server = (req.socket as { server?: unknown } | undefined)?.server as
		| Partial<RequestEmitter>
		| undefined;
	if (server && typeof server.prependListener === 'function' && !watchedServers.has(server)) {
		watchedServers.add(server);
		server.prependListener('request', (r: object, w: object) => {
			const at = performance.now();
			arrivals.set(r, at);
			if (pendingDeadlines.size) fireDueDeadlines(at);
			armEarlyFallback(r as WebhookRequestLike, w as WebhookResponseLike, at);
		});
	}
	if (pendingDeadlines.size) fireDueDeadlines(now);
	const at = arrivals.get(req);
	return at === undefined || at > now ? { at: now, source: 'trigger' } : { at, source: 'server' };
}

/** Tells the server listener what this request's route answers at its deadline from now on. */
export function rememberEarlyFallback(req: WebhookRequestLike, early: EarlyFallback): void {
	const key = requestRoute(req);
	earlyRoutes.delete(key);
	earlyRoutes.set(key, early);
	while (earlyRoutes.size > MAX_EARLY_ROUTES) earlyRoutes.delete(earlyRoutes.keys().next().value as string);
	const waiting = waitingForRoute.get(key);
	if (waiting) {
		waitingForRoute.delete(key);
		waitingCount -= waiting.size;
		for (const [res, w] of waiting)
			if (res !== (req as { res?: unknown }).res) armEarlyFallback(w.req, res as WebhookResponseLike, w.at);
	}
}

/** True when the fallback already went out before the trigger ran (then start no execution). */
export function answeredEarly(res: WebhookResponseLike): boolean {
	return earlyByResponse.get(res)?.fired === true || res.headersSent;
}

export interface AnswerGuardOptions {
	/** True when the body (and status) n8n is about to send is a valid answer. */
	isValid: (status: number, body: string) => boolean;
	/** The fallback answer, sent with 200 when the first body is invalid or nothing came in time. */
	fallbackBody: string;
	contentType: string;
	/** Extra headers put on every answer that leaves through the guard (e.g. CORS). */
	headers?: Record<string, string>;
	/** Deadline in ms (0 = none), counted from `startedAt`. */
	timeoutMs: number;
	/** performance.now() milliseconds the deadline counts from (default: now). */
	startedAt?: number;
	/**
	 * How much earlier than the deadline the fallback timer is armed (ms). A timer callback runs
	 * only when the event loop gets to it; under load that is late, so the fallback leaves a
	 * little early to reach the caller by the deadline.
	 */
	leadMs?: number;
}

export interface GuardResult {
	outcome: GuardOutcome;
	/** The answer that went out (undefined when the client left first). */
	status?: number;
	body?: string;
}

export interface AnswerGuard {
	/** Resolves with what happened to the answer, and the answer itself. */
	outcome: Promise<GuardResult>;
	readonly settled: boolean;
	/** True when the deadline had already passed when the guard was installed (fallback sent). */
	readonly expired: boolean;
}

/** The extra methods of node:http's ServerResponse the guard also fences off. */
interface ResponseExtras {
	setHeaders?: (headers: unknown) => unknown;
	appendHeader?: (name: string, value: unknown) => unknown;
	flushHeaders?: () => void;
}

/** Installs the answer guard on the response (see the file comment). */
export function installAnswerGuard(res: WebhookResponseLike, options: AnswerGuardOptions): AnswerGuard {
	earlyByResponse.get(res)?.abort.abort(TIMER_CANCELLED); // the guard's own deadline takes over
	const extras = res as WebhookResponseLike & ResponseExtras;
	const origEnd = res.end.bind(res);
	const origWriteHead = res.writeHead.bind(res);
	const origSetHeader = res.setHeader.bind(res);
	const origRemoveHeader = res.removeHeader?.bind(res);
	const origSetHeaders = extras.setHeaders?.bind(res);
	const origAppendHeader = extras.appendHeader?.bind(res);
	const origFlushHeaders = extras.flushHeaders?.bind(res);
	const chunks: string[] = [];
	const startedAt = options.startedAt ?? performance.now();
	let settled = false;
	let resolveOutcome!: (o: GuardResult) => void;
	const outcome = new Promise<GuardResult>((resolve) => (resolveOutcome = resolve));
	const abort = new AbortController();

	const finish = (o: GuardOutcome, body?: string) => {
		settled = true;
		abort.abort(TIMER_CANCELLED);
		resolveOutcome({ outcome: o, status: body === undefined ? undefined : 200, body });
	};

	const writeFallback = (o: GuardOutcome) => {
		finish(o, options.fallbackBody);
		if (res.headersSent) {
			origEnd();
			return;
		}
		res.statusCode = 200;
		origRemoveHeader?.('ETag');
		origSetHeader('Content-Type', options.contentType);
		origSetHeader('Content-Length', String(Buffer.byteLength(options.fallbackBody)));
		if (o === 'timeout') origSetHeader('Server-Timing', serverTiming('timeout', startedAt));
		for (const [k, v] of Object.entries(options.headers ?? {})) origSetHeader(k, v);
		origEnd(options.fallbackBody);
	};

	// Whatever writes after the answer went out (n8n's late response: express res.status/
	// setHeaders/json/send/end) is dropped here, silently: node:http would throw
	// ERR_HTTP_HEADERS_SENT from setHeader/setHeaders/appendHeader/removeHeader, and n8n logs it.
	const late = () => settled || res.headersSent;
	res.setHeader = (name: string, value: string | number | readonly string[]) => {
		if (late()) return res;
		return origSetHeader(name, value);
	};
	if (origSetHeaders)
		extras.setHeaders = (headers: unknown) => {
			if (late()) return res;
			return origSetHeaders(headers); // node calls this.setHeader per entry
		};
	if (origAppendHeader)
		extras.appendHeader = (name: string, value: unknown) => {
			if (late()) return res;
			return origAppendHeader(name, value);
		};
	if (origRemoveHeader)
		res.removeHeader = (name: string) => {
			if (late()) return;
			origRemoveHeader(name);
		};
	if (origFlushHeaders)
		extras.flushHeaders = () => {
			// Flushing would send n8n's headers before the guard has seen the body: deferred to end().
		};
	res.writeHead = (...args: unknown[]) => {
		if (res.headersSent) return res;
		if (settled) return origWriteHead(...args); // node's own implicit header during our end()
		// Deferred: remember the status and headers, the guard decides at end().
		if (typeof args[0] === 'number') res.statusCode = args[0];
		const headers = [args[1], args[2]].find((a) => a && typeof a === 'object') as
			| Record<string, string | number>
			| undefined;
		if (headers) for (const [k, v] of Object.entries(headers)) origSetHeader(k, v as string);
		return res;
	};
	res.write = (...args: unknown[]) => {
		const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
		if (!settled) chunks.push(chunkToString(args[0]));
		cb?.();
		return true;
	};
	res.end = (...args: unknown[]) => {
		const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
		if (settled) {
			cb?.();
			return res;
		}
		const chunk = typeof args[0] === 'function' ? undefined : args[0];
		const body = chunks.join('') + chunkToString(chunk);
		let valid = false;
		try {
			valid = res.statusCode >= 200 && res.statusCode < 300 && options.isValid(res.statusCode, body);
		} catch {
			valid = false;
		}
		if (!valid) {
			writeFallback('replaced');
			cb?.();
			return res;
		}
		finish('answered', body);
		for (const [k, v] of Object.entries(options.headers ?? {})) origSetHeader(k, v);
		if (!res.headersSent) origSetHeader('Content-Length', String(Buffer.byteLength(body)));
		origEnd(body);
		cb?.();
		return res;
	};
	res.once?.('close', () => {
		if (!settled) finish('closed');
	});

	let expired = false;
	if (options.timeoutMs > 0) {
		const fireAt = startedAt + options.timeoutMs - Math.max(0, options.leadMs ?? 0);
		if (fireAt - performance.now() <= 0) {
			expired = true;
			writeFallback('timeout');
		} else {
			watchDeadline(
				fireAt,
				() => {
					if (!settled) writeFallback('timeout');
				},
				abort.signal,
			);
		}
	}

	return {
		outcome,
		get settled() {
			return settled;
		},
		get expired() {
			return expired;
		},
	};
}

/**
 * How early the IVR and Screen Pop triggers arm their fallback timer (ms before the deadline):
 * room for writing the answer and a timer that fires a little late. A loop that is much slower
 * is handled by the deadline sweeper, which fires earlier by the delay it measures.
 */
export const ANSWER_LEAD_MS = 200;
