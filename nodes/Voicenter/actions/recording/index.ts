import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as mute from './mute.operation';
import * as unmute from './unmute.operation';

export { download, mute, unmute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recording'] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				description: 'Download a call recording as a file, by its link or by call ID',
				action: 'Download a recording',
			},
			{
				name: 'Mute',
				value: 'mute',
				description: 'Stop recording active calls (e.g. while a card number is read out)',
				action: 'Mute a call recording',
			},
			{
				name: 'Unmute',
				value: 'unmute',
				description: 'Resume recording active calls',
				action: 'Unmute a call recording',
			},
		],
		default: 'mute',
	},
	...download.description,
	...mute.description,
	...unmute.description,
];
