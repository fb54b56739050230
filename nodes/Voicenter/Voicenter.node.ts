import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './actions/versionDescription';
import { listSearch, loadOptions } from './methods';

export class Voicenter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter',
		name: 'voicenter',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Use the Voicenter telephony API: Click2Call, call log, blacklist, recordings, extensions, active calls, dialer',
		defaults: { name: 'Voicenter' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'voicenterApi', required: true }],
		properties,
	};

	methods = { loadOptions, listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
