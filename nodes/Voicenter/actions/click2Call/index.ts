import type { INodeProperties } from 'n8n-workflow';

import * as call from './call.operation';
import * as terminate from './terminate.operation';

export { call, terminate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['click2Call'] } },
		options: [
			{
				name: 'Call',
				value: 'call',
				description: 'Ring the phone (leg 1), then dial the target (leg 2) and bridge them',
				action: 'Make a call',
			},
			{
				name: 'Terminate',
				value: 'terminate',
				description: "Hang up an extension's active call",
				action: 'Hang up a call',
			},
		],
		default: 'call',
	},
	...call.description,
	...terminate.description,
];
