import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
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
import { manualWebhookMethods } from '../shared/webhookTrigger';
import {
	checkAndRecord,
	installAckGuard,
	legStore,
	claimExecution,
	executionLegs,
	mergePersisted,
	persistedText,
	settleDone,
	settleOnResponse,
	waitForLeg,
	type GuardedResponse,
	type LegStore,
} from '../shared/cdrDelivery';
import {
	BodyReadError,
	mediaType,
	readRawBody,
	sendAnswer,
	type WebhookRequestLike,
	type WebhookResponseLike,
} from '../shared/webhookHttp';

/** Values of the Acknowledge parameter (typeVersion 1.1). */
export const ACK_EXECUTION_CREATED = 'executionCreated';
export const ACK_WORKFLOW_SUCCEEDED = 'workflowSucceeded';

/** The static-data key of the persisted legs (typeVersion 1 kept its keys under `seen`). */
const PERSISTED_KEY = 'legs';

/** How long a copy waits for the outcome of the same leg being handled right now. */
const BUSY_WAIT_MS = { [ACK_EXECUTION_CREATED]: 30_000, [ACK_WORKFLOW_SUCCEEDED]: 120_000 };

/**
 * A webhook-description field n8n can resolve without its expression engine when the node's
 * parameters hold no expression (n8n-workflow's `fromFunction` / `webhookDescriptionFields`,
 * under the global symbol it reads). Older n8n versions evaluate the template instead.
 */
function nativeFields(fields: Record<string, (p: Record<string, unknown>) => string>): IDataObject {
	const templates: Record<string, string> = {};
	const resolvers: Record<string, { template: string; resolve: (p: Record<string, unknown>) => string }> = {};
	for (const [name, fn] of Object.entries(fields)) {
		const template = `={{(${String(fn)})($parameter)}}`;
		templates[name] = template;
		resolvers[name] = { template, resolve: fn };
	}
	return { ...templates, [Symbol.for('n8n.webhookDescriptionResolvers')]: resolvers } as IDataObject;
}

const v11 = { '@version': [{ _cnd: { gte: 1.1 } }] };

const DEDUPE_WINDOW_DEFAULT = 1440;

export class VoicenterCdrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter CDR Trigger',
		name: 'voicenterCdrTrigger',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['trigger'],
		subtitle: 'CDR Notification',
		version: [1, 1.1],
		defaultVersion: 1.1,
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
		triggerPanel: {
			header: 'Send a test CDR to the test URL',
			executionsHelp: {
				inactive:
					'Click "Listen for test event", then make Voicenter post a CDR to the test URL (CPanel → API Manager → CDR Notification), or send one yourself from this package\'s repository: <code>npm run simulator:send -- cdr --url &lt;test URL&gt; --format json</code>. Publish the workflow and give Voicenter the production URL to receive every CDR.',
				active:
					'The workflow is published: every CDR Voicenter posts to the production URL starts an execution (one per call leg). To try changes, unpublish it and use "Listen for test event".',
			},
			activationHint:
				'Once you have finished building your workflow, publish it and give Voicenter the production URL in CPanel → API Manager (CDR Notification).',
		},
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: 'cdr',
				// typeVersion 1 writes the acknowledgement itself inside webhook() (noWebhookResponse).
				// typeVersion 1.1 hands it to n8n: "onReceived" answers once the execution exists
				// (the trigger's webhookResponse), "lastNode" once the workflow has ended (the
				// trigger's guard turns n8n's answer into the acknowledgement). Resolved natively
				// by n8n (no expression engine) when the node's parameters are static.
				...nativeFields({
					responseMode: (p) => (p.acknowledge === 'workflowSucceeded' ? 'lastNode' : 'onReceived'),
					responseData: (p) => (p.acknowledge === 'workflowSucceeded' ? 'noData' : ''),
				}),
			},
		],
		properties: [
			{
				displayName:
					'Give Voicenter the production URL in CPanel → API Manager (CDR Notification, "implement the service yourself"). The trigger answers each CDR with err 0 / OK in the format it arrived in, and starts one execution per call leg.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName:
					'Choose JSON (or form) as the format in CPanel. n8n parses every text/xml webhook body with one shared XML parser before any node runs: one malformed XML body leaves it stuck, and from then on no XML request to this n8n is answered until n8n restarts. JSON and form bodies are not affected.',
				name: 'xmlNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: v11 },
			},
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
				displayName: 'Acknowledge',
				name: 'acknowledge',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'When the Execution Is Created',
						value: ACK_EXECUTION_CREATED,
						description:
							'Answer as soon as n8n has stored the execution (like the Webhook node\'s "Immediately"); a crash before that leaves the CDR unanswered, so Voicenter re-sends it',
					},
					{
						name: 'When the Workflow Has Succeeded',
						value: ACK_WORKFLOW_SUCCEEDED,
						description:
							'Answer when the workflow has ended without error; a failed workflow gets an error answer, so Voicenter re-sends the CDR and it runs again. Voicenter waits the whole run.',
					},
				],
				default: ACK_EXECUTION_CREATED,
				displayOptions: { show: v11 },
			},
			{
				displayName: 'Ignore Re-Deliveries',
				name: 'dedupe',
				type: 'boolean',
				default: true,
				description:
					'Whether to acknowledge but not run again a CDR already received (same ivruniqueid, type and target) within the window. Voicenter re-sends a CDR until it is acknowledged.',
			},
			{
				displayName: 'Re-Delivery Window (Minutes)',
				name: 'dedupeWindowMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEDUPE_WINDOW_DEFAULT,
				displayOptions: { show: { dedupe: [true] } },
			},
			{
				displayName: 'Remembered CDRs (Max)',
				name: 'dedupeMaxEntries',
				type: 'number',
				typeOptions: { minValue: 10 },
				default: 5000,
				displayOptions: { show: { dedupe: [true] } },
				description: 'Upper bound of the call legs n8n keeps in memory to recognise re-deliveries; the oldest go first',
			},
			{
				displayName: 'Remembered Across Restarts (Max)',
				name: 'dedupePersistMax',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1000,
				displayOptions: { show: { dedupe: [true] } },
				description:
					'How many of the most recent call legs are also kept in the workflow\'s static data (12 bytes each), so a restarted n8n still recognises their re-deliveries. 0 = memory only.',
			},
			...securityProperties,
		],
	};

	// The Webhook Secret credential's Test button (nothing remote to call: it checks the secret).
	methods = { credentialTest: webhookSecretCredentialTest };

	// Voicenter CDR webhooks are configured by hand in CPanel → API Manager.
	webhookMethods = manualWebhookMethods;

	/**
	 * The execution's first step (n8n runs a trigger's `execute()` instead of passing its webhook
	 * items through): the items go on unchanged; at typeVersion 1.1 the leg is recorded as run and
	 * persisted with the execution's static data, which n8n saves before it marks the execution
	 * finished (see nodes/shared/cdrDelivery.ts).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (this.getNode().typeVersion < 1.1 || this.getMode() === 'manual') return [items];
		return recordExecutedLeg.call(this, items) ? [items] : [[]];
	}

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

/** The call leg's key, as on the output item (`legKey`). */
export function legKeyOf(cdr: CdrItem): string {
	return cdrDedupeKey(cdr);
}

async function handleCdrRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as WebhookRequestLike;
	const res = this.getResponseObject() as unknown as WebhookResponseLike;
	const version = this.getNode().typeVersion;
	const ack = (status: number, format: CdrFormat, err: 0 | 1 | 2, errdesc: string) => {
		const a = encodeCdrAck(format, err, errdesc);
		sendAnswer(res, status, a.body, a.contentType);
		return { noWebhookResponse: true } as IWebhookResponseData;
	};
	const security = await readWebhookSecurity.call(this);
	const verdict = checkRequestSecurity(req, security);
	if (!verdict.ok) return ack(verdict.status ?? 401, 'json', 2, verdict.message ?? 'Unauthorized');

	let format: CdrFormat = 'json';
	let cdr: CdrItem;
	try {
		const raw = await readRawBody(req);
		const detected = detectCdrFormat(mediaType(req), raw);
		if (!detected) {
			return ack(415, 'json', 1, 'Parse error: unsupported content type (send JSON, XML-RPC or form-urlencoded)');
		}
		format = detected;
		cdr = normalizeCdr(decodeCdrBody(format, raw), format);
	} catch (error) {
		if (error instanceof BodyReadError) return ack(error.status, format, 1, `Parse error: ${error.message}`);
		if (error instanceof CdrParseError) return ack(400, format, 1, `Parse error: ${error.message}`);
		return ack(400, format, 1, 'Parse error');
	}
	const legKey = legKeyOf(cdr);
	if (version >= 1.1) cdr.legKey = legKey;

	// Filtered CDRs: acknowledged at once, no execution.
	const callTypes = (this.getNodeParameter('callTypes', []) as string[] | undefined) ?? [];
	if (callTypes.length) {
		const wanted = new Set(callTypes.map((t) => lookupCallType(t)?.id ?? typeKey(t)));
		if (!wanted.has(cdr.typeId ?? typeKey(String(cdr.type ?? '')))) return ack(200, format, 0, 'OK');
	}
	const statuses = (this.getNodeParameter('statuses', []) as string[] | undefined) ?? [];
	if (statuses.length && !statuses.includes(String(cdr.status ?? '').toUpperCase())) {
		return ack(200, format, 0, 'OK');
	}
	const minDuration = Number(this.getNodeParameter('minDuration', 0)) || 0;
	if (minDuration > 0 && !(typeof cdr.duration === 'number' && cdr.duration >= minDuration)) {
		return ack(200, format, 0, 'OK');
	}

	const ackMode =
		version >= 1.1
			? (this.getNodeParameter('acknowledge', ACK_EXECUTION_CREATED) as string)
			: 'v1';
	const item = [[{ json: cdr as IDataObject }]];
	const okAck = encodeCdrAck(format, 0, 'OK');

	if (this.getNodeParameter('dedupe', true) === false) {
		return startExecution.call(this, res, ackMode, format, item);
	}

	const { windowMs, persistMax } = dedupeSettings((name, fallback) => this.getNodeParameter(name, fallback));
	const max = Number(this.getNodeParameter('dedupeMaxEntries', 5000)) || 5000;
	const manual = this.getMode() === 'manual';
	const store = legStore(legStoreId(this.getWorkflow().id, this.getNode(), manual));
	const staticData = this.getWorkflowStaticData('node');
	const persisted = manual || persistMax === 0 ? undefined : staticData[PERSISTED_KEY];

	for (;;) {
		// Check and record in one synchronous step: two copies handled at once cannot both pass.
		const check = checkAndRecord(store, legKey, persisted, Date.now(), windowMs, max);
		if (check.kind === 'duplicate') return ack(200, format, 0, 'OK');
		if (check.kind === 'busy') {
			// The same leg is being handled right now: answer as its outcome decides.
			const outcome = await waitForLeg(store, legKey, BUSY_WAIT_MS[ackMode as keyof typeof BUSY_WAIT_MS] ?? 30_000);
			if (outcome === 'done') return ack(200, format, 0, 'OK');
			if (outcome === 'timeout') return ack(503, format, 2, 'Application error: the same CDR is still being processed, send it again later');
			continue; // failed or gone: this copy runs the leg
		}
		const entry = check.entry;
		if (ackMode === 'v1') {
			// typeVersion 1: acknowledged at once, before n8n creates the execution; n8n saves the
			// static data (with this leg) before it answers.
			if (!manual && persistMax > 0) {
				staticData[PERSISTED_KEY] = mergePersisted(store, persisted, check.code, Date.now() - windowMs, persistMax);
				if ('seen' in staticData) delete staticData.seen;
			}
			settleDone(store, legKey, entry);
			return { ...ack(200, format, 0, 'OK'), workflowData: item };
		}
		settleOnResponse(res as unknown as GuardedResponse, store, legKey, entry, ackMode === ACK_WORKFLOW_SUCCEEDED);
		return startExecution.call(this, res, ackMode, format, item, okAck);
	}
}

/**
 * The leg of this execution: done in memory; into the execution's static data. False when
 * another execution already ran this leg here: the trigger then hands nothing on (the execution
 * ends at once, its custom data `voicenterDuplicateOf` names the leg).
 */
function recordExecutedLeg(this: IExecuteFunctions, items: INodeExecutionData[]): boolean {
	const legKey = items[0]?.json?.legKey;
	if (typeof legKey !== 'string' || this.getNodeParameter('dedupe', 0, true) === false) return true;
	const ackMode = this.getNodeParameter('acknowledge', 0, ACK_EXECUTION_CREATED) as string;
	const { windowMs, persistMax } = dedupeSettings((name, fallback) => this.getNodeParameter(name, 0, fallback));
	const store = legStore(legStoreId(this.getWorkflow().id, this.getNode(), false));
	// "workflow succeeded": not yet (a failing run is answered with an error and must run again
	// on the re-send); the leg joins a later write once it was acknowledged (`recent`).
	// Otherwise the leg is done in memory now, and persisted when n8n saves this execution's
	// static data (once the workflow has ended, before n8n marks the execution finished).
	const claim = claimExecution(store, legKey, Date.now(), ackMode !== ACK_WORKFLOW_SUCCEEDED);
	if (!claim.first) {
		this.customData.set('voicenterDuplicateOf', legKey);
		return false;
	}
	const own = ackMode === ACK_WORKFLOW_SUCCEEDED ? undefined : claim.code;
	if (persistMax === 0) return true;
	const staticData = this.getWorkflowStaticData('node');
	const read = persistedText(staticData[PERSISTED_KEY]);
	staticData[PERSISTED_KEY] = executionLegs(store, read, own, windowMs, persistMax) as unknown as IDataObject;
	if ('seen' in staticData) delete staticData.seen;
	return true;
}

/** The re-delivery window and the persisted cap, read the same way in both phases. */
function dedupeSettings(param: (name: string, fallback: number) => unknown): { windowMs: number; persistMax: number } {
	const minutes = Number(param('dedupeWindowMinutes', DEDUPE_WINDOW_DEFAULT)) || DEDUPE_WINDOW_DEFAULT;
	return { windowMs: minutes * 60_000, persistMax: Math.max(0, Number(param('dedupePersistMax', 1000)) || 0) };
}

/** The in-memory leg store of one workflow + node (test webhooks keep their own). */
function legStoreId(workflowId: string | undefined, node: { id?: string; name: string }, manual: boolean): string {
	return `${workflowId ?? ''}:${node.id ?? node.name}${manual ? ':test' : ''}`;
}

function startExecution(
	this: IWebhookFunctions,
	res: WebhookResponseLike,
	ackMode: string,
	format: CdrFormat,
	item: INodeExecutionData[][],
	okAck = encodeCdrAck(format, 0, 'OK'),
): IWebhookResponseData {
	if (ackMode === 'v1') {
		sendAnswer(res, 200, okAck.body, okAck.contentType);
		return { noWebhookResponse: true, workflowData: item };
	}
	if (ackMode === ACK_WORKFLOW_SUCCEEDED) {
		installAckGuard(res as unknown as GuardedResponse, (ok) => {
			const a = ok ? okAck : encodeCdrAck(format, 2, 'Application error: the workflow failed');
			return { status: ok ? 200 : 500, body: a.body, contentType: a.contentType };
		});
		return { workflowData: item };
	}
	// n8n answers with webhookResponse once it has created the execution (responseMode onReceived).
	res.setHeader('Content-Type', okAck.contentType);
	return { workflowData: item, webhookResponse: okAck.body };
}

export type { LegStore };
