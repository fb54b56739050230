/**
 * What the three webhook triggers (CDR, IVR, Screen Pop) share beyond HTTP and security: the
 * lifecycle methods of a URL that is set up by hand, the versioned "Answer Timeout" field, and
 * the frame of a webhook() that must answer in time.
 */
import type { IHookFunctions, INodeProperties, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	answeredEarly,
	requestArrival,
	type RequestArrival,
	type WebhookRequestLike,
	type WebhookResponseLike,
} from './webhookHttp';

/**
 * Voicenter's webhook URLs are typed in by hand (CPanel → API Manager, the IVR layer settings,
 * the Chrome extension): there is no API to register or remove them, so the lifecycle methods
 * only report success.
 */
export const manualWebhookMethods = {
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

/**
 * The "Answer Timeout (Seconds)" field: typeVersion 1 keeps its default; from 1.1 the default is
 * below the caller's own wait (Voicenter's about 5 s on an IVR layer, the pop-up's about 3 s).
 */
export function answerTimeoutProperties(
	defaults: { v1: number; v11: number },
	descriptions: { v1: string; v11: string },
): INodeProperties[] {
	const field = (dflt: number, description: string): INodeProperties => ({
		displayName: 'Answer Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 0.5, numberPrecision: 1 },
		default: dflt,
		description,
	});
	return [
		{ ...field(defaults.v1, descriptions.v1), displayOptions: { show: { '@version': [1] } } },
		{
			...field(defaults.v11, descriptions.v11),
			displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
	];
}

/**
 * webhook() of a trigger whose caller waits for the answer (IVR, Screen Pop): notes when the
 * request reached n8n first (the deadline counts from there), starts nothing when the fallback
 * already went out before the trigger ran, and on an unexpected failure (e.g. a parameter
 * expression that cannot be evaluated) still answers with `onFailure` — never n8n's 500.
 */
export async function answerInTime(
	ctx: IWebhookFunctions,
	handle: (arrival: RequestArrival) => Promise<IWebhookResponseData>,
	onFailure: (res: WebhookResponseLike) => void,
): Promise<IWebhookResponseData> {
	const arrival = requestArrival(ctx.getRequestObject() as unknown as WebhookRequestLike);
	const res = ctx.getResponseObject() as unknown as WebhookResponseLike;
	if (answeredEarly(res)) return { noWebhookResponse: true };
	try {
		return await handle(arrival);
	} catch {
		if (!res.headersSent) onFailure(res);
		return { noWebhookResponse: true };
	}
}
