/** Active Call → Get Queue Callers (§11.2, GetQueuesCallers). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';
import { activeListProperties, shapeActiveList } from '../common.descriptions';
import { MONITOR_NEXT_STEPS, withNextSteps } from '../../helpers/nextSteps';

const properties: INodeProperties[] = activeListProperties({
	selector: 'queue',
	selectorLabel: 'Queue Name or ID',
	loadOptionsMethod: 'getQueues',
	unit: 'queue',
	child: 'caller',
	onlyName: 'onlyWithCallers',
	onlyLabel: 'Only Queues With Callers',
	onlyDescription: 'Whether to leave out queues where nobody is waiting',
});

export const description = updateDisplayOptions(
	{ show: { resource: ['activeCall'], operation: ['getQueueCallers'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const queue = String(this.getNodeParameter('queue', i, '') ?? '').trim();
		const body: IDataObject = {};
		if (queue !== '') {
			if (!/^\d+$/.test(queue))
				throw new NodeOperationError(this.getNode(), `Queue "${queue}" is not a queue ID (item ${i})`, {
					itemIndex: i,
				});
			body.queue = queue;
		}
		const { body: response } = await withNextSteps(
			MONITOR_NEXT_STEPS,
			async () =>
				await voicenterApiRequest.call(this, {
					host: 'monapisec',
					path: '/comet/API/GetQueuesCallers',
					body,
					envelope: 'monitor',
					itemIndex: i,
					operation: 'the queue callers request',
				}),
		);
		const queues = (Array.isArray(response.QUEUES) ? response.QUEUES : []) as IDataObject[];
		return shapeActiveList(
			queues,
			'Callers',
			'queue',
			this.getNodeParameter('output', i, 'parent') as string,
			this.getNodeParameter('onlyWithCallers', i, false) as boolean,
		);
	});
}
