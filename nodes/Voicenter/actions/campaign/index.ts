import type { INodeProperties } from 'n8n-workflow';

import * as clearCalls from './clearCalls.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getPendingCalls from './getPendingCalls.operation';
import * as start from './start.operation';
import * as stop from './stop.operation';
import * as updateStrategy from './updateStrategy.operation';

export { clearCalls, get, getAll, getPendingCalls, start, stop, updateStrategy };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['campaign'] } },
		options: [
			{
				name: 'Clear Calls',
				value: 'clearCalls',
				description: 'Remove every pending target from a campaign',
				action: 'Clear the pending calls of a campaign',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the details of a campaign',
				action: 'Get a campaign',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: "List the account's dialer campaigns",
				action: 'Get many campaigns',
			},
			{
				name: 'Get Pending Calls',
				value: 'getPendingCalls',
				description: 'List the targets still waiting to be dialled, or the campaign summary',
				action: 'Get the pending calls of a campaign',
			},
			{
				name: 'Start',
				value: 'start',
				description: 'Start (enable) a campaign',
				action: 'Start a campaign',
			},
			{
				name: 'Stop',
				value: 'stop',
				description: 'Stop (disable) a campaign',
				action: 'Stop a campaign',
			},
			{
				name: 'Update Strategy',
				value: 'updateStrategy',
				description: 'Set the smart-dialer pacing against a queue',
				action: 'Update the strategy of a campaign',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...start.description,
	...stop.description,
	...clearCalls.description,
	...getPendingCalls.description,
	...updateStrategy.description,
];
