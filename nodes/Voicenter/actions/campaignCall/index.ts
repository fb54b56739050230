import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as remove from './remove.operation';
import * as update from './update.operation';

export { add, remove, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['campaignCall'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add targets (leads) to a campaign, batched into AddCallsBulk requests',
				action: 'Add a call to a campaign',
			},
			{
				name: 'Remove',
				value: 'remove',
				description: 'Remove a target (every occurrence) from a campaign',
				action: 'Remove a call from a campaign',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Update a target's details (adds it when missing)",
				action: 'Update a call in a campaign',
			},
		],
		default: 'add',
	},
	...add.description,
	...remove.description,
	...update.description,
];
