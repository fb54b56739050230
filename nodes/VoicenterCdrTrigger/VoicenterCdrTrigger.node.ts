import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	CALL_STATUSES,
	CALL_TYPES,
	CdrParseError,
	cdrDedupeKey,
	decodeCdrBody,
	detectCdrFormat,
	encodeCdrAck,
	lookupCallType,
	normalizeCdr,
	typeKey,
	type CdrFormat,
	type CdrItem,
} from '../shared/cdr';
import {
	checkRequestSecurity,
	readWebhookSecurity,
	securityProperties,
	webhookSecretCredentialTest,
} from '../shared/webhookSecurity';
import {
	BodyReadError,
	mediaType,
	readRawBody,
	sendAnswer,
	type WebhookRequestLike,
	type WebhookResponseLike,
} from '../shared/webhookHttp';

interface SeenStore {
	/** dedupe key → epoch ms of the first delivery */
	seen?: Record<string, number>;
}

/** Remembers a key for `windowMs`; returns true when it was already seen. Bounded to `max` keys. */
export function rememberDelivery(
	store: SeenStore,
	key: string,
	now: number,
	windowMs: number,
	max: number,
): boolean {
	const seen = (store.seen ??= {});
	for (const [k, at] of Object.entries(seen)) if (now - at > windowMs) delete seen[k];
	if (key in seen) return true;
	seen[key] = now;
	const keys = Object.keys(seen);
	if (keys.length > max) {
		keys.sort((a, b) => seen[a] - seen[b]);
		for (const k of keys.slice(0, keys.length - max)) delete seen[k];
	}
	return false;
}

export class VoicenterCdrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter CDR Trigger',
		name: 'voicenterCdrTrigger',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['trigger'],
		subtitle: 'CDR Notification',
		version: 1,
		description:
			'Starts the workflow when Voicenter posts a call detail record (CDR Notification, JSON / XML-RPC / form)',
		defaults: { name: 'Voicenter CDR Trigger' },
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
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// The trigger writes the acknowledgement itself (in the CDR's own format) and returns
				// noWebhookResponse, so n8n sends nothing more.
				responseMode: 'onReceived',
				path: 'cdr',
			},
		],
		properties: [
			{
				displayName:
					'Give Voicenter the production URL in CPanel → API Manager (CDR Notification, "implement the service yourself"). The trigger acknowledges every CDR at once with err 0 / OK in the format it arrived in.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			...securityProperties,
			{
				displayName: 'Call Types',
				name: 'callTypes',
				type: 'multiOptions',
				options: CALL_TYPES.map((t) => ({ name: `${t.name} (${t.id})`, value: t.name })),
				default: [],
				description: 'Only start the workflow for these call types. Empty = every type.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: CALL_STATUSES.map((s) => ({ name: s, value: s })),
				default: [],
				description: 'Only start the workflow for these call results (status). Empty = every status.',
			},
			{
				displayName: 'Minimum Duration (Seconds)',
				name: 'minDuration',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Only start the workflow for calls that lasted at least this long (talk time)',
			},
			{
				displayName: 'Ignore Re-Deliveries',
				name: 'dedupe',
				type: 'boolean',
				default: true,
				description:
					'Whether to acknowledge but not run again for a CDR already received (same ivruniqueid, type and target) within the window. Voicenter re-sends a CDR until it is acknowledged.',
			},
			{
				displayName: 'Re-Delivery Window (Minutes)',
				name: 'dedupeWindowMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1440,
				displayOptions: { show: { dedupe: [true] } },
			},
			{
				displayName: 'Remembered CDRs (Max)',
				name: 'dedupeMaxEntries',
				type: 'number',
				typeOptions: { minValue: 10 },
				default: 5000,
				displayOptions: { show: { dedupe: [true] } },
				description: 'Upper bound of the CDR keys kept in the workflow static data; the oldest go first',
			},
		],
	};

	// The Webhook Secret credential's Test button (nothing remote to call: it checks the secret).
	methods = { credentialTest: webhookSecretCredentialTest };

	// Voicenter CDR webhooks are configured by hand in CPanel → API Manager: there is no API to
	// register or remove them, so the lifecycle methods only report success.
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
			return await handleCdrRequest.call(this);
		} catch {
			// Unexpected failure: "application error" (err 2) with a 5xx, so Voicenter re-sends later.
			const res = this.getResponseObject() as unknown as WebhookResponseLike;
			if (!res.headersSent) {
				const a = encodeCdrAck('json', 2, 'Application error');
				sendAnswer(res, 500, a.body, a.contentType);
			}
			return { noWebhookResponse: true };
		}
	}
}

async function handleCdrRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as WebhookRequestLike;
	const res = this.getResponseObject() as unknown as WebhookResponseLike;
	const ack = (status: number, format: CdrFormat, err: 0 | 1 | 2, errdesc: string) => {
		const a = encodeCdrAck(format, err, errdesc);
		sendAnswer(res, status, a.body, a.contentType);
	};
	const security = await readWebhookSecurity.call(this);
	const verdict = checkRequestSecurity(req, security);
	if (!verdict.ok) {
		ack(verdict.status ?? 401, 'json', 2, verdict.message ?? 'Unauthorized');
		return { noWebhookResponse: true };
	}

	let format: CdrFormat = 'json';
	let cdr: CdrItem;
	try {
		const raw = await readRawBody(req);
		const detected = detectCdrFormat(mediaType(req), raw);
		if (!detected) {
			ack(415, 'json', 1, 'Parse error: unsupported content type (send JSON, XML-RPC or form-urlencoded)');
			return { noWebhookResponse: true };
		}
		format = detected;
		cdr = normalizeCdr(decodeCdrBody(format, raw), format);
	} catch (error) {
		if (error instanceof BodyReadError) {
			ack(error.status, format, 1, `Parse error: ${error.message}`);
		} else if (error instanceof CdrParseError) {
			ack(400, format, 1, `Parse error: ${error.message}`);
		} else {
			ack(400, format, 1, 'Parse error');
		}
		return { noWebhookResponse: true };
	}

	// Acknowledge at once so Voicenter does not re-send (§6.5); filtered and repeated CDRs too.
	ack(200, format, 0, 'OK');

	const callTypes = (this.getNodeParameter('callTypes', []) as string[] | undefined) ?? [];
	if (callTypes.length) {
		const wanted = new Set(callTypes.map((t) => lookupCallType(t)?.id ?? typeKey(t)));
		if (!wanted.has(cdr.typeId ?? typeKey(String(cdr.type ?? '')))) return { noWebhookResponse: true };
	}
	const statuses = (this.getNodeParameter('statuses', []) as string[] | undefined) ?? [];
	if (statuses.length && !statuses.includes(String(cdr.status ?? '').toUpperCase())) {
		return { noWebhookResponse: true };
	}
	const minDuration = Number(this.getNodeParameter('minDuration', 0)) || 0;
	if (minDuration > 0 && !(typeof cdr.duration === 'number' && cdr.duration >= minDuration)) {
		return { noWebhookResponse: true };
	}
	if (this.getNodeParameter('dedupe', true) !== false) {
		const windowMs = (Number(this.getNodeParameter('dedupeWindowMinutes', 1440)) || 1440) * 60_000;
		const max = Number(this.getNodeParameter('dedupeMaxEntries', 5000)) || 5000;
		const store = this.getWorkflowStaticData('node') as SeenStore;
		if (rememberDelivery(store, cdrDedupeKey(cdr), Date.now(), windowMs, max)) {
			return { noWebhookResponse: true };
		}
	}
	return { noWebhookResponse: true, workflowData: [[{ json: cdr as IDataObject }]] };
}
