/** IVR answer "Dial" (§8.5, DIAL): forward the call to phone numbers or extensions. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import type { Answer } from './common';
import { callerNameOption, customData, layer } from './common';

export const description: INodeProperties[] = [
	{
		displayName: 'Caller ID',
		name: 'callerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '0722776772',
		description: 'Number the dialled target sees',
	},
	{
		displayName: 'Targets',
		name: 'targets',
		type: 'fixedCollection',
		placeholder: 'Add Target',
		typeOptions: { multipleValues: true },
		default: {},
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
						placeholder: 'e.g. 0501234567 or SIPSIP1',
					},
				],
			},
		],
		description: 'Phone numbers or extensions the call is forwarded to. Add at least one target.',
	},
	{
		displayName: 'Max Call Duration (Seconds)',
		name: 'maxCallDuration',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1800,
	},
	{
		displayName: 'Max Dial Duration (Seconds)',
		name: 'maxDialDuration',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
	},
	{
		displayName: 'Layer on Failure',
		name: 'nextLayerOnFailure',
		type: 'number',
		required: true,
		default: 1,
		description: 'Layer the call goes to when no target can be reached (sent as NEXT_VO_ID)',
	},
	{
		displayName: 'Record the Call',
		name: 'recording',
		type: 'boolean',
		default: false,
	},
];

function duration(ctx: IExecuteFunctions, name: string, label: string): number {
	const v = ctx.getNodeParameter(name, 0) as number;
	if (!Number.isSafeInteger(v) || v < 1)
		throw new NodeOperationError(ctx.getNode(), `${label} must be a whole number of seconds (at least 1)`, {
			itemIndex: 0,
		});
	return v;
}

export function build(ctx: IExecuteFunctions, options: IDataObject): Answer {
	const targets =
		(ctx.getNodeParameter('targets', 0, {}) as { target?: Array<{ type: string; target: unknown }> })
			.target ?? [];
	if (!targets.length)
		throw new NodeOperationError(ctx.getNode(), 'Add at least one target to dial', { itemIndex: 0 });
	const answer: Answer = {
		STATUS: 0,
		ACTION: 'DIAL',
		CALLER_ID: validatePhone(ctx.getNode(), 0, 'Caller ID', ctx.getNodeParameter('callerId', 0)),
	};
	const callerName = callerNameOption(options);
	if (callerName) answer.CALLER_NAME = callerName;
	answer.MAX_CALL_DURATION = duration(ctx, 'maxCallDuration', 'Max Call Duration');
	answer.MAX_DIAL_DURATION = duration(ctx, 'maxDialDuration', 'Max Dial Duration');
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
