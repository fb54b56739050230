import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { requiredString, runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';
import { TRY_AGAIN_THEN_SUPPORT, withNextSteps } from '../../helpers/nextSteps';

/** Voicenter accepts at most 10 `var_*` custom fields per call (§4.1). */
export const MAX_CUSTOM_VARIABLES = 10;

const properties: INodeProperties[] = [
	{
		displayName: 'Phone (Leg 1)',
		name: 'phone',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. SIPSIP or 0501234567',
		description:
			"Dialled first: usually the agent's Voicenter extension ID, or a phone number. SIPTRUNK and logincode are accepted as documented.",
	},
	{
		displayName: 'Target (Leg 2)',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 972501234567',
		description: 'Dialled after leg 1 answers: the customer number or an extension ID',
	},
	{
		displayName: 'Phone Login Code',
		name: 'phonelogincode',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: { show: { phone: ['logincode'] } },
		description: "The user's login code from CPanel, required when Phone is logincode",
	},
	{
		displayName: 'Custom Variables',
		name: 'customVariables',
		type: 'fixedCollection',
		placeholder: 'Add Variable',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Up to 10 var_* fields shown in the screen pop and passed to the CDR. The var_ prefix is added when missing.',
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. var_customer',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Auto-Answer Phone',
				name: 'phoneautoanswer',
				type: 'boolean',
				default: false,
				description: 'Whether the leg-1 extension answers automatically (Voicenter extensions only)',
			},
			{
				displayName: 'Auto-Answer Target',
				name: 'targetautoanswer',
				type: 'boolean',
				default: false,
				description: 'Whether the target extension answers automatically (Voicenter extensions only)',
			},
			{
				displayName: 'Check Phone Device State',
				name: 'checkphonedevicestate',
				type: 'boolean',
				default: false,
				description: 'Whether to block the call when the Phone extension is offline',
			},
			{
				displayName: 'Check Target Device State',
				name: 'checktargetdevicestate',
				type: 'boolean',
				default: false,
				description: 'Whether to block the call when the Target extension is offline',
			},
			{
				displayName: 'Ignore Do-Not-Call Status',
				name: 'ignoredncstatus',
				type: 'options',
				default: 0,
				options: [
					{ name: 'No', value: 0 },
					{ name: 'For Phone', value: 1 },
					{ name: 'For Target', value: 2 },
					{ name: 'For Both', value: 3 },
				],
				description: 'Allow calling numbers on the Do-Not-Call registry (accounts with the DNC service only)',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'e.g. he, en, ru',
				description: 'Language of system prompts',
			},
			{
				displayName: 'Max Call Duration (Seconds)',
				name: 'maxduration',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 7200,
			},
			{
				displayName: 'Phone Caller ID',
				name: 'phonecallerid',
				type: 'string',
				default: '',
				description: 'Caller ID shown on the leg-1 call (to Phone)',
			},
			{
				displayName: 'Phone Caller Name',
				name: 'phonecallername',
				type: 'string',
				default: '',
				description: 'Caller name shown on the leg-1 call',
			},
			{
				displayName: 'Phone Max Dial Time (Seconds)',
				name: 'phonemaxdialtime',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
			},
			{
				displayName: 'Record',
				name: 'record',
				type: 'boolean',
				default: false,
				description: 'Whether to record the call',
			},
			{
				displayName: 'Target Caller ID',
				name: 'targetcallerid',
				type: 'string',
				default: '',
				description: 'Caller ID the target sees on the leg-2 call',
			},
			{
				displayName: 'Target Caller Name',
				name: 'targetcallername',
				type: 'string',
				default: '',
				description: 'Caller name shown on the leg-2 call',
			},
			{
				displayName: 'Target Max Dial Time (Seconds)',
				name: 'targetmaxdialtime',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['click2Call'], operation: ['call'] } },
	properties,
);

/** Click2Call's ERRORCODE (§4.4) → what to do next. */
export const CLICK2CALL_NEXT_STEPS: Record<number, string> = {
	1: 'Check Phone (Leg 1) and Target (Leg 2): each must be an extension of this account or a phone number, and Voicenter names the one it refused',
	2: TRY_AGAIN_THEN_SUPPORT,
	3: "The Phone (Leg 1) extension is offline: log the agent's phone or softphone in, then try again",
	4: "Allow Click2Call for this extension in CPanel (the extension's settings), or call from an extension that has it",
};

const PHONE_RULES = { allowExtension: true, specialValues: ['SIPTRUNK', 'logincode'] };

/** Builds the documented `action=call` body for one item; throws before any request on bad input. */
export function buildCallBody(this: IExecuteFunctions, i: number): IDataObject {
	const node = this.getNode();
	const phone = validatePhone(
		node,
		i,
		'Phone (Leg 1)',
		requiredString(this, 'phone', 'Phone (Leg 1)', i),
		PHONE_RULES,
	);
	const target = validatePhone(
		node,
		i,
		'Target (Leg 2)',
		requiredString(this, 'target', 'Target (Leg 2)', i),
		{
			allowExtension: true,
		},
	);
	const body: IDataObject = { action: 'call', format: 'json', phone, target };
	if (phone === 'logincode') {
		body.phonelogincode = requiredString(this, 'phonelogincode', 'Phone Login Code', i);
	}
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	for (const key of ['phonecallerid', 'targetcallerid']) {
		if (options[key])
			body[key] = validatePhone(
				node,
				i,
				key === 'phonecallerid' ? 'Phone Caller ID' : 'Target Caller ID',
				options[key],
			);
	}
	for (const key of ['phonecallername', 'targetcallername', 'language']) {
		if (typeof options[key] === 'string' && (options[key] as string).trim() !== '')
			body[key] = (options[key] as string).trim();
	}
	for (const key of ['phonemaxdialtime', 'targetmaxdialtime', 'maxduration']) {
		if (options[key] !== undefined) {
			const n = Number(options[key]);
			if (!Number.isInteger(n) || n <= 0) {
				throw new NodeOperationError(
					node,
					`Option ${key} must be a whole number of seconds above 0 (item ${i})`,
					{ itemIndex: i },
				);
			}
			body[key] = n;
		}
	}
	for (const key of [
		'record',
		'phoneautoanswer',
		'targetautoanswer',
		'checkphonedevicestate',
		'checktargetdevicestate',
	]) {
		if (options[key] !== undefined) body[key] = options[key] === true;
	}
	if (options.ignoredncstatus) body.ignoredncstatus = Number(options.ignoredncstatus);

	const vars =
		(this.getNodeParameter('customVariables.variable', i, []) as Array<{ name?: string; value?: unknown }>) ??
		[];
	const seen = new Set<string>();
	for (const v of vars) {
		const rawName = String(v.name ?? '').trim();
		if (!rawName) {
			throw new NodeOperationError(node, `A custom variable has no name (item ${i})`, { itemIndex: i });
		}
		const name = rawName.toLowerCase().startsWith('var_') ? `var_${rawName.slice(4)}` : `var_${rawName}`;
		if (!/^var_[A-Za-z0-9_]+$/.test(name)) {
			throw new NodeOperationError(
				node,
				`Custom variable name "${rawName}" may contain only letters, digits and _ (item ${i})`,
				{
					itemIndex: i,
				},
			);
		}
		if (seen.has(name)) {
			throw new NodeOperationError(node, `Custom variable ${name} is given twice (item ${i})`, {
				itemIndex: i,
			});
		}
		seen.add(name);
		body[name] = v.value === undefined || v.value === null ? '' : String(v.value);
	}
	if (seen.size > MAX_CUSTOM_VARIABLES) {
		throw new NodeOperationError(
			node,
			`Too many custom variables: ${seen.size} given, Voicenter accepts at most ${MAX_CUSTOM_VARIABLES} var_* fields (item ${i})`,
			{ itemIndex: i },
		);
	}
	return body;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const body = buildCallBody.call(this, i);
		const { body: response } = await withNextSteps(
			CLICK2CALL_NEXT_STEPS,
			async () =>
				await voicenterApiRequest.call(this, {
					host: 'api',
					path: '/ForwardDialer/click2call.aspx',
					body,
					envelope: 'click2call',
					itemIndex: i,
					operation: 'the Click2Call request',
				}),
		);
		return {
			CALLID: String(response.CALLID ?? ''),
			ERRORCODE: Number(response.ERRORCODE),
			ERRORMESSAGE: String(response.ERRORMESSAGE ?? ''),
		};
	});
}
