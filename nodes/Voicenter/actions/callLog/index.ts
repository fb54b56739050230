import type { INodeProperties } from 'n8n-workflow';

import * as search from './search.operation';

export { search };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['callLog'] } },
		options: [
			{
				name: 'Search',
				value: 'search',
				description: 'Get the CDRs of a time range, with filters',
				action: 'Search the call log',
			},
		],
		default: 'search',
	},
	...search.description,
];
