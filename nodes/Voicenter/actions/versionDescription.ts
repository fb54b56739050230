import type { INodeProperties } from 'n8n-workflow';

import * as campaign from './campaign';
import * as campaignCall from './campaignCall';
import * as campaignMember from './campaignMember';
import * as click2Call from './click2Call';

/** Resource selector and every resource's parameters, in one list. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Campaign', value: 'campaign' },
			{ name: 'Campaign Call', value: 'campaignCall' },
			{ name: 'Campaign Member', value: 'campaignMember' },
			{ name: 'Click2Call', value: 'click2Call' },
		],
		default: 'click2Call',
	},
	...click2Call.description,
	...campaign.description,
	...campaignCall.description,
	...campaignMember.description,
];
