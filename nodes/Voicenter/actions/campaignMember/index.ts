import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as getAll from './getAll.operation';
import * as remove from './remove.operation';

export { add, getAll, remove };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['campaignMember'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add an agent (extension) to an agent-dialer campaign',
				action: 'Add a member to a campaign',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the agents of an agent-dialer campaign',
				action: 'Get many members of a campaign',
			},
			{
				name: 'Remove',
				value: 'remove',
				description: 'Remove an agent from an agent-dialer campaign',
				action: 'Remove a member from a campaign',
			},
		],
		default: 'add',
	},
	...add.description,
	...getAll.description,
	...remove.description,
];
