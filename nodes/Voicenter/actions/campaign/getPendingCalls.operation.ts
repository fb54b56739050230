import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator, dialerRequest, getCampaign, normalizePendingCall } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';
import { readLimit, returnAllOrLimit, takeFirst } from '../common.descriptions';

const properties: INodeProperties[] = [
	campaignLocator,
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'calls',
		options: [
			{
				name: 'Pending Calls',
				value: 'calls',
				description: 'One item per target still waiting to be dialled',
			},
			{
				name: 'Campaign Summary',
				value: 'summary',
				description:
					'One item with the campaign information (status, pending count, priorities, dialer type)',
			},
		],
	},
	...returnAllOrLimit({ extraShow: { output: ['calls'] } }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaign'], operation: ['getPendingCalls'] } },
	properties,
);

/**
 * GetCampaignPendingCalls (§13.11, POST-JSON only). Each call's `Priorety` (sic) is output
 * as `Priority`.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const output = this.getNodeParameter('output', i, 'calls') as string;
		const { body } = await dialerRequest(this, 'GetCampaignPendingCalls', { Campaign }, i);
		const data = (body.Data && typeof body.Data === 'object' ? body.Data : {}) as IDataObject;
		if (output === 'summary') return (data.Campaign ?? {}) as IDataObject;
		const calls = (Array.isArray(data.Calls) ? data.Calls : []) as IDataObject[];
		return takeFirst(calls, readLimit(this, i)).map(normalizePendingCall);
	});
}
