import type { INodeProperties } from 'n8n-workflow';

import * as click2Call from './click2Call';

/** Resource selector and every resource's parameters, in one list. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Click2Call', value: 'click2Call' }],
		default: 'click2Call',
	},
	...click2Call.description,
];
