/**
 * The Voicenter node's Request Options, shown for every operation: one fragment, read by the
 * transport itself (nodes/shared/transport.ts), so no operation has to pass it along.
 */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS } from './transport';

export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Request Option',
	default: {},
	options: [
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_SECONDS,
			description:
				'How long each request waits for Voicenter to answer before the item fails. Reads (Call Log, lists, active calls) are retried on a dropped connection or a 502/503/504; writes (Click2Call, Blacklist, Mute, Dialer changes) are never sent twice.',
		},
	],
};
