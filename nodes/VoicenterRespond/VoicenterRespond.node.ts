import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { checkPlayItem, ISO_DATE, validateIvrAnswer } from '../shared/ivr';
import { validatePhone } from '../shared/phone';

type Answer = Record<string, unknown>;

function layer(ctx: IExecuteFunctions, name: string, label: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${label} must be a whole layer number, got "${String(value)}"`,
			{
				itemIndex: 0,
				description: `Parameter "${name}"`,
			},
		);
	}
	return n;
}

function customData(ctx: IExecuteFunctions, value: unknown): IDataObject | null {
	if (value === undefined || value === null || value === '') return null;
	let v = value;
	if (typeof v === 'string') {
		try {
			v = JSON.parse(v);
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'Custom Data must be a JSON object', { itemIndex: 0 });
		}
	}
	if (!v || typeof v !== 'object' || Array.isArray(v))
		throw new NodeOperationError(ctx.getNode(), 'Custom Data must be a JSON object', { itemIndex: 0 });
	return Object.keys(v).length ? (v as IDataObject) : null;
}

const ISO_DATE_TIME_LOOSE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/;

/** Content of one playback item, normalised (ISO dates cut to what Voicenter documents). */
function playContent(ctx: IExecuteFunctions, type: string, raw: unknown, index: number): string {
	let content = raw === undefined || raw === null ? '' : String(raw).trim();
	if (type === 'Date') {
		const m = ISO_DATE_TIME_LOOSE.exec(content);
		if (m) content = m[1].slice(0, 10);
	}
	if (type === 'DateTime') {
		const m = ISO_DATE_TIME_LOOSE.exec(content);
		if (m) content = m[1];
		else if (ISO_DATE.test(content)) content = `${content}T00:00:00`;
	}
	const problem = checkPlayItem({ RecordType: type, Content: content }, index);
	if (problem) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Playback item ${index + 1} (${type}): invalid content "${content}"`,
			{
				itemIndex: 0,
				description: problem,
			},
		);
	}
	return content;
}

export class VoicenterRespond implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter Respond',
		name: 'voicenterRespond',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["respondTo"] === "ivr" ? $parameter["action"] : "screen pop"}}',
		description:
			'Answers the Voicenter IVR Trigger (GO_TO_LAYER, SAY_DIGITS, DIAL) or the Screen Pop Trigger (contact found / not found)',
		defaults: { name: 'Voicenter Respond' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Respond To',
				name: 'respondTo',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'IVR (External Layer)', value: 'ivr' },
					{ name: 'Screen Pop', value: 'screenPop' },
				],
				default: 'ivr',
			},
			// ---------------- IVR ----------------
			{
				displayName: 'Action',
				name: 'action',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { respondTo: ['ivr'] } },
				options: [
					{
						name: 'Go to Layer',
						value: 'goToLayer',
						description: 'Send the call to an IVR layer (GO_TO_LAYER)',
						action: 'Send the call to an IVR layer',
					},
					{
						name: 'Say Digits',
						value: 'sayDigits',
						description: 'Play digits, numbers, dates or recordings (SAY_DIGITS)',
						action: 'Play digits numbers dates or recordings',
					},
					{
						name: 'Dial',
						value: 'dial',
						description: 'Dial phone numbers or extensions (DIAL)',
						action: 'Dial phone numbers or extensions',
					},
				],
				default: 'goToLayer',
			},
			{
				displayName: 'Layer',
				name: 'layer',
				type: 'number',
				required: true,
				default: 1,
				displayOptions: { show: { respondTo: ['ivr'], action: ['goToLayer'] } },
				description: 'Layer number to send the call to',
			},
			{
				displayName: 'Playback',
				name: 'playback',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				default: {},
				displayOptions: { show: { respondTo: ['ivr'], action: ['sayDigits'] } },
				options: [
					{
						displayName: 'Item',
						name: 'item',
						values: [
							{
								displayName: 'Type',
								name: 'recordType',
								type: 'options',
								options: [
									{ name: 'Date (YYYY-MM-DD)', value: 'Date' },
									{ name: 'Date and Time (ISO)', value: 'DateTime' },
									{ name: 'Digits (One by One)', value: 'Digits' },
									{ name: 'Number', value: 'Number' },
									{ name: 'Recording (File Name)', value: 'Recording' },
								],
								default: 'Digits',
							},
							{
								displayName: 'Content',
								name: 'content',
								type: 'string',
								default: '',
							},
						],
					},
				],
				description: 'What to play, in order',
			},
			{
				displayName: 'Next Layer',
				name: 'nextLayer',
				type: 'number',
				required: true,
				default: 1,
				displayOptions: { show: { respondTo: ['ivr'], action: ['sayDigits'] } },
				description: 'Layer the call goes to after the playback',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'Arabic', value: 'AR' },
					{ name: 'English', value: 'EN' },
					{ name: 'Hebrew', value: 'HE' },
					{ name: 'Russian', value: 'RU' },
				],
				default: 'HE',
				displayOptions: { show: { respondTo: ['ivr'], action: ['sayDigits'] } },
			},
			{
				displayName: 'Caller ID',
				name: 'callerId',
				type: 'string',
				required: true,
				default: '',
				placeholder: '0722776772',
				displayOptions: { show: { respondTo: ['ivr'], action: ['dial'] } },
				description: 'Number the dialled target sees',
			},
			{
				displayName: 'Targets',
				name: 'targets',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				displayOptions: { show: { respondTo: ['ivr'], action: ['dial'] } },
				options: [
					{
						displayName: 'Target',
						name: 'target',
						values: [
							{
								displayName: 'Type',
								name: 'type',
								type: 'options',
								options: [
									{ name: 'Phone Number', value: 'PHONE' },
									{ name: 'Voicenter Extension', value: 'EXTENSION' },
								],
								default: 'PHONE',
							},
							{
								displayName: 'Number or Extension',
								name: 'target',
								type: 'string',
								default: '',
							},
						],
					},
				],
				description: 'At least one target to dial',
			},
			{
				displayName: 'Max Call Duration (Seconds)',
				name: 'maxCallDuration',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1800,
				displayOptions: { show: { respondTo: ['ivr'], action: ['dial'] } },
			},
			{
				displayName: 'Max Dial Duration (Seconds)',
				name: 'maxDialDuration',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				displayOptions: { show: { respondTo: ['ivr'], action: ['dial'] } },
			},
			{
				displayName: 'Layer on Failure',
				name: 'nextLayerOnFailure',
				type: 'number',
				required: true,
				default: 1,
				displayOptions: { show: { respondTo: ['ivr'], action: ['dial'] } },
				description: 'Layer the call goes to when the target cannot be reached (NEXT_VO_ID)',
			},
			{
				displayName: 'Record the Call',
				name: 'recording',
				type: 'boolean',
				default: false,
				displayOptions: { show: { respondTo: ['ivr'], action: ['dial'] } },
			},
			{
				displayName: 'Options',
				name: 'ivrOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { respondTo: ['ivr'] } },
				options: [
					{
						displayName: 'Caller Name',
						name: 'callerName',
						type: 'string',
						default: '',
						description: 'Name shown on the Voicenter extension that rings (GO_TO_LAYER, DIAL)',
					},
					{
						displayName: 'Custom Data',
						name: 'customData',
						type: 'json',
						default: '{}',
						description:
							'Your own data (a JSON object); Voicenter passes it on in the screen pop and CDR (GO_TO_LAYER, DIAL)',
					},
					{
						displayName: 'Next Layer If Playback Fails',
						name: 'nextLayerIfFailed',
						type: 'number',
						default: 0,
						description: 'SAY_DIGITS only (NEXT_LAYER_IF_FAILED, undocumented beyond the example)',
					},
				],
			},
			// ---------------- Screen pop ----------------
			{
				displayName: 'Contact Found',
				name: 'contactFound',
				type: 'boolean',
				default: true,
				displayOptions: { show: { respondTo: ['screenPop'] } },
				description:
					'Whether the caller was found; if not, the "unknown caller" answer (STATUS OK, TOTAL 0) is sent',
			},
			{
				displayName: 'Client Name',
				name: 'clientName',
				type: 'string',
				default: '',
				displayOptions: { show: { respondTo: ['screenPop'], contactFound: [true] } },
			},
			{
				displayName: 'Customer Card URL',
				name: 'url',
				type: 'string',
				default: '',
				placeholder: 'https://crm.example.com/contacts/42',
				displayOptions: { show: { respondTo: ['screenPop'], contactFound: [true] } },
			},
			{
				displayName: 'Company',
				name: 'company',
				type: 'string',
				default: '',
				displayOptions: { show: { respondTo: ['screenPop'], contactFound: [true] } },
			},
			{
				displayName: 'Total Matches',
				name: 'total',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				displayOptions: { show: { respondTo: ['screenPop'], contactFound: [true] } },
			},
			{
				displayName: 'Allowed Origin (CORS)',
				name: 'allowedOrigin',
				type: 'string',
				default: '*',
				displayOptions: { show: { respondTo: ['screenPop'] } },
				description: 'Value of Access-Control-Allow-Origin on the answer',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const respondTo = this.getNodeParameter('respondTo', 0) as string;
		let body: Answer;
		let headers: IDataObject = { 'content-type': 'application/json; charset=utf-8' };
		if (respondTo === 'screenPop') {
			body = buildScreenPop(this);
			headers = {
				...headers,
				'access-control-allow-origin': (this.getNodeParameter('allowedOrigin', 0, '*') as string) || '*',
			};
		} else {
			body = buildIvrAnswer(this);
			const problems = validateIvrAnswer(body);
			if (problems.length) {
				throw new NodeOperationError(this.getNode(), `Invalid IVR answer: ${problems[0]}`, {
					itemIndex: 0,
					description: problems.join('; '),
				});
			}
		}
		await this.sendResponse({ body, headers, statusCode: 200 });
		return [items];
	}
}

function buildScreenPop(ctx: IExecuteFunctions): Answer {
	if (!(ctx.getNodeParameter('contactFound', 0, true) as boolean)) return { STATUS: 'OK', TOTAL: 0 };
	const total = ctx.getNodeParameter('total', 0, 1) as number;
	if (!Number.isSafeInteger(total) || total < 1)
		throw new NodeOperationError(ctx.getNode(), 'Total Matches must be a whole number of at least 1', {
			itemIndex: 0,
		});
	const answer: Answer = { STATUS: 'OK' };
	const url = String(ctx.getNodeParameter('url', 0, '') ?? '').trim();
	if (url) {
		if (!/^https?:\/\/[^\s]+$/i.test(url))
			throw new NodeOperationError(ctx.getNode(), `Customer Card URL must be an http(s) URL, got "${url}"`, {
				itemIndex: 0,
			});
		answer.URL = url;
	}
	const name = String(ctx.getNodeParameter('clientName', 0, '') ?? '').trim();
	if (name) answer.CLIENTNAME = name;
	answer.TOTAL = total;
	const company = String(ctx.getNodeParameter('company', 0, '') ?? '').trim();
	if (company) answer.COMPANY = company;
	return answer;
}

function buildIvrAnswer(ctx: IExecuteFunctions): Answer {
	const action = ctx.getNodeParameter('action', 0) as string;
	const options = ctx.getNodeParameter('ivrOptions', 0, {}) as IDataObject;
	const callerName =
		typeof options.callerName === 'string' && options.callerName !== '' ? options.callerName : undefined;
	if (action === 'goToLayer') {
		const answer: Answer = {
			STATUS: 0,
			ACTION: 'GO_TO_LAYER',
			LAYER: layer(ctx, 'layer', 'Layer', ctx.getNodeParameter('layer', 0)),
			CALLER_NAME: callerName ?? null,
			CUSTOM_DATA: customData(ctx, options.customData),
		};
		return answer;
	}
	if (action === 'sayDigits') {
		const playback = ctx.getNodeParameter('playback', 0, {}) as {
			item?: Array<{ recordType: string; content: unknown }>;
		};
		const list = playback.item ?? [];
		if (!list.length)
			throw new NodeOperationError(ctx.getNode(), 'Add at least one playback item', { itemIndex: 0 });
		const answer: Answer = {
			STATUS: 0,
			ACTION: 'SAY_DIGITS',
			NEXT_LAYER: layer(ctx, 'nextLayer', 'Next Layer', ctx.getNodeParameter('nextLayer', 0)),
		};
		if (options.nextLayerIfFailed !== undefined)
			answer.NEXT_LAYER_IF_FAILED = layer(
				ctx,
				'nextLayerIfFailed',
				'Next Layer If Playback Fails',
				options.nextLayerIfFailed,
			);
		answer.LANGUAGE = ctx.getNodeParameter('language', 0, 'HE') as string;
		answer.DATA = list.map((p, i) => ({
			RecordType: p.recordType,
			Content: playContent(ctx, p.recordType, p.content, i),
		}));
		return answer;
	}
	if (action === 'dial') {
		const targets =
			(ctx.getNodeParameter('targets', 0, {}) as { target?: Array<{ type: string; target: unknown }> })
				.target ?? [];
		if (!targets.length)
			throw new NodeOperationError(ctx.getNode(), 'Add at least one target to dial', { itemIndex: 0 });
		const duration = (name: string, label: string) => {
			const v = ctx.getNodeParameter(name, 0) as number;
			if (!Number.isSafeInteger(v) || v < 1)
				throw new NodeOperationError(
					ctx.getNode(),
					`${label} must be a whole number of seconds (at least 1)`,
					{
						itemIndex: 0,
					},
				);
			return v;
		};
		const answer: Answer = {
			STATUS: 0,
			ACTION: 'DIAL',
			CALLER_ID: validatePhone(ctx.getNode(), 0, 'Caller ID', ctx.getNodeParameter('callerId', 0)),
		};
		if (callerName) answer.CALLER_NAME = callerName;
		answer.MAX_CALL_DURATION = duration('maxCallDuration', 'Max Call Duration');
		answer.MAX_DIAL_DURATION = duration('maxDialDuration', 'Max Dial Duration');
		answer.NEXT_VO_ID = layer(
			ctx,
			'nextLayerOnFailure',
			'Layer on Failure',
			ctx.getNodeParameter('nextLayerOnFailure', 0),
		);
		answer.RECORDING = (ctx.getNodeParameter('recording', 0, false) as boolean) ? 'yes' : 'no';
		answer.TARGETS = targets.map((t, i) => ({
			TYPE: t.type === 'EXTENSION' ? 'EXTENSION' : 'PHONE',
			TARGET: validatePhone(ctx.getNode(), 0, `target ${i + 1}`, t.target, {
				allowExtension: t.type === 'EXTENSION',
			}),
		}));
		const data = customData(ctx, options.customData);
		if (data) answer.CUSTOM_DATA = data;
		return answer;
	}
	throw new NodeOperationError(ctx.getNode(), `Unknown action "${action}"`, { itemIndex: 0 });
}
