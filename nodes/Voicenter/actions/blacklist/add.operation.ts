import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { batchOptions, executeBlacklist, phoneProperty } from './shared';

const properties: INodeProperties[] = [
	phoneProperty('block'),
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. John Doe',
		description: 'Name of the blocked destination, shown in Voicenter',
	},
	batchOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['blacklist'], operation: ['add'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await executeBlacklist.call(this, items, 'add');
}
