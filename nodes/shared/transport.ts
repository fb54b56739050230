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
import { checkVoicenterResponse, readOutcome, redact, voicenterApiError } from './errors';
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

function transportError(node: INode, error: unknown, secrets: string[], req: VoicenterRequest): NodeApiError {
	const message = redact(error instanceof Error ? error.message : String(error), secrets);
	return new NodeApiError(node, { message } as JsonObject, {
		message: `Voicenter request failed: ${message}`,
		description: `Could not reach Voicenter for ${req.operation ?? req.path}`,
		itemIndex: req.itemIndex,
	});
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
	for (let attempt = 0; ; attempt++) {
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
		};
		let response: { body: unknown; statusCode: number };
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)) as {
				body: unknown;
				statusCode: number;
			};
		} catch (error) {
			throw transportError(node, error, secrets, req);
		}
		let body: IDataObject;
		try {
			body = decodeBody(response.body);
		} catch (error) {
			throw new NodeApiError(node, {} as JsonObject, {
				message: 'Voicenter returned a response that is neither JSON nor XML-RPC',
				description: redact(error instanceof Error ? error.message : String(error), secrets),
				httpCode: String(response.statusCode),
				itemIndex: req.itemIndex,
			});
		}
		const statusCode = response.statusCode;
		// The limit is documented as HTTP 403; whether the status line matches the body's
		// STATUS_CODE is not (§7.6), so either one counts.
		if (
			req.envelope === 'callLog' &&
			(statusCode === 403 || Number(body.STATUS_CODE) === 403) &&
			attempt < retries
		) {
			const outcome = readOutcome('callLog', body);
			if (outcome.code === 1) {
				await pause(this, req.rateLimitWaitMs ?? 60_000);
				continue;
			}
		}
		if (req.envelope && !req.returnErrors) {
			checkVoicenterResponse(node, req.envelope, body, {
				itemIndex: req.itemIndex,
				httpCode: statusCode >= 400 ? statusCode : undefined,
				operation: req.operation,
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
				},
			);
		}
		return { body, statusCode };
	}
}
