/** Extension → Get Many (§12, GetExtensions on the monitor host): one item per extension. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkVoicenterResponse } from '../../../shared/errors';
import { runPerItem } from '../../../shared/execute';
import { readLimit, returnAllOrLimit, takeFirst } from '../common.descriptions';
import { addNextStep, MONITOR_NEXT_STEPS } from '../../helpers/nextSteps';
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
	...returnAllOrLimit({ returnAllDefault: true }),
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
		const limit = readLimit(this, i, true);
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
			try {
				checkVoicenterResponse(this.getNode(), 'monitor', body, {
					itemIndex: i,
					operation: 'the extension list',
				});
			} catch (error) {
				throw addNextStep(error, MONITOR_NEXT_STEPS);
			}
		}
		// An unknown code yields an empty list, possibly as a bare [] (§12.1).
		const list = (
			Array.isArray(bare) ? bare : Array.isArray(body.EXTENSIONS) ? body.EXTENSIONS : []
		) as IDataObject[];
		return takeFirst(list, limit);
	});
}
