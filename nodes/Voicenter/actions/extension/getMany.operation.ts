/** Extension → Get Many (§12, GetExtensions on the monitor host): one item per extension. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { checkVoicenterResponse } from '../../../shared/errors';
import { runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Show All',
		name: 'showAll',
		type: 'boolean',
		default: true,
		description:
			'Whether to list the extensions of the whole organisation, or only of the sub-account whose code the credential holds',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: true,
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
	{ show: { resource: ['extension'], operation: ['getMany'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const showAll = this.getNodeParameter('showAll', i, true) as boolean;
		const returnAll = this.getNodeParameter('returnAll', i, true) as boolean;
		const limit = returnAll ? Infinity : Number(this.getNodeParameter('limit', i, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1))
			throw new NodeOperationError(this.getNode(), `Limit must be 1 or more (item ${i})`, { itemIndex: i });
		// The example sends the int 0/1 (§12).
		const { body } = await voicenterApiRequest.call(this, {
			host: 'monitor',
			path: '/Comet/api/GetExtensions',
			body: { showAll: showAll ? 1 : 0 },
			envelope: 'monitor',
			itemIndex: i,
			operation: 'the extension list',
			returnErrors: true,
		});
		const bare = (body as { __array?: unknown }).__array;
		if (!Array.isArray(bare)) {
			checkVoicenterResponse(this.getNode(), 'monitor', body, {
				itemIndex: i,
				operation: 'the extension list',
			});
		}
		// An unknown code yields an empty list, possibly as a bare [] (§12.1).
		const list = (
			Array.isArray(bare) ? bare : Array.isArray(body.EXTENSIONS) ? body.EXTENSIONS : []
		) as IDataObject[];
		return list.slice(0, limit);
	});
}
