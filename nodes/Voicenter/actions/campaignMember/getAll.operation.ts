import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator, dialerRequest, getCampaign } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

const properties: INodeProperties[] = [
	campaignLocator,
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignMember'], operation: ['getAll'] } },
	properties,
);

/** GetMembersList (§13.6, agent-dialer campaigns): one item per agent `{Member, DisplayName}`. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = this.getNodeParameter('limit', i, 50) as number;
		const { body } = await dialerRequest(this, 'GetMembersList', { Campaign }, i);
		const list = (Array.isArray(body.Data) ? body.Data : []) as IDataObject[];
		return returnAll ? list : list.slice(0, limit);
	});
}
