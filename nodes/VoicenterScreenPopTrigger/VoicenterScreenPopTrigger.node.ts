import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, sleep } from 'n8n-workflow';

import {
	checkRequestSecurity,
	readWebhookSecurity,
	secretHeaderName,
	securityProperties,
	webhookSecretCredentialTest,
} from '../shared/webhookSecurity';
import {
	BodyReadError,
	installAnswerGuard,
	mediaType,
	queryParams,
	readRawBody,
	sendAnswer,
	sendJson,
	type GuardResult,
	type WebhookRequestLike,
	type WebhookResponseLike,
} from '../shared/webhookHttp';

/**
 * Identical requests in flight (ten extensions ringing → ten browsers ask at once), per
 * workflow + node + call. In-process only: with "Answer Identical Requests Once" on, followers
 * wait for the first request's answer instead of starting their own execution.
 */
const inFlight = new Map<string, { answer: Promise<GuardResult>; expiresAt: number }>();
const SHARE_GRACE_MS = 3000;
const MAX_IN_FLIGHT = 1000;

function pruneInFlight(now: number): void {
	for (const [k, v] of inFlight) if (v.expiresAt <= now) inFlight.delete(k);
	while (inFlight.size > MAX_IN_FLIGHT) inFlight.delete(inFlight.keys().next().value as string);
}

async function waitFor<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
	const abort = new AbortController();
	const timer = sleep(ms, abort.signal).then(
		() => undefined,
		() => undefined,
	);
	try {
		return await Promise.race([p, timer]);
	} finally {
		abort.abort();
	}
}

export const SCREEN_POP_FIELDS = ['phone', 'ivrid', 'extenUser', 'did', 'statusCall'] as const;

/** The "unknown caller" answer (§5.4: STATUS OK, TOTAL 0, no URL). */
export const UNKNOWN_CALLER = { STATUS: 'OK', TOTAL: 0 };

/** CORS headers for the agent's browser (the Chrome extension calls from the agent's PC). */
export function corsHeaders(allowedOrigins: string, requestOrigin: string | undefined, extraHeader?: string) {
	const list = allowedOrigins
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '');
	let origin = '*';
	if (list.length && !list.includes('*'))
		origin = requestOrigin && list.includes(requestOrigin) ? requestOrigin : list[0];
	const headers: Record<string, string> = {
		'Access-Control-Allow-Origin': origin,
		'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
		'Access-Control-Allow-Headers': ['Content-Type', extraHeader].filter(Boolean).join(', '),
	};
	if (origin !== '*') headers.Vary = 'Origin';
	return headers;
}

/** True when a body is a screen-pop answer the extension accepts (STATUS "OK"). */
export function isValidScreenPopBody(status: number, body: string): boolean {
	if (status !== 200) return false;
	try {
		const b = JSON.parse(body) as Record<string, unknown>;
		return !!b && typeof b === 'object' && !Array.isArray(b) && b.STATUS === 'OK';
	} catch {
		return false;
	}
}

export class VoicenterScreenPopTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter Screen Pop Trigger',
		name: 'voicenterScreenPopTrigger',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['trigger'],
		subtitle: 'Pop Up Screen',
		version: 1,
		description:
			'Starts the workflow when the Voicenter Chrome extension asks who is calling (Pop Up Screen); answer with the Voicenter Respond node',
		defaults: { name: 'Voicenter Screen Pop Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'voicenterWebhookApi',
				required: true,
				testedBy: 'voicenterWebhookSecretTest',
				displayOptions: { show: { authentication: ['webhookSecret'] } },
			},
		],
		supportsCORS: true,
		webhooks: [
			{ name: 'default', httpMethod: 'GET', responseMode: 'responseNode', path: 'screen-pop' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'responseNode', path: 'screen-pop' },
		],
		properties: [
			{
				displayName:
					"Put the production URL in the Voicenter Chrome extension settings. Requests come from the agents' browsers (not from Voicenter servers), so the URL must be reachable from the agents' network and an IP allowlist must list the office addresses. Answer with a Voicenter Respond node (Respond To: Screen Pop).",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Call States',
				name: 'statusCall',
				type: 'multiOptions',
				options: [
					{ name: 'Ringing (Incoming)', value: 'Ringing' },
					{ name: 'Dialing (Outgoing)', value: 'Dialing' },
				],
				default: [],
				description:
					'Only start the workflow for these statusCall values; others get the "unknown caller" answer at once. Empty = every state.',
			},
			{
				displayName: 'Allowed Origins (CORS)',
				name: 'allowedOrigins',
				type: 'string',
				default: '*',
				description:
					'Comma-separated origins allowed to read the answer in a browser (e.g. chrome-extension://…), or * for any',
			},
			{
				displayName: 'Answer Identical Requests Once',
				name: 'shareParallel',
				type: 'boolean',
				default: false,
				description:
					"Whether identical requests (same phone, ivrid, did and statusCall — e.g. ten extensions ringing for one call) that arrive together share the first one's answer instead of each starting an execution. Works within one n8n process.",
			},
			{
				displayName: 'Answer Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 0.5, numberPrecision: 1 },
				default: 5,
				description:
					'Time the workflow has to answer; after it, or when the workflow fails, the extension gets the "unknown caller" answer',
			},
			...securityProperties,
		],
	};

	// The Webhook Secret credential's Test button (nothing remote to call: it checks the secret).
	methods = { credentialTest: webhookSecretCredentialTest };

	// The screen-pop URL is typed into the Chrome extension settings by hand: nothing to register.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		try {
			return await handleScreenPopRequest.call(this);
		} catch {
			// Unexpected failure: the extension still gets the "unknown caller" answer.
			const res = this.getResponseObject() as unknown as WebhookResponseLike;
			if (!res.headersSent) sendJson(res, 200, UNKNOWN_CALLER, { 'Access-Control-Allow-Origin': '*' });
			return { noWebhookResponse: true };
		}
	}
}

async function handleScreenPopRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as WebhookRequestLike;
	const res = this.getResponseObject() as unknown as WebhookResponseLike;
	const security = await readWebhookSecurity.call(this);
	const originHeader = req.headers.origin;
	const cors = corsHeaders(
		String(this.getNodeParameter('allowedOrigins', '*') ?? '*'),
		Array.isArray(originHeader) ? originHeader[0] : originHeader,
		secretHeaderName(security),
	);
	const verdict = checkRequestSecurity(req, security);
	if (!verdict.ok) {
		sendJson(res, verdict.status ?? 401, { STATUS: 'ERROR', error: verdict.message }, cors);
		return { noWebhookResponse: true };
	}
	const method = (req.method ?? 'GET').toUpperCase();
	const fields: Record<string, unknown> = { ...queryParams(req) };
	try {
		if (method === 'POST') {
			const raw = await readRawBody(req);
			const media = mediaType(req);
			if (raw.trim() !== '') {
				if (media === 'application/json' || (media === '' && raw.trimStart().startsWith('{'))) {
					const parsed = JSON.parse(raw) as unknown;
					if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
						sendJson(res, 400, { STATUS: 'ERROR', error: 'Body must be a JSON object' }, cors);
						return { noWebhookResponse: true };
					}
					Object.assign(fields, parsed);
				} else if (media === 'application/x-www-form-urlencoded' || media === '' || media === 'text/plain') {
					for (const [k, v] of new URLSearchParams(raw)) fields[k] = v;
				} else {
					sendJson(res, 415, { STATUS: 'ERROR', error: 'Unsupported content type' }, cors);
					return { noWebhookResponse: true };
				}
			}
		}
	} catch (error) {
		const status = error instanceof BodyReadError ? error.status : 400;
		sendJson(res, status, { STATUS: 'ERROR', error: 'Body could not be parsed' }, cors);
		return { noWebhookResponse: true };
	}
	const item: Record<string, string> = {};
	for (const f of SCREEN_POP_FIELDS) {
		const v = fields[f];
		if (v === undefined || v === null) continue;
		if (typeof v === 'number') item[f] = String(v);
		else if (typeof v === 'string' && v.length <= 256) item[f] = v;
		else {
			sendJson(res, 400, { STATUS: 'ERROR', error: `Invalid ${f}` }, cors);
			return { noWebhookResponse: true };
		}
	}
	if (!item.phone) {
		sendJson(res, 400, { STATUS: 'ERROR', error: 'phone is missing' }, cors);
		return { noWebhookResponse: true };
	}
	const states = (this.getNodeParameter('statusCall', []) as string[] | undefined) ?? [];
	if (states.length && !states.some((s) => s.toLowerCase() === (item.statusCall ?? '').toLowerCase())) {
		sendJson(res, 200, UNKNOWN_CALLER, cors);
		return { noWebhookResponse: true };
	}
	const timeoutSeconds = this.getNodeParameter('timeoutSeconds', 5) as number;
	const timeoutMs = Math.max(100, Math.round((Number(timeoutSeconds) || 5) * 1000));
	let shareKey: string | undefined;
	if (this.getNodeParameter('shareParallel', false) === true) {
		const now = Date.now();
		pruneInFlight(now);
		shareKey = JSON.stringify([
			this.getWorkflow().id,
			this.getNode().name,
			item.phone,
			item.ivrid ?? '',
			item.did ?? '',
			item.statusCall ?? '',
		]);
		const leader = inFlight.get(shareKey);
		if (leader) {
			const shared = await waitFor(leader.answer, timeoutMs);
			const body = shared?.body ?? JSON.stringify(UNKNOWN_CALLER);
			sendAnswer(
				res,
				200,
				isValidScreenPopBody(200, body) ? body : JSON.stringify(UNKNOWN_CALLER),
				'application/json; charset=utf-8',
				cors,
			);
			return { noWebhookResponse: true };
		}
	}
	const guard = installAnswerGuard(res, {
		isValid: isValidScreenPopBody,
		fallbackBody: JSON.stringify(UNKNOWN_CALLER),
		contentType: 'application/json; charset=utf-8',
		headers: cors,
		timeoutMs,
	});
	if (shareKey !== undefined) {
		const entry = { answer: guard.outcome, expiresAt: Number.POSITIVE_INFINITY };
		inFlight.set(shareKey, entry);
		void guard.outcome.then(() => (entry.expiresAt = Date.now() + SHARE_GRACE_MS));
	}
	return { workflowData: [[{ json: { ...item, method } as IDataObject }]] };
}
