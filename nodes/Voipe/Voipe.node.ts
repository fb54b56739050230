import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties, router } from './actions';

export class Voipe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'VoIPe',
		name: 'voipe',
		icon: { light: 'file:voipe.svg', dark: 'file:voipe.dark.svg' },
		group: ['output'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Make Click2Call calls on a VoIPe PBX, from an extension or a mobile phone',
		defaults: { name: 'VoIPe' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'voipeApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
