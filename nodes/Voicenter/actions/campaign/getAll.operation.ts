import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dialerRequest } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';
import { readLimit, returnAllOrLimit, takeFirst } from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllOrLimit(),
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
		const limit = readLimit(this, i);
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const { body } = await dialerRequest(this, 'GetCampaignList', {}, i);
		let list = (Array.isArray(body.Data) ? body.Data : []) as IDataObject[];
		if (filters.status) list = list.filter((c) => c.StatusName === filters.status);
		return takeFirst(list, limit);
	});
}
