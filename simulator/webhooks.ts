/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped in dist */
/**
 * The simulator's outbound side: it calls YOUR URL the way Voicenter does (undici).
 *  - sendCdr: a CDR Notification (§6) as JSON, XML-RPC or form-urlencoded, re-sent until
 *    acknowledged (HTTP 200 + err 0 in the answer), like Voicenter's retry (§6 "Retry").
 *  - sendIvrLayer: an IVR_LAYER_INPUT request (§8.1), with the answer checked against the
 *    documented shapes (§8.2–8.5).
 *  - sendScreenPop: the Chrome extension's GET / POST form request (§5.1), optionally N in
 *    parallel (N extensions ringing → N identical requests).
 */
import { request } from 'undici';

import { validateIvrAnswer } from '../nodes/shared/ivr';
import { decodeXmlRpc, encodeXmlRpcCall } from '../nodes/shared/xmlrpc';

export interface WebhookAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
	/** Parsed JSON body, when the body is JSON. */
	json?: unknown;
	ms: number;
}

async function send(
	url: string,
	method: 'GET' | 'POST',
	body: string | undefined,
	headers: Record<string, string>,
): Promise<WebhookAnswer> {
	const started = Date.now();
	const res = await request(url, { method, body, headers });
	const text = await res.body.text();
	const flat: Record<string, string> = {};
	for (const [k, v] of Object.entries(res.headers))
		if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: flat, body: text, json, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------- CDR (§6)

export type CdrFormat = 'json' | 'xmlrpc' | 'form';

/** §6.3 example 1 — outgoing call. */
export const CDR_OUTGOING: Record<string, unknown> = {
	caller: '0722776772',
	target: '0501234567',
	time: 1595960350,
	duration: 11,
	ivruniqueid: '2020072818dcDHFJcc804',
	type: 'Extension Outgoing',
	status: 'ANSWER',
	targetextension: '',
	callerextension: 'SIPSIP',
	did: '',
	queueid: 0,
	queuename: '',
	record: 'https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/2020072818dcDHFJc',
	price: 0,
	dialtime: 2,
	representative_name: 'User 1',
	representative_code: '12345678',
	targetextension_name: '',
	callerextension_name: '',
	target_country: '',
	caller_country: '',
	DepartmentID: 12345678,
	DepartmentName: 'Voicenter Sales Department',
	TopDepartmentID: 87654321,
	TopDepartmentName: 'Voicenter Account',
};

/** §6.4 example 2 — incoming call through IVR and queue. */
export const CDR_IVR_QUEUE: Record<string, unknown> = {
	caller: '0501234567',
	target: '',
	time: 1595333610,
	duration: 20,
	ivruniqueid: '202007211213270124c',
	type: 'Queue',
	status: 'ANSWER',
	targetextension: '',
	callerextension: '',
	did: '0722776772',
	queueid: 123456789,
	queuename: 'Sales Queue',
	record: 'https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/20200721121327012',
	price: 0,
	dialtime: 0,
	representative_name: 'Admin User',
	representative_code: '12345679',
	targetextension_name: '',
	callerextension_name: '',
	target_country: '',
	caller_country: 'Israel',
	seconds_waiting_in_queue: 20,
	IVR: [
		{ layer_id: 1234, layer_name: 'Main IVR', layer_number: 0, Dtmf: 2, dtmf_order: 1 },
		{ layer_id: 4321, layer_name: 'Sales Department', layer_number: 2, Dtmf: 0, dtmf_order: 2 },
	],
};

/** Encodes a CDR the way Voicenter would send it in each format (nested IVR as a JSON string in forms). */
export function encodeCdr(
	cdr: Record<string, unknown>,
	format: CdrFormat,
): { body: string; contentType: string } {
	if (format === 'xmlrpc') return { body: encodeXmlRpcCall('CdrNotification', cdr), contentType: 'text/xml' };
	if (format === 'form') {
		const params = new URLSearchParams();
		for (const [k, v] of Object.entries(cdr)) {
			if (v === undefined || v === null) continue;
			params.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
		}
		return { body: params.toString(), contentType: 'application/x-www-form-urlencoded' };
	}
	return { body: JSON.stringify(cdr), contentType: 'application/json' };
}

/** Reads err from an acknowledgement in any of the three formats. */
export function readAck(answer: WebhookAnswer): { err?: number; errdesc?: string } {
	const ct = answer.headers['content-type'] ?? '';
	let obj: Record<string, unknown> | undefined;
	try {
		if (ct.includes('xml')) obj = decodeXmlRpc(answer.body) as Record<string, unknown>;
		else if (ct.includes('x-www-form-urlencoded')) obj = Object.fromEntries(new URLSearchParams(answer.body));
		else obj = JSON.parse(answer.body) as Record<string, unknown>;
	} catch {
		return {};
	}
	const err = obj?.err ?? obj?.Err;
	const errdesc = obj?.errdesc ?? obj?.Errdesc;
	return {
		err: err === undefined || err === null || err === '' ? undefined : Number(err),
		errdesc: errdesc === undefined ? undefined : String(errdesc),
	};
}

export interface SendCdrOptions {
	format?: CdrFormat;
	/** Re-send until the answer is HTTP 200 with err 0 (default true). */
	resendUntilAck?: boolean;
	intervalMs?: number;
	maxAttempts?: number;
	headers?: Record<string, string>;
	/** Re-send this many times even after an acknowledgement (to test re-deliveries). */
	extraDeliveries?: number;
}

export async function sendCdr(
	url: string,
	cdr: Record<string, unknown>,
	options: SendCdrOptions = {},
): Promise<{ attempts: WebhookAnswer[]; acknowledged: boolean }> {
	const { body, contentType } = encodeCdr(cdr, options.format ?? 'json');
	const attempts: WebhookAnswer[] = [];
	const max = options.resendUntilAck === false ? 1 : (options.maxAttempts ?? 5);
	let acknowledged = false;
	for (let i = 0; i < max; i++) {
		const answer = await send(url, 'POST', body, { 'content-type': contentType, ...options.headers });
		attempts.push(answer);
		if (answer.status === 200 && readAck(answer).err === 0) {
			acknowledged = true;
			break;
		}
		if (i < max - 1) await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
	}
	for (let i = 0; i < (options.extraDeliveries ?? 0); i++) {
		attempts.push(await send(url, 'POST', body, { 'content-type': contentType, ...options.headers }));
	}
	return { attempts, acknowledged };
}

// ---------------------------------------------------------------------------- IVR (§8)

export interface IvrLayerData {
	DID?: string | number;
	CALLER_ID?: string | number;
	IVR_UNIQUE_ID?: string;
	DTMF?: string | number;
	LAYER_ID?: number | string;
	PREVIOUS_LAYER_ID?: number | string;
}

export async function sendIvrLayer(
	url: string,
	data: IvrLayerData,
	options: { headers?: Record<string, string> } = {},
): Promise<{ answer: WebhookAnswer; problems: string[] }> {
	const payload = {
		METHOD: 'IVR_LAYER_INPUT',
		DATA: {
			DID: '0722776772',
			CALLER_ID: '0501234567',
			IVR_UNIQUE_ID: '1bcd7954224861f85a2d70612f2',
			DTMF: '0',
			LAYER_ID: 5,
			PREVIOUS_LAYER_ID: 5,
			...data,
		},
	};
	const answer = await send(url, 'POST', JSON.stringify(payload), {
		'content-type': 'application/json',
		...options.headers,
	});
	const problems: string[] = [];
	if (answer.status !== 200) problems.push(`HTTP ${answer.status}`);
	if (!(answer.headers['content-type'] ?? '').includes('application/json'))
		problems.push('answer is not JSON');
	if (answer.json === undefined) problems.push('answer body is not JSON');
	else problems.push(...validateIvrAnswer(answer.json));
	return { answer, problems };
}

// ---------------------------------------------------------------------------- Screen pop (§5)

export interface ScreenPopParams {
	phone?: string;
	ivrid?: string;
	extenUser?: string;
	did?: string;
	statusCall?: string;
}

export async function sendScreenPop(
	url: string,
	params: ScreenPopParams,
	options: { method?: 'GET' | 'POST'; parallel?: number; headers?: Record<string, string> } = {},
): Promise<WebhookAnswer[]> {
	const qs = new URLSearchParams(
		Object.entries(params).filter(([, v]) => v !== undefined) as Array<[string, string]>,
	).toString();
	const one = () =>
		options.method === 'POST'
			? send(url, 'POST', qs, { 'content-type': 'application/x-www-form-urlencoded', ...options.headers })
			: send(`${url}${url.includes('?') ? '&' : '?'}${qs}`, 'GET', undefined, { ...options.headers });
	return await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, () => one()));
}
