import type { INodeProperties } from 'n8n-workflow';

import * as getExtensionCalls from './getExtensionCalls.operation';
import * as getQueueCallers from './getQueueCallers.operation';

export { getExtensionCalls, getQueueCallers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['activeCall'] } },
		options: [
			{
				name: 'Get Extension Calls',
				value: 'getExtensionCalls',
				description: 'Active calls and state of one extension or of all',
				action: 'Get active calls of extensions',
			},
			{
				name: 'Get Queue Callers',
				value: 'getQueueCallers',
				description: 'Calls waiting in one queue or in all queues',
				action: 'Get callers waiting in queues',
			},
		],
		default: 'getExtensionCalls',
	},
	...getExtensionCalls.description,
	...getQueueCallers.description,
];
