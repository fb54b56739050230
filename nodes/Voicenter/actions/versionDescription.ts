import type { INodeProperties } from 'n8n-workflow';

import * as activeCall from './activeCall';
import * as agent from './agent';
import * as blacklist from './blacklist';
import * as callLog from './callLog';
import * as campaign from './campaign';
import * as campaignCall from './campaignCall';
import * as campaignMember from './campaignMember';
import * as click2Call from './click2Call';
import * as extension from './extension';
import * as recording from './recording';
import { requestOptionsProperty } from '../../shared/requestOptions';

/** Resource selector and every resource's parameters, in one list. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Active Call', value: 'activeCall' },
			{ name: 'Agent', value: 'agent' },
			{ name: 'Blacklist', value: 'blacklist' },
			{ name: 'Call Log', value: 'callLog' },
			{ name: 'Campaign', value: 'campaign' },
			{ name: 'Campaign Call', value: 'campaignCall' },
			{ name: 'Campaign Member', value: 'campaignMember' },
			{ name: 'Click2Call', value: 'click2Call' },
			{ name: 'Extension', value: 'extension' },
			{ name: 'Recording', value: 'recording' },
		],
		default: 'click2Call',
	},
	...click2Call.description,
	...blacklist.description,
	...callLog.description,
	...recording.description,
	...extension.description,
	...activeCall.description,
	...campaign.description,
	...campaignCall.description,
	...campaignMember.description,
	...agent.description,
	requestOptionsProperty,
];
