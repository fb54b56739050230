/**
 * Dialer API helpers (§13): the campaign field, the request wrapper with the
 * method-specific error tables, the Target object builder and the response normalisers.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toEpochMs } from '../../shared/dates';
import { readOutcome, voicenterApiError } from '../../shared/errors';
import type { VoicenterOutcome } from '../../shared/errors';
import { isExtensionId, validatePhone } from '../../shared/phone';
import { voicenterApiRequest } from '../../shared/transport';

export type DialerMethod =
	| 'GetCampaignList'
	| 'AddCall'
	| 'AddCallsBulk'
	| 'RemoveCall'
	| 'ClearCampaignCalls'
	| 'GetMembersList'
	| 'AddMember'
	| 'RemoveMember'
	| 'StopCampaign'
	| 'StartCampaign'
	| 'GetCampaignPendingCalls'
	| 'UpdateCall'
	| 'GetCampaignDetails'
	| 'UpdateCampaignStrategy';

/**
 * Path of every method. Seven URLs are blank in the source (AddCallsBulk, RemoveCall,
 * ClearCampaignCalls, GetMembersList, AddMember, RemoveMember, StartCampaign): we infer
 * `/ForwardDialer/Dialer/<Method>` from the seven legible ones (§13.15). Unverified.
 */
export function dialerPath(method: DialerMethod): string {
	return `/ForwardDialer/Dialer/${method}`;
}

/**
 * What each documented code means, per method. The codes are method-specific (§13.15):
 * ClearCampaignCalls answers 4 "Internal error occurred" and GetCampaignPendingCalls 2
 * "Internal error occurred" for an invalid campaign code, where the other methods answer 1.
 */
const CAMPAIGN_INVALID = 'the campaign code is invalid';
const TARGET_ERRORS: Record<number, string> = {
	1: CAMPAIGN_INVALID,
	2: 'the Target is missing',
	[-2]: 'the Target phone number is invalid',
};
export const DIALER_ERROR_MEANINGS: Record<DialerMethod, Record<number, string>> = {
	GetCampaignList: {},
	AddCall: TARGET_ERRORS,
	AddCallsBulk: TARGET_ERRORS,
	UpdateCall: TARGET_ERRORS,
	RemoveCall: { 1: CAMPAIGN_INVALID, 2: 'the Target is missing' },
	ClearCampaignCalls: { 4: CAMPAIGN_INVALID },
	GetMembersList: {},
	AddMember: { 2: 'the Member (extension SIP code) is missing or invalid' },
	RemoveMember: { 2: 'the Member (extension SIP code) is missing or invalid' },
	StopCampaign: { 1: CAMPAIGN_INVALID },
	StartCampaign: { 1: CAMPAIGN_INVALID },
	GetCampaignPendingCalls: { 2: CAMPAIGN_INVALID },
	GetCampaignDetails: {},
	UpdateCampaignStrategy: {},
};

/** What to do next, per meaning above. */
const NEXT_STEP_FOR_MEANING: Record<string, string> = {
	[CAMPAIGN_INVALID]: 'Pick the campaign from the list, or take its code from Campaign → Get Many',
	'the Target is missing': 'Give the Target phone number',
	'the Target phone number is invalid':
		'Write the Target as a phone number, e.g. 972501234567 (international) or 0501234567 (Israeli)',
	'the Member (extension SIP code) is missing or invalid':
		'Pick the member from the list: an extension SIP code of this account, e.g. SIPSIP1',
};

/** A NodeApiError carrying Voicenter's code and text, with the method-specific meaning and next step. */
export function dialerApiError(
	ctx: IExecuteFunctions,
	method: DialerMethod,
	outcome: VoicenterOutcome,
	body: unknown,
	itemIndex: number,
	httpCode?: number,
): NodeApiError {
	const error = voicenterApiError(ctx.getNode(), 'dialer', outcome, body, { itemIndex, httpCode });
	const meaning = outcome.code === undefined ? undefined : DIALER_ERROR_MEANINGS[method][outcome.code];
	const codeText = outcome.code === undefined ? '' : ` (code ${outcome.code})`;
	const next = meaning ? NEXT_STEP_FOR_MEANING[meaning] : undefined;
	error.description = `Voicenter rejected ${method}${codeText}: ${outcome.message || 'no description'}${
		meaning ? ` — for ${method} this means ${meaning}` : ''
	}${next ? `. ${next}` : ''}`;
	if (next) error.context.nextStep = next;
	error.context.dialerMethod = method;
	return error;
}

/** Calls one Dialer method (POST-JSON) and throws a NodeApiError on a non-zero ErrorCode. */
export async function dialerRequest(
	ctx: IExecuteFunctions,
	method: DialerMethod,
	body: IDataObject | IDataObject[],
	itemIndex: number,
): Promise<{ body: IDataObject; outcome: VoicenterOutcome }> {
	const response = await voicenterApiRequest.call(ctx, {
		host: 'api',
		path: dialerPath(method),
		body,
		envelope: 'dialer',
		itemIndex,
		operation: method,
		returnErrors: true,
	});
	const outcome = readOutcome('dialer', response.body);
	if (!outcome.ok || response.statusCode >= 400) {
		throw dialerApiError(
			ctx,
			method,
			outcome.ok ? { ok: false, code: outcome.code, message: `HTTP ${response.statusCode}` } : outcome,
			response.body,
			itemIndex,
			response.statusCode >= 400 ? response.statusCode : undefined,
		);
	}
	return { body: response.body, outcome };
}

/** The documented envelope, read through the `" ErrorCode"` typo (§13.14). */
export function envelopeOf(outcome: VoicenterOutcome): IDataObject {
	return { ErrorCode: outcome.code ?? null, Description: outcome.message };
}

// ----------------------------------------------------------------------------------------
// Campaign field

export const campaignLocator: INodeProperties = {
	displayName: 'Campaign',
	name: 'campaign',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The dialer campaign. Its code comes from GetCampaignList.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a campaign...',
			typeOptions: { searchListMethod: 'searchCampaigns', searchable: true },
		},
		{
			displayName: 'By Code',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. XXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		},
	],
};

/** Reads the campaign code of one item; fails before any request when it is empty. */
export function getCampaign(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('campaign', itemIndex, '', { extractValue: true }) as unknown;
	const value =
		raw && typeof raw === 'object'
			? (raw as IDataObject).value
			: raw === undefined || raw === null
				? ''
				: raw;
	const code = String(value ?? '').trim();
	if (code === '') {
		throw new NodeOperationError(ctx.getNode(), `Campaign is required (item ${itemIndex})`, {
			itemIndex,
			description: 'Pick a campaign from the list, or give its code (from Campaign → Get Many)',
		});
	}
	return code;
}

// ----------------------------------------------------------------------------------------
// Target object (AddCall, AddCallsBulk, UpdateCall)

export const targetFields: INodeProperties[] = [
	{
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 972501234567 or 0501234567',
		description: 'Phone number to dial. Add the international prefix (not needed for Israeli numbers).',
	},
	{
		displayName: 'Custom Data',
		name: 'customData',
		type: 'fixedCollection',
		placeholder: 'Add Field',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Your data for this target (CustomData), returned in the CDR and shown in the screen pop. The documented examples use var_ names, e.g. var_LeadID.',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						placeholder: 'e.g. var_LeadID',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Caller ID',
				name: 'callerId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 0722776772',
				description: 'Caller ID presented on the call to this target (must be a number of your account)',
			},
			{
				displayName: 'Customer Name',
				name: 'customerName',
				type: 'string',
				default: '',
				placeholder: 'e.g. John Doe',
			},
			{
				displayName: 'Is Date Local',
				name: 'isDateLocal',
				type: 'boolean',
				default: true,
				description:
					'Whether the originate time is in the account\'s local time zone (recommended) rather than GMT+0. Sent only with an originate time, as the string "true"/"false" like the documented examples.',
			},
			{
				displayName: 'Originate Time',
				name: 'originateTime',
				type: 'dateTime',
				default: '',
				description:
					"Dial at this future time (sent as Unix epoch seconds; a date without a time zone is read in the workflow's time zone). Leave empty to dial as early as possible.",
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description: 'Dialling priority: a higher value is dialled first',
			},
		],
	},
];

/** Option of Campaign Call → Add and Update (read by buildTarget's caller). */
export const allowPastOriginateTimeOption: INodeProperties = {
	displayName: 'Allow Past Originate Time',
	name: 'allowPastOriginateTime',
	type: 'boolean',
	default: false,
	description:
		'Whether to send an originate time that is already past. Voicenter does not document what it does with one; by default such items are refused before any request.',
};

export interface TargetBuildOptions {
	/** Reject originate times in the past (default). The API does not document it. */
	allowPastOriginateTime?: boolean;
	now?: number;
}

/**
 * Builds one documented Target object for one item, validating everything before any
 * request: campaign, Target and CallerID (through ../../shared/phone), priority, custom
 * data keys and the originate time.
 */
export function buildTarget(
	ctx: IExecuteFunctions,
	i: number,
	options: TargetBuildOptions = {},
): IDataObject {
	const node = ctx.getNode();
	const Campaign = getCampaign(ctx, i);
	const rawTarget = ctx.getNodeParameter('target', i, '') as unknown;
	if (rawTarget === undefined || rawTarget === null || String(rawTarget).trim() === '') {
		throw new NodeOperationError(node, `Target is required (item ${i})`, { itemIndex: i });
	}
	const Target = validatePhone(node, i, 'Target', rawTarget);
	const body: IDataObject = { Campaign, Target };
	const fields = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
	if (typeof fields.customerName === 'string' && fields.customerName.trim() !== '') {
		body.CustomerName = fields.customerName.trim();
	}
	if (fields.callerId !== undefined && String(fields.callerId).trim() !== '') {
		body.CallerID = validatePhone(node, i, 'Caller ID', fields.callerId);
	}
	if (fields.priority !== undefined && fields.priority !== '') {
		const priority = Number(fields.priority);
		if (!Number.isInteger(priority) || priority < 0) {
			throw new NodeOperationError(node, `Priority must be a whole number of 0 or more (item ${i})`, {
				itemIndex: i,
			});
		}
		body.Priority = priority;
	}
	if (fields.originateTime !== undefined && fields.originateTime !== '') {
		const ms = toEpochMs(fields.originateTime, ctx.getTimezone());
		if (ms === undefined) {
			throw new NodeOperationError(
				node,
				`Originate Time "${String(fields.originateTime)}" is not a valid date (item ${i})`,
				{ itemIndex: i },
			);
		}
		const now = options.now ?? Date.now();
		// The API does not say whether a past time is rejected; a past time is almost always a
		// mistake (the target would be dialled at once), so we refuse it unless allowed.
		if (!options.allowPastOriginateTime && ms < now) {
			throw new NodeOperationError(
				node,
				`Originate Time ${new Date(ms).toISOString()} is in the past (item ${i})`,
				{
					itemIndex: i,
					description:
						'Choose a future time, leave it empty to dial as soon as possible, or turn on the "Allow Past Originate Time" option',
				},
			);
		}
		body.OriginateTime = Math.floor(ms / 1000);
		// "If used, IsDateLocal must also be sent". Typed bool, the examples send "true": we send
		// the string form of the examples (§13.15, §17).
		body.IsDateLocal = fields.isDateLocal === false ? 'false' : 'true';
	}
	const customData = readCustomData(ctx, i);
	if (customData) body.CustomData = customData;
	return body;
}

export function readCustomData(ctx: IExecuteFunctions, i: number): IDataObject | undefined {
	const pairs =
		(ctx.getNodeParameter('customData.field', i, []) as Array<{ key?: unknown; value?: unknown }>) ?? [];
	if (!pairs.length) return undefined;
	const data: IDataObject = {};
	for (const pair of pairs) {
		const key = String(pair.key ?? '').trim();
		if (!key) {
			throw new NodeOperationError(ctx.getNode(), `A Custom Data field has no key (item ${i})`, {
				itemIndex: i,
			});
		}
		if (key in data) {
			throw new NodeOperationError(ctx.getNode(), `Custom Data key "${key}" is given twice (item ${i})`, {
				itemIndex: i,
			});
		}
		data[key] = (pair.value ?? '') as IDataObject[string];
	}
	return data;
}

/** Reads the Member (extension SIP code) of one item. */
export function getMember(ctx: IExecuteFunctions, i: number): string {
	const raw = ctx.getNodeParameter('member', i, '') as unknown;
	const text = raw === undefined || raw === null ? '' : String(raw).trim();
	if (text === '') {
		throw new NodeOperationError(ctx.getNode(), `Member is required (item ${i})`, { itemIndex: i });
	}
	if (!isExtensionId(text)) {
		throw new NodeOperationError(ctx.getNode(), `Invalid Member "${text}" in item ${i}`, {
			itemIndex: i,
			description: 'Use the SIP code of a Voicenter extension, e.g. SIPSIP1',
		});
	}
	return text;
}

/** Pending call as output: the documented `Priorety` typo is returned as `Priority`. */
export function normalizePendingCall(call: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [rawKey, value] of Object.entries(call)) {
		const key = rawKey.trim();
		// GetCampaignPendingCalls answers "Priorety" (sic, §13.11); requests use "Priority".
		if (key === 'Priorety') {
			if (!('Priority' in call)) out.Priority = value;
			continue;
		}
		out[key] = value;
	}
	return out;
}
