import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as remove from './remove.operation';

export { add, remove };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['blacklist'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Block numbers: agents can no longer dial them',
				action: 'Add a number to the blacklist',
			},
			{
				name: 'Remove',
				value: 'remove',
				description: 'Unblock numbers so agents can dial them again',
				action: 'Remove a number from the blacklist',
			},
		],
		default: 'add',
	},
	...add.description,
	...remove.description,
];
