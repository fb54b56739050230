import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { asInteger, goToLayerAnswer, parseIvrLayerInput, validateIvrAnswer } from '../shared/ivr';
import {
	checkRequestSecurity,
	readWebhookSecurity,
	securityProperties,
	webhookSecretCredentialTest,
} from '../shared/webhookSecurity';
import {
	BodyReadError,
	installAnswerGuard,
	mediaType,
	readRawBody,
	rememberEarlyFallback,
	sendJson,
	ANSWER_LEAD_MS,
	type RequestArrival,
	type WebhookRequestLike,
	type WebhookResponseLike,
} from '../shared/webhookHttp';
import { answerInTime, answerTimeoutProperties, manualWebhookMethods } from '../shared/webhookTrigger';

/** Parses "5, 12 20" into layer ids; invalid entries are ignored. */
export function parseLayerList(text: string): number[] {
	return text
		.split(/[\s,;]+/)
		.map((s) => asInteger(s))
		.filter((n): n is number => n !== undefined);
}

/** True when the answer n8n is about to send is a documented IVR answer (§8.2–8.5). */
export function isValidIvrAnswerBody(status: number, body: string): boolean {
	if (status !== 200) return false;
	try {
		return validateIvrAnswer(JSON.parse(body)).length === 0;
	} catch {
		return false;
	}
}

const IVR_TIMEOUT_DESCRIPTION =
	'Time from the request reaching n8n until the fallback is sent, if the workflow has not answered by then. Voicenter waits about 5 s: keep this below.';

export class VoicenterIvrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter IVR Trigger',
		name: 'voicenterIvrTrigger',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['trigger'],
		subtitle: 'External Layer (IVR)',
		// 1.1: same parameters and behaviour; n8n no longer evaluates the "binaryData" expression
		// of version-1 trigger nodes while reading the body (one expression isolate per request).
		version: [1, 1.1],
		defaultVersion: 1.1,
		description:
			'Starts the workflow when a call reaches an IVR layer that calls your URL (External Layer API); answer with the Voicenter Respond node',
		defaults: { name: 'Voicenter IVR Trigger' },
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
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'responseNode', path: 'ivr' }],
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>To send a test event</b>: click 'Listen for test event', then call a number whose IVR layer has the test URL as its external URL (CPanel → IVR → layer settings), or send the documented request from a checkout of n8n-nodes-voicenter: <code>npm run simulator:send -- ivr --url &lt;test URL&gt; --layer 5 --dtmf 1234</code>. <br /><br /><b>In production</b> put the production URL on the layer and publish the workflow.",
				active:
					'<b>To send a test event</b>: click \'Listen for test event\', then call a number whose IVR layer has the test URL as its external URL (CPanel → IVR → layer settings), or send the documented request from a checkout of n8n-nodes-voicenter: <code>npm run simulator:send -- ivr --url &lt;test URL&gt; --layer 5 --dtmf 1234</code>. <br /><br />The workflow is published: calls to the production URL run it and show up in the <a data-key="executions">executions list</a>.',
			},
			activationHint:
				'Once the workflow is built, put the production URL on the IVR layer and publish the workflow: every call reaching the layer then runs it.',
		},
		properties: [
			{
				displayName:
					'Set the production URL on the IVR layer (layer Settings → external URL). Answer with a Voicenter Respond node (Respond To: IVR). If the workflow fails, ends without answering or is too slow, Voicenter gets the fallback answer below, so the caller is never left in silence.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Only Layers',
				name: 'layerIds',
				type: 'string',
				default: '',
				placeholder: '5, 12',
				description:
					'Comma-separated LAYER_ID values this workflow serves. Requests from other layers get the fallback answer at once and start no execution. Empty = every layer.',
			},
			{
				displayName: 'Fallback Layer',
				name: 'fallbackLayer',
				type: 'number',
				typeOptions: { minValue: 0 },
				required: true,
				default: 1,
				description:
					'Layer the caller is sent to (GO_TO_LAYER) when the workflow fails, does not answer in time, answers something invalid, or the request is not for this workflow',
			},
			...answerTimeoutProperties(
				{ v1: 5, v11: 4 },
				{
					v1: IVR_TIMEOUT_DESCRIPTION,
					v11: IVR_TIMEOUT_DESCRIPTION,
				},
			),
			...securityProperties,
		],
	};

	// The Webhook Secret credential's Test button (nothing remote to call: it checks the secret).
	methods = { credentialTest: webhookSecretCredentialTest };

	// IVR layer URLs are set by hand in the layer settings (or by Voicenter support).
	webhookMethods = manualWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		// On an unexpected failure the caller still gets a route: STATUS 1 (problem) to the
		// default layer 1.
		return await answerInTime(
			this,
			async (arrival) => await handleIvrRequest.call(this, arrival),
			(res) => sendJson(res, 200, goToLayerAnswer(1, 1), { 'X-Voicenter-Error': 'Trigger error' }),
		);
	}
}

async function handleIvrRequest(
	this: IWebhookFunctions,
	arrival: RequestArrival,
): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as WebhookRequestLike;
	const res = this.getResponseObject() as unknown as WebhookResponseLike;
	const verdict = checkRequestSecurity(
		req,
		await readWebhookSecurity.call(this),
	);
	if (!verdict.ok) {
		sendJson(res, verdict.status ?? 401, { error: verdict.message });
		return { noWebhookResponse: true };
	}
	const fallbackLayer = this.getNodeParameter('fallbackLayer', 1) as number;
	const layer = Number.isSafeInteger(fallbackLayer) && fallbackLayer >= 0 ? fallbackLayer : 1;
	const fallbackBody = JSON.stringify(goToLayerAnswer(layer));
	const timeoutSeconds = this.getNodeParameter(
		'timeoutSeconds',
		this.getNode().typeVersion >= 1.1 ? 4 : 5,
	) as number;
	const timeoutMs = Math.max(100, Math.round((Number(timeoutSeconds) || 5) * 1000));
	const contentType = 'application/json; charset=utf-8';
	// The next requests on this URL get the fallback at the deadline even if n8n is too busy to
	// reach this node in time.
	rememberEarlyFallback(req, { timeoutMs, leadMs: ANSWER_LEAD_MS, fallbackBody, contentType });

	// A request we cannot read still gets a routable answer in its body (STATUS 1 = problem,
	// GO_TO_LAYER fallback) with a 4xx status, and starts no execution.
	const reject = (status: number, reason: string) => {
		sendJson(res, status, goToLayerAnswer(layer, 1), { 'X-Voicenter-Error': reason.slice(0, 200) });
		return { noWebhookResponse: true };
	};
	let body: unknown;
	try {
		const raw = await readRawBody(req);
		const media = mediaType(req);
		if (media !== '' && media !== 'application/json' && media !== 'text/plain') {
			return reject(415, 'Unsupported content type: POST-JSON expected');
		}
		body = JSON.parse(raw);
	} catch (error) {
		if (error instanceof BodyReadError) return reject(error.status, error.message);
		return reject(400, 'Body is not valid JSON');
	}
	const parsed = parseIvrLayerInput(body);
	if (!parsed.data) return reject(400, parsed.errors.join('; '));

	const only = parseLayerList(String(this.getNodeParameter('layerIds', '') ?? ''));
	if (only.length && !only.includes(parsed.data.LAYER_ID)) {
		sendJson(res, 200, goToLayerAnswer(layer));
		return { noWebhookResponse: true };
	}

	const guard = installAnswerGuard(res, {
		isValid: isValidIvrAnswerBody,
		fallbackBody,
		contentType,
		timeoutMs,
		startedAt: arrival.at,
		leadMs: ANSWER_LEAD_MS,
	});
	// The request waited in n8n longer than the timeout before reaching us: Voicenter already has
	// the fallback, and an execution nobody hears would only delay the next callers.
	if (guard.expired) return { noWebhookResponse: true };
	return { workflowData: [[{ json: parsed.data as unknown as IDataObject }]] };
}
