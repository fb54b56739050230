/**
 * Recording → Download. Voicenter has no recording API: the CDR's `record` (§6) and the Call
 * Log's `RecordURL` (§7) are direct links to the MP3. Given such a link, or a call id (then the
 * link is found through the Call Log, ./downloadCallLog), the node downloads the file into an
 * n8n binary property.
 *
 * Memory: the response is requested as a stream and handed to n8n's prepareBinaryData as it
 * is, so with n8n's filesystem (default) or S3 binary mode the audio flows to storage without
 * being held in memory; one recording is downloaded at a time.
 *
 * Whether the links need authentication is not documented: they are fetched plainly (GET);
 * with "Send Account Code" the request is a POST whose JSON body carries the credential's
 * account code (`code`, added by the credential, never in the URL), and only to Voicenter's
 * own hosts or the hosts of the credential's URLs.
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { asNodeError, errorJson } from '../../../shared/execute';
import { CREDENTIAL_NAME } from '../../../shared/transport';
import type { CallLookup, CallRecordInfo } from './downloadCallLog';
import { callIdTime, callWindow, lookupRecordings } from './downloadCallLog';

const properties: INodeProperties[] = [
	{
		displayName: 'Download By',
		name: 'source',
		type: 'options',
		default: 'url',
		options: [
			{
				name: 'Recording URL',
				value: 'url',
				description: "The recording link: the CDR Trigger's record or the Call Log's RecordURL",
			},
			{
				name: 'Call ID',
				value: 'callId',
				description: "The call's ID; the node finds its recording link through the Call Log first",
			},
		],
	},
	{
		displayName: 'Recording URL',
		name: 'recordingUrl',
		type: 'string',
		default: '={{ $json.record ?? $json.RecordURL }}',
		displayOptions: { show: { source: ['url'] } },
		placeholder: 'e.g. https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/…-aws.mp3',
		description: 'Link to the recording. An empty link means the call has no recording.',
	},
	{
		displayName: 'Call ID',
		name: 'callId',
		type: 'string',
		required: true,
		default: '={{ $json.ivruniqueid ?? $json.CallID }}',
		displayOptions: { show: { source: ['callId'] } },
		placeholder: 'e.g. 202110101204550233243ghff3189e5c',
		description: "The call's unique ID (the CDR's ivruniqueid, the Call Log's CallID)",
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Call Log Lookups',
				name: 'batch',
				type: 'boolean',
				default: true,
				displayOptions: { show: { '/source': ['callId'] } },
				description:
					'Whether to find the links of calls close in time with one Call Log request (the Call Log allows 30 requests per minute) instead of one request per item',
			},
			{
				displayName: 'Call Time',
				name: 'callTime',
				type: 'dateTime',
				default: '',
				displayOptions: { show: { '/source': ['callId'] } },
				description:
					"When the call took place, to search the Call Log around it. Default: the time at the start of Voicenter's call ID.",
			},
			{
				displayName: 'Error When No Recording',
				name: 'failWhenMissing',
				type: 'boolean',
				default: false,
				description:
					'Whether a call without a recording stops with an error. Off: the item passes with recording.hasRecording false.',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.ivruniqueid }}.mp3',
				description: 'Name of the output file. Default: the call ID with the extension of the audio type.',
			},
			{
				displayName: 'Search Window (Days)',
				name: 'windowDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 30 },
				default: 1,
				displayOptions: { show: { '/source': ['callId'] } },
				description: 'How many days before and after the call time to search the Call Log',
			},
			{
				displayName: 'Send Account Code',
				name: 'sendCode',
				type: 'boolean',
				default: false,
				description:
					"Whether to POST the credential's account code in a JSON body (never in the URL) for links that need authentication. Only sent to Voicenter's hosts and the hosts of the credential's URLs.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['recording'], operation: ['download'] } },
	properties,
);

const AUDIO_EXTENSIONS: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/ogg': 'ogg',
	'audio/mp4': 'm4a',
	'audio/x-m4a': 'm4a',
	'audio/webm': 'webm',
	'audio/aac': 'aac',
	'audio/flac': 'flac',
};
const EXTENSION_TYPES: Record<string, string> = {
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	m4a: 'audio/mp4',
	webm: 'audio/webm',
	aac: 'audio/aac',
	flac: 'audio/flac',
};

/** MIME type of the download: the answer's audio type, else from the link's extension, else MP3. */
export function audioType(contentType: string, url: string): string {
	const type = contentType.split(';')[0].trim().toLowerCase();
	if (type === 'audio/mp3') return 'audio/mpeg';
	if (type.startsWith('audio/') || type.startsWith('video/')) return type;
	return EXTENSION_TYPES[urlExtension(url)] ?? 'audio/mpeg';
}

function urlExtension(url: string): string {
	try {
		const last = new URL(url).pathname.split('/').pop() ?? '';
		const dot = last.lastIndexOf('.');
		return dot > 0 ? last.slice(dot + 1).toLowerCase() : '';
	} catch {
		return '';
	}
}

/** The call id a recording link names (`…/PlayRecord/<id>-aws.mp3` → `<id>`). */
export function callIdFromUrl(url: string): string {
	try {
		const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
		return last.replace(/\.[A-Za-z0-9]{2,5}$/, '').replace(/-aws$/i, '');
	} catch {
		return '';
	}
}

function safeFileName(name: string): string {
	return name.replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^\.+/, '') || 'recording';
}

function isVoicenterHost(host: string): boolean {
	return /(^|\.)voicenter\.(co\.il|com)$/i.test(host);
}

function header(headers: unknown, name: string): string {
	if (!headers || typeof headers !== 'object') return '';
	for (const [k, v] of Object.entries(headers as Record<string, unknown>))
		if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0] ?? '') : String(v ?? '');
	return '';
}

function discard(body: unknown): void {
	const stream = body as { destroy?: () => void } | undefined;
	if (stream && typeof stream.destroy === 'function') stream.destroy();
}

interface Plan {
	source: 'url' | 'callId';
	url: string;
	callId: string;
	binaryPropertyName: string;
	options: IDataObject;
	lookup?: CallLookup;
}

function readPlan(ctx: IExecuteFunctions, item: INodeExecutionData, i: number): Plan {
	const node = ctx.getNode();
	const source = ctx.getNodeParameter('source', i, 'url') as string;
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const binaryPropertyName = String(ctx.getNodeParameter('binaryPropertyName', i, 'data') ?? '').trim();
	if (!binaryPropertyName)
		throw new NodeOperationError(node, `Put Output File in Field is required (item ${i})`, { itemIndex: i });
	if (source === 'url') {
		const raw = ctx.getNodeParameter('recordingUrl', i, '') as unknown;
		const url = raw === undefined || raw === null ? '' : String(raw).trim();
		if (url) {
			let parsed: URL | undefined;
			try {
				parsed = new URL(url);
			} catch {
				parsed = undefined;
			}
			if (!parsed || !['http:', 'https:'].includes(parsed.protocol))
				throw new NodeOperationError(node, `Recording URL "${url}" is not an http(s) link (item ${i})`, {
					itemIndex: i,
				});
		}
		const json = item.json ?? {};
		const fromJson = [json.ivruniqueid, json.CallID].find((v) => typeof v === 'string' && v.trim() !== '');
		const callId = fromJson ? String(fromJson).trim() : url ? callIdFromUrl(url) : '';
		return { source, url, callId, binaryPropertyName, options };
	}
	if (source !== 'callId')
		throw new NodeOperationError(node, `Unknown "${source}" for Download By (item ${i})`, { itemIndex: i });
	const raw = ctx.getNodeParameter('callId', i, '') as unknown;
	const callId = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!callId) throw new NodeOperationError(node, `Call ID is required (item ${i})`, { itemIndex: i });
	if (!/^[A-Za-z0-9_.-]+$/.test(callId))
		throw new NodeOperationError(node, `Call ID "${callId}" is not a call ID (item ${i})`, { itemIndex: i });
	let timeMs: number | undefined;
	if (options.callTime !== undefined && options.callTime !== null && options.callTime !== '') {
		const t = options.callTime;
		timeMs =
			typeof t === 'number'
				? t < 1e12
					? t * 1000
					: t
				: Date.parse(typeof t === 'string' ? t : String((t as { toISO?: () => string }).toISO?.() ?? t));
		if (Number.isNaN(timeMs))
			throw new NodeOperationError(node, `Call Time "${String(t)}" is not a date (item ${i})`, { itemIndex: i });
	} else {
		timeMs = callIdTime(callId);
		if (timeMs === undefined)
			throw new NodeOperationError(
				node,
				`Call ID "${callId}" does not start with the call's date: set the Call Time option (item ${i})`,
				{ itemIndex: i },
			);
	}
	const windowDays = Number(options.windowDays ?? 1);
	if (!Number.isFinite(windowDays) || windowDays < 1 || windowDays > 30)
		throw new NodeOperationError(node, `Search Window (Days) must be between 1 and 30 (item ${i})`, {
			itemIndex: i,
		});
	return {
		source,
		url: '',
		callId,
		binaryPropertyName,
		options,
		lookup: { itemIndex: i, callId, ...callWindow(timeMs, windowDays) },
	};
}

/** The hosts the account code may be sent to: Voicenter's and those of the credential's URLs. */
async function codeHosts(ctx: IExecuteFunctions): Promise<Set<string>> {
	const c = await ctx.getCredentials(CREDENTIAL_NAME);
	const hosts = new Set<string>();
	for (const field of ['apiBaseUrl', 'monapisecBaseUrl', 'monitorBaseUrl']) {
		try {
			hosts.add(new URL(String(c[field] ?? '')).host.toLowerCase());
		} catch {
			// an empty or invalid URL falls back to Voicenter's default host
		}
	}
	return hosts;
}

async function download(
	ctx: IExecuteFunctions,
	plan: Plan,
	i: number,
	allowedHosts: () => Promise<Set<string>>,
): Promise<{ binary: IBinaryData; mimeType: string; fileName: string }> {
	const node = ctx.getNode();
	const sendCode = plan.options.sendCode === true;
	const url = new URL(plan.url);
	if (sendCode && !isVoicenterHost(url.hostname) && !(await allowedHosts()).has(url.host.toLowerCase()))
		throw new NodeOperationError(
			node,
			`The account code is only sent to Voicenter's hosts, not to ${url.host} (item ${i})`,
			{ itemIndex: i, description: 'Turn off Send Account Code for links outside Voicenter' },
		);
	const request: IHttpRequestOptions = {
		method: sendCode ? 'POST' : 'GET',
		url: plan.url,
		// A stream: n8n's binary helpers write it to binary storage without buffering it.
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		headers: { Accept: 'audio/*, application/octet-stream;q=0.9, */*;q=0.5' },
	};
	if (sendCode) {
		// The credential adds the account code to this body as `code`.
		request.body = {};
		request.headers = { ...request.headers, 'Content-Type': 'application/json' };
	}
	let response: { body: unknown; headers: unknown; statusCode: number };
	try {
		response = (await (sendCode
			? ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_NAME, request)
			: ctx.helpers.httpRequest(request))) as typeof response;
	} catch (error) {
		throw new NodeApiError(node, { message: (error as Error).message } as JsonObject, {
			message: `Could not download the recording: ${(error as Error).message}`,
			description: `Link: ${plan.url}`,
			itemIndex: i,
		});
	}
	const status = response.statusCode;
	const contentType = header(response.headers, 'content-type');
	if (status >= 400) {
		discard(response.body);
		const expired = status === 404 || status === 410;
		throw new NodeApiError(node, { statusCode: status } as JsonObject, {
			message: expired
				? `The recording was not found (HTTP ${status}): the link has expired or the call has no recording`
				: status === 401 || status === 403
					? `The recording link refused the download (HTTP ${status}): it may need authentication`
					: `The recording download failed (HTTP ${status})`,
			description:
				status === 401 || status === 403
					? `Link: ${plan.url}. Try the Send Account Code option.`
					: `Link: ${plan.url}`,
			httpCode: String(status),
			itemIndex: i,
		});
	}
	const type = contentType.split(';')[0].trim().toLowerCase();
	if (type === 'text/html' || type === 'application/json' || type === 'text/plain') {
		discard(response.body);
		throw new NodeApiError(node, { statusCode: status } as JsonObject, {
			message: `The recording link answered with ${type}, not audio: it may need a login or have expired`,
			description: `Link: ${plan.url}. If Voicenter asks for authentication, try the Send Account Code option.`,
			httpCode: String(status),
			itemIndex: i,
		});
	}
	const mimeType = audioType(contentType, plan.url);
	const extension = AUDIO_EXTENSIONS[mimeType] ?? (urlExtension(plan.url) || 'mp3');
	const wanted = String(plan.options.fileName ?? '').trim();
	const fileName = safeFileName(wanted || `${plan.callId || callIdFromUrl(plan.url) || 'recording'}.${extension}`);
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(
			response.body as Parameters<typeof ctx.helpers.prepareBinaryData>[0],
			fileName,
			mimeType,
		);
	} catch (error) {
		discard(response.body);
		throw new NodeApiError(node, { message: (error as Error).message } as JsonObject, {
			message: `The recording download was interrupted: ${(error as Error).message}`,
			description: `Link: ${plan.url}`,
			itemIndex: i,
		});
	}
	// A cut-off transfer: fewer bytes than announced (unless the answer was compressed).
	const length = Number(header(response.headers, 'content-length'));
	if (
		!header(response.headers, 'content-encoding') &&
		Number.isFinite(length) &&
		length > 0 &&
		binary.bytes !== undefined &&
		binary.bytes !== length
	)
		throw new NodeApiError(node, {} as JsonObject, {
			message: `The recording download was cut off: ${binary.bytes} of ${length} bytes`,
			description: `Link: ${plan.url}`,
			itemIndex: i,
		});
	return { binary, mimeType, fileName };
}

function noRecording(
	ctx: IExecuteFunctions,
	plan: Plan,
	i: number,
	reason: string,
	item: INodeExecutionData,
): INodeExecutionData {
	if (plan.options.failWhenMissing === true)
		throw new NodeOperationError(ctx.getNode(), `${reason} (item ${i})`, {
			itemIndex: i,
			description: 'Turn off Error When No Recording to let such items pass',
		});
	return {
		json: { ...item.json, recording: { hasRecording: false, callId: plan.callId, url: plan.url, reason } },
		...(item.binary ? { binary: item.binary } : {}),
		pairedItem: { item: i },
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const plans: Array<Plan | Error> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			plans.push(readPlan(this, items[i], i));
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, i);
			plans.push(error as Error);
		}
	}
	// Calls given by id: find their recording links through the Call Log first.
	const lookups = plans.filter((p): p is Plan => !(p instanceof Error) && p.lookup !== undefined);
	let found = new Map<number, CallRecordInfo | Error>();
	if (lookups.length) {
		const first = lookups[0];
		const batch = first.options.batch !== false;
		found = await lookupRecordings.call(
			this,
			lookups.map((p) => p.lookup!),
			batch,
		);
	}
	let hosts: Promise<Set<string>> | undefined;
	const allowedHosts = async () => await (hosts ??= codeHosts(this));
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const plan = plans[i];
			if (plan instanceof Error) throw plan;
			const item = items[i];
			if (plan.lookup) {
				const record = found.get(i);
				if (record instanceof Error) throw record;
				if (!record?.found)
					throw new NodeOperationError(
						this.getNode(),
						`Call ${plan.callId} was not found in the Call Log (item ${i})`,
						{
							itemIndex: i,
							description:
								'The search covered the Search Window around the Call Time (or the time in the call ID). Calls reach the Call Log a few minutes after they end.',
						},
					);
				if (!record.RecordURL) {
					const reason =
						record.RecordExpect === true
							? `Call ${plan.callId} should have a recording, but Voicenter has no link for it yet`
							: `Call ${plan.callId} has no recording`;
					out.push(noRecording(this, plan, i, reason, item));
					continue;
				}
				plan.url = record.RecordURL;
			}
			if (!plan.url) {
				out.push(noRecording(this, plan, i, `The call${plan.callId ? ` ${plan.callId}` : ''} has no recording link`, item));
				continue;
			}
			const { binary, mimeType, fileName } = await download(this, plan, i, allowedHosts);
			out.push({
				json: {
					...item.json,
					recording: {
						hasRecording: true,
						callId: plan.callId,
						url: plan.url,
						fileName,
						mimeType,
						fileSize: binary.bytes ?? null,
					},
				},
				binary: { ...(item.binary ?? {}), [plan.binaryPropertyName]: binary },
				pairedItem: { item: i },
			});
		} catch (error) {
			if (this.continueOnFail()) {
				out.push({ json: errorJson(error), pairedItem: { item: i } });
				continue;
			}
			throw asNodeError(this, error, i);
		}
	}
	return out;
}
