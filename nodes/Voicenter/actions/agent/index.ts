import type { INodeProperties } from 'n8n-workflow';

import * as setStatus from './setStatus.operation';

export { setStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Set Status',
				value: 'setStatus',
				description: 'Log an agent in or out of an extension, or set a break status (lunch, training…)',
				action: 'Set the status of an agent',
			},
		],
		default: 'setStatus',
	},
	...setStatus.description,
];
