import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dialerRequest } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

const properties: INodeProperties[] = [
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
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'Enabled',
				options: [
					{ name: 'Enabled', value: 'Enabled' },
					{ name: 'Disabled', value: 'Disabled' },
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaign'], operation: ['getAll'] } },
	properties,
);

/** GetCampaignList (§13.1): one item per campaign. The account `Code` is added by the credential. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = this.getNodeParameter('limit', i, 50) as number;
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const { body } = await dialerRequest(this, 'GetCampaignList', {}, i);
		let list = (Array.isArray(body.Data) ? body.Data : []) as IDataObject[];
		if (filters.status) list = list.filter((c) => c.StatusName === filters.status);
		return returnAll ? list : list.slice(0, limit);
	});
}
