import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator, dialerRequest, envelopeOf, getCampaign } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

const properties: INodeProperties[] = [
	campaignLocator,
	{
		displayName: 'Queue to Monitor',
		name: 'setQueueForMonitoring',
		type: 'number',
		required: true,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 0,
		description: "ID of the queue whose load the dialer watches (from the admin panel's Queues menu)",
	},
	{
		displayName: 'Maximum Callers in Queue',
		name: 'setQueueMaximumCallers',
		type: 'number',
		required: true,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: 'Maximum number of callers you want waiting in that queue. Must be greater than 0.',
	},
	{
		displayName: 'Coefficient',
		name: 'setCoefficient',
		type: 'number',
		required: true,
		typeOptions: { minValue: 2, numberPrecision: 0 },
		default: 2,
		description: 'Dialling-rate coefficient of the campaign. Must be greater than 1.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaign'], operation: ['updateStrategy'] } },
	properties,
);

function wholeNumber(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	min: number,
	rule: string,
	i: number,
): number {
	const raw = ctx.getNodeParameter(name, i, undefined) as unknown;
	const n = raw === '' || raw === null || raw === undefined ? NaN : Number(raw);
	if (!Number.isInteger(n) || n < min) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${label} must be a whole number ${rule} (item ${i}); got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`,
			{ itemIndex: i },
		);
	}
	return n;
}

/**
 * UpdateCampaignStrategy (§13.14), smart-dialer pacing. The documented answer has a
 * `" ErrorCode"` key (leading space); it is read through and output as `ErrorCode`.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const body = {
			Campaign,
			setQueueForMonitoring: wholeNumber(
				this,
				'setQueueForMonitoring',
				'Queue to Monitor',
				1,
				'above 0 (a queue ID)',
				i,
			),
			setQueueMaximumCallers: wholeNumber(
				this,
				'setQueueMaximumCallers',
				'Maximum Callers in Queue',
				1,
				'greater than 0',
				i,
			),
			setCoefficient: wholeNumber(this, 'setCoefficient', 'Coefficient', 2, 'greater than 1', i),
		};
		const { outcome } = await dialerRequest(this, 'UpdateCampaignStrategy', body, i);
		return { ...body, ...envelopeOf(outcome) };
	});
}
