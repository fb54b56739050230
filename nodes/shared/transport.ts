/**
 * The one request function of the Voicenter node. Every call goes through
 * `httpRequestWithAuthentication` (the credential puts the account code into the JSON body,
 * never into the URL), the response is decoded from JSON or XML-RPC, and Voicenter's error
 * envelope is mapped to a NodeApiError by ../../shared/errors.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { VoicenterEnvelope } from './errors';
import {
	checkVoicenterResponse,
	containsSecret,
	readOutcome,
	redact,
	redactDeep,
	redactError,
	voicenterApiError,
} from './errors';
import { decodeXmlRpc, looksLikeXml } from './xmlrpc';

export type VoicenterHost = 'api' | 'monapisec' | 'monitor';

export const CREDENTIAL_NAME = 'voicenterApi';

const HOST_FIELD: Record<VoicenterHost, string> = {
	api: 'apiBaseUrl',
	monapisec: 'monapisecBaseUrl',
	monitor: 'monitorBaseUrl',
};

const HOST_DEFAULT: Record<VoicenterHost, string> = {
	api: 'https://api.voicenter.com',
	monapisec: 'https://monapisec.voicenter.co.il',
	monitor: 'https://monitor.voicenter.co.il',
};

type Context = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface VoicenterRequest {
	host: VoicenterHost;
	/** Path exactly as documented, e.g. `/ForwardDialer/click2call.aspx` (casing matters, §17). */
	path: string;
	body?: IDataObject | IDataObject[];
	method?: IHttpRequestMethods;
	/** Which error envelope the endpoint uses; omit to skip error mapping. */
	envelope?: VoicenterEnvelope;
	itemIndex?: number;
	/** Human label for error descriptions ("Click2Call"). */
	operation?: string;
	/** Return error bodies instead of throwing (for per-item result handling). */
	returnErrors?: boolean;
	/**
	 * On Call Log's documented "Request limit exceeded" (403, ERROR_NUMBER 1), wait and retry
	 * this many times (with n8n-workflow's sleep) before failing.
	 */
	rateLimitRetries?: number;
	rateLimitWaitMs?: number;
	/**
	 * How long one attempt may wait for Voicenter's answer. Default: the node's Request Options →
	 * Timeout, else DEFAULT_TIMEOUT_SECONDS.
	 */
	timeoutMs?: number;
	/**
	 * Whether the request may be sent again after a connection reset or a 502/503/504. Default:
	 * decided by endpoint (isSafeToRetry): reads yes, writes never.
	 */
	retryTransient?: boolean;
}

/** Default of the Timeout option (seconds): a host that accepts and never answers fails then. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** Attempts after the first for a safe read that met a transient fault, and the first wait. */
export const TRANSIENT_RETRIES = 3;
export const TRANSIENT_BACKOFF_MS = 500;

/**
 * Endpoints that only read, so sending them again changes nothing at Voicenter (lowercase
 * paths). Click2Call, Blacklist, Mute and every Dialer write are absent on purpose: a reset
 * after the request was sent does not tell whether Voicenter acted on it.
 */
const SAFE_READ_PATHS = new Set(
	[
		'/hub/cdr',
		'/hub/cdr/',
		'/comet/api/getextensions',
		'/comet/api/getextensionscalls',
		'/comet/api/getqueuescallers',
		'/forwarddialer/dialer/getcampaignlist',
		'/forwarddialer/dialer/getcampaigndetails',
		'/forwarddialer/dialer/getcampaignpendingcalls',
		'/forwarddialer/dialer/getmemberslist',
	].map((p) => p.toLowerCase()),
);

/** Whether a request to this path may be repeated after a transient fault (reads only). */
export function isSafeToRetry(req: Pick<VoicenterRequest, 'path' | 'retryTransient'>): boolean {
	if (req.retryTransient !== undefined) return req.retryTransient;
	return SAFE_READ_PATHS.has(req.path.split('?')[0].toLowerCase());
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'EAI_AGAIN']);
const TRANSIENT_STATUS = new Set([502, 503, 504]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Error codes and messages along an error's cause chain (n8n wraps the HTTP client's error). */
function errorTrail(error: unknown): { codes: string[]; text: string } {
	const codes: string[] = [];
	const texts: string[] = [];
	let e: unknown = error;
	for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
		const o = e as { code?: unknown; message?: unknown; cause?: unknown; errorResponse?: unknown };
		if (typeof o.code === 'string') codes.push(o.code);
		if (typeof o.message === 'string') texts.push(o.message);
		e = o.cause ?? o.errorResponse;
	}
	return { codes, text: texts.join(' | ') };
}

/** A timeout of our own (the Timeout option), as opposed to a cancelled execution. */
export function isTimeoutError(error: unknown): boolean {
	const { codes, text } = errorTrail(error);
	return codes.some((c) => TIMEOUT_CODES.has(c)) || /\btimeout\b|timed out/i.test(text);
}

/** A connection that broke before an answer: reset, hang-up, refused. */
export function isConnectionFault(error: unknown): boolean {
	const { codes, text } = errorTrail(error);
	if (isTimeoutError(error)) return false;
	return codes.some((c) => TRANSIENT_CODES.has(c)) || /socket hang up|ECONNRESET|other side closed|EPIPE/i.test(text);
}

function readTimeoutMs(ctx: Context, req: VoicenterRequest): number {
	if (req.timeoutMs !== undefined && req.timeoutMs > 0) return req.timeoutMs;
	let seconds: unknown;
	try {
		// An execution reads the item's value; a dropdown (loadOptions) the node's current one.
		seconds =
			'getInputData' in ctx
				? ctx.getNodeParameter('requestOptions.timeout', req.itemIndex ?? 0, DEFAULT_TIMEOUT_SECONDS)
				: ctx.getNodeParameter('requestOptions.timeout', DEFAULT_TIMEOUT_SECONDS);
	} catch {
		seconds = DEFAULT_TIMEOUT_SECONDS;
	}
	const n = Number(seconds);
	return Math.round((Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_SECONDS) * 1000);
}

export interface VoicenterResponse {
	body: IDataObject;
	statusCode: number;
}

interface CachedCredentials {
	baseUrls: Record<VoicenterHost, string>;
	secrets: string[];
}

const credentialCache = new WeakMap<object, Promise<CachedCredentials>>();

async function loadCredentials(ctx: Context): Promise<CachedCredentials> {
	let cached = credentialCache.get(ctx);
	if (!cached) {
		cached = ctx.getCredentials(CREDENTIAL_NAME).then((c) => {
			const baseUrls = {} as Record<VoicenterHost, string>;
			for (const host of Object.keys(HOST_FIELD) as VoicenterHost[]) {
				const value = String(c[HOST_FIELD[host]] ?? '').trim() || HOST_DEFAULT[host];
				baseUrls[host] = value.replace(/\/+$/, '');
			}
			return { baseUrls, secrets: [String(c.accountCodeSecret ?? '')] };
		});
		credentialCache.set(ctx, cached);
	}
	return await cached;
}

/** Decodes a response body that may be JSON, XML-RPC, or already parsed. */
export function decodeBody(raw: unknown): IDataObject {
	if (raw === undefined || raw === null || raw === '') return {};
	if (typeof raw === 'string' || raw instanceof Uint8Array) {
		const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
		if (looksLikeXml(text)) {
			const value = decodeXmlRpc(text);
			return (value && typeof value === 'object' && !Array.isArray(value) ? value : { value }) as IDataObject;
		}
		const parsed = JSON.parse(text) as unknown;
		if (Array.isArray(parsed)) return { __array: parsed } as unknown as IDataObject;
		return (parsed ?? {}) as IDataObject;
	}
	if (Array.isArray(raw)) return { __array: raw } as unknown as IDataObject;
	return raw as IDataObject;
}

function transportError(
	node: INode,
	error: unknown,
	secrets: string[],
	req: VoicenterRequest,
	timeoutMs: number,
	attempts: number,
): NodeApiError {
	const label = req.operation ?? req.path;
	const detail = redact(error instanceof Error ? error.message : String(error), secrets);
	const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
	if (isTimeoutError(error)) {
		const seconds = Math.round(timeoutMs / 100) / 10;
		return redactError(
			new NodeApiError(node, { message: detail } as JsonObject, {
				message: `Voicenter did not answer within ${seconds} s (${label})`,
				description: isSafeToRetry(req)
					? 'The request timed out. Raise Request Options → Timeout if Voicenter is just slow.'
					: 'The request timed out after it was sent: Voicenter may still have carried it out, so check before running it again. Raise Request Options → Timeout if Voicenter is just slow.',
				itemIndex: req.itemIndex,
			}),
			secrets,
		);
	}
	return redactError(
		new NodeApiError(node, { message: detail } as JsonObject, {
			message: `Voicenter request failed: ${detail}${tries}`,
			description: `Could not reach Voicenter for ${label}`,
			itemIndex: req.itemIndex,
		}),
		secrets,
	);
}

/**
 * Waits `ms` with n8n-workflow's sleep, in slices of at most a second, and stops early when
 * the execution is cancelled (this n8n-workflow has no sleepWithAbort), so a rate-limit wait
 * never holds a stopped workflow for a minute.
 */
export async function pause(ctx: Context, ms: number): Promise<void> {
	const signal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
	const end = Date.now() + Math.max(0, ms);
	for (let left = end - Date.now(); left > 0; left = end - Date.now()) {
		if (signal?.aborted)
			throw new NodeOperationError(ctx.getNode(), 'Execution cancelled while waiting for the rate limit');
		await sleep(Math.min(left, 1000));
	}
}

export async function voicenterApiRequest(this: Context, req: VoicenterRequest): Promise<VoicenterResponse> {
	const node = this.getNode();
	const { baseUrls, secrets } = await loadCredentials(this);
	const retries = req.rateLimitRetries ?? 0;
	const timeoutMs = readTimeoutMs(this, req);
	const transientRetries = isSafeToRetry(req) ? TRANSIENT_RETRIES : 0;
	let transientAttempts = 0;
	let rateLimitAttempts = 0;
	for (;;) {
		const options: IHttpRequestOptions = {
			method: req.method ?? 'POST',
			baseURL: baseUrls[req.host],
			url: req.path,
			// An object body: the credential's authenticate() adds the account code to it and
			// n8n serialises it as JSON. The answer is read as text, since Click2Call may answer
			// in XML-RPC whatever format was asked for (§4.3).
			body: req.body ?? {},
			headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/xml;q=0.9' },
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
		};
		let response: { body: unknown; statusCode: number };
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)) as {
				body: unknown;
				statusCode: number;
			};
		} catch (error) {
			if (isConnectionFault(error) && transientAttempts < transientRetries) {
				await pause(this, TRANSIENT_BACKOFF_MS * 2 ** transientAttempts++);
				continue;
			}
			throw transportError(node, error, secrets, req, timeoutMs, transientAttempts + 1);
		}
		const statusCode = response.statusCode;
		if (TRANSIENT_STATUS.has(statusCode) && transientAttempts < transientRetries) {
			await pause(this, TRANSIENT_BACKOFF_MS * 2 ** transientAttempts++);
			continue;
		}
		let body: IDataObject;
		try {
			// An answer that echoes the request carries the account code: it is removed here, before
			// any output item, error or log line can see it.
			// Fast path: a text answer that holds no form of a secret needs no walk over its rows.
			const raw = response.body;
			const rawText =
				typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : undefined;
			const decoded = decodeBody(rawText ?? raw);
			body = rawText !== undefined && !containsSecret(rawText, secrets) ? decoded : redactDeep(decoded, secrets);
		} catch (error) {
			throw redactError(
				new NodeApiError(node, {} as JsonObject, {
					message: TRANSIENT_STATUS.has(statusCode)
						? `Voicenter is unavailable (HTTP ${statusCode})`
						: 'Voicenter returned a response that is neither JSON nor XML-RPC',
					description: redact(error instanceof Error ? error.message : String(error), secrets),
					httpCode: String(statusCode),
					itemIndex: req.itemIndex,
				}),
				secrets,
			);
		}
		// The limit is documented as HTTP 403; whether the status line matches the body's
		// STATUS_CODE is not (§7.6), so either one counts.
		if (
			req.envelope === 'callLog' &&
			(statusCode === 403 || Number(body.STATUS_CODE) === 403) &&
			rateLimitAttempts < retries
		) {
			const outcome = readOutcome('callLog', body);
			if (outcome.code === 1) {
				rateLimitAttempts++;
				await pause(this, req.rateLimitWaitMs ?? 60_000);
				continue;
			}
		}
		if (req.envelope && !req.returnErrors) {
			checkVoicenterResponse(node, req.envelope, body, {
				itemIndex: req.itemIndex,
				httpCode: statusCode >= 400 ? statusCode : undefined,
				operation: req.operation,
				secrets,
			});
		} else if (!req.envelope && statusCode >= 400) {
			throw voicenterApiError(
				node,
				'click2call',
				{ ok: false, code: statusCode, message: `HTTP ${statusCode}` },
				body,
				{
					itemIndex: req.itemIndex,
					httpCode: statusCode,
					operation: req.operation,
					secrets,
				},
			);
		}
		return { body, statusCode };
	}
}
