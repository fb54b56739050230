import type {
	IDataObject,
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
	rememberEarlyFallback,
	sendAnswer,
	sendJson,
	ANSWER_LEAD_MS,
	TIMER_CANCELLED,
	type GuardResult,
	type RequestArrival,
	type WebhookRequestLike,
	type WebhookResponseLike,
} from '../shared/webhookHttp';
import { answerInTime, answerTimeoutProperties, manualWebhookMethods } from '../shared/webhookTrigger';

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
		abort.abort(TIMER_CANCELLED);
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
		// 1.1: same parameters and behaviour; n8n no longer evaluates the "binaryData" expression
		// of version-1 trigger nodes while reading the body (one expression isolate per request).
		version: [1, 1.1],
		defaultVersion: 1.1,
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
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>To send a test event</b>: click 'Listen for test event', then put the test URL in the Voicenter Chrome extension's settings and ring an agent's extension, or send the extension's request from a checkout of n8n-nodes-voicenter: <code>npm run simulator:send -- screenpop --url &lt;test URL&gt; --phone 0501234567</code>. <br /><br /><b>In production</b> put the production URL in the extension's settings and publish the workflow.",
				active:
					"<b>To send a test event</b>: click 'Listen for test event', then put the test URL in the Voicenter Chrome extension's settings and ring an agent's extension, or send the extension's request from a checkout of n8n-nodes-voicenter: <code>npm run simulator:send -- screenpop --url &lt;test URL&gt; --phone 0501234567</code>. <br /><br />The workflow is published: requests to the production URL run it and show up in the <a data-key=\"executions\">executions list</a>.",
			},
			activationHint:
				"Once the workflow is built, put the production URL in the agents' Chrome extension settings and publish the workflow.",
		},
		// n8n adds its "Allowed Origins (CORS)" field (parameter allowedOrigins) to nodes that
		// support CORS; the trigger puts that value on every answer it sends, and it overrides the
		// Respond node's own Allowed Origin.
		properties: [
			{
				displayName:
					"Put the production URL in the Voicenter Chrome extension settings. Requests come from the agents' browsers (not from Voicenter servers), so the URL must be reachable from the agents' network and an IP allowlist must list the office addresses. Answer with a Voicenter Respond node (Respond To: Screen Pop). Allowed Origins (CORS), at the end of this panel, decides which browser pages may read the answer (the Chrome extension is chrome-extension://ifiaikfdhcagbagdeflffjdammidpbio).",
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
				displayName: 'Answer Identical Requests Once',
				name: 'shareParallel',
				type: 'boolean',
				default: false,
				description:
					"Whether identical requests (same phone, ivrid, did and statusCall — e.g. ten extensions ringing for one call) that arrive together share the first one's answer instead of each starting an execution. Works within one n8n process: in queue mode, identical requests that reach different webhook processes each start their own execution (at most one per process).",
			},
			...answerTimeoutProperties(
				{ v1: 5, v11: 2.5 },
				{
					v1: 'Time from the request reaching n8n until the extension gets the "unknown caller" answer, if the workflow has not answered by then (or fails)',
					v11: 'Time from the request reaching n8n until the extension gets the "unknown caller" answer, if the workflow has not answered by then (or fails). The pop-up itself waits about 3 s.',
				},
			),
			...securityProperties,
		],
	};

	// The Webhook Secret credential's Test button (nothing remote to call: it checks the secret).
	methods = { credentialTest: webhookSecretCredentialTest };

	// The screen-pop URL is typed into the Chrome extension settings by hand.
	webhookMethods = manualWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		// On an unexpected failure the extension still gets the "unknown caller" answer.
		return await answerInTime(
			this,
			async (arrival) => await handleScreenPopRequest.call(this, arrival),
			(res) => sendJson(res, 200, UNKNOWN_CALLER, { 'Access-Control-Allow-Origin': '*' }),
		);
	}
}

async function handleScreenPopRequest(
	this: IWebhookFunctions,
	arrival: RequestArrival,
): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as WebhookRequestLike;
	const res = this.getResponseObject() as unknown as WebhookResponseLike;
	const security = await readWebhookSecurity.call(this);
	// n8n's own "Allowed Origins (CORS)" field (added to nodes that support CORS) governs.
	const allowedOrigins = String(this.getNodeParameter('allowedOrigins', '*') ?? '*');
	const extraHeader = secretHeaderName(security);
	const corsFor = (r: WebhookRequestLike) => {
		const o = r.headers.origin;
		return corsHeaders(allowedOrigins, Array.isArray(o) ? o[0] : o, extraHeader);
	};
	const cors = corsFor(req);
	const timeoutSeconds = this.getNodeParameter(
		'timeoutSeconds',
		this.getNode().typeVersion >= 1.1 ? 2.5 : 5,
	) as number;
	const timeoutMs = Math.max(100, Math.round((Number(timeoutSeconds) || 5) * 1000));
	const fallbackBody = JSON.stringify(UNKNOWN_CALLER);
	const contentType = 'application/json; charset=utf-8';
	// The next requests on this URL get "unknown caller" at the deadline even if n8n is too busy
	// to reach this node in time.
	rememberEarlyFallback(req, {
		timeoutMs,
		leadMs: ANSWER_LEAD_MS,
		fallbackBody,
		contentType,
		headers: corsFor,
	});
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
			const left = arrival.at + timeoutMs - ANSWER_LEAD_MS - performance.now();
			const shared = left > 0 ? await waitFor(leader.answer, left) : undefined;
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
		fallbackBody,
		contentType,
		headers: cors,
		timeoutMs,
		startedAt: arrival.at,
		leadMs: ANSWER_LEAD_MS,
	});
	// The request waited in n8n longer than the timeout before reaching us: the extension already
	// has the "unknown caller" answer; an execution nobody reads would only delay the next ones.
	if (guard.expired) return { noWebhookResponse: true };
	if (shareKey !== undefined) {
		const entry = { answer: guard.outcome, expiresAt: Number.POSITIVE_INFINITY };
		inFlight.set(shareKey, entry);
		void guard.outcome.then(() => (entry.expiresAt = Date.now() + SHARE_GRACE_MS));
	}
	return { workflowData: [[{ json: { ...item, method } as IDataObject }]] };
}
