/** Active Call → Get Queue Callers (§11.2, GetQueuesCallers). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Queue Name or ID',
		name: 'queue',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getQueues' },
		default: '',
		description:
			'One queue, or all queues of the organisation. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'parent',
		options: [
			{ name: 'One Item per Queue', value: 'parent', description: 'Calls listed inside each queue' },
			{ name: 'One Item per Caller', value: 'call', description: "Each call with its queue's details" },
		],
	},
	{
		displayName: 'Only Queues With Callers',
		name: 'onlyWithCallers',
		type: 'boolean',
		default: false,
		displayOptions: { show: { output: ['parent'] } },
		description: 'Whether to leave out queues where nobody is waiting',
	},
];

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
		const { body: response } = await voicenterApiRequest.call(this, {
			host: 'monapisec',
			path: '/comet/API/GetQueuesCallers',
			body,
			envelope: 'monitor',
			itemIndex: i,
			operation: 'the queue callers request',
		});
		const queues = (Array.isArray(response.QUEUES) ? response.QUEUES : []) as IDataObject[];
		const output = this.getNodeParameter('output', i, 'parent') as string;
		if (output === 'call') {
			return queues.flatMap((q) => {
				const { Callers, ...details } = q;
				return ((Array.isArray(Callers) ? Callers : []) as IDataObject[]).map((caller) => ({
					...caller,
					queue: details,
				}));
			});
		}
		const only = this.getNodeParameter('onlyWithCallers', i, false) as boolean;
		return queues
			.map((q) => ({ ...q, Callers: Array.isArray(q.Callers) ? q.Callers : [] }))
			.filter((q) => !only || q.Callers.length > 0);
	});
}
