import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { batchOptions, executeBlacklist, phoneProperty } from './shared';

const properties: INodeProperties[] = [phoneProperty('unblock'), batchOptions()];

export const description = updateDisplayOptions(
	{ show: { resource: ['blacklist'], operation: ['remove'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await executeBlacklist.call(this, items, 'remove');
}
