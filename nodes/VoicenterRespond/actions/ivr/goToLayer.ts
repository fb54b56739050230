/** IVR answer "Go to Layer" (§8.3, GO_TO_LAYER): send the caller to a layer. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Answer } from './common';
import { callerNameOption, customData, layer } from './common';

export const description: INodeProperties[] = [
	{
		displayName: 'Layer',
		name: 'layer',
		type: 'number',
		required: true,
		default: 1,
		description: 'Layer number to send the call to',
	},
];

export function build(ctx: IExecuteFunctions, options: IDataObject): Answer {
	return {
		STATUS: 0,
		ACTION: 'GO_TO_LAYER',
		LAYER: layer(ctx, 'layer', 'Layer', ctx.getNodeParameter('layer', 0)),
		CALLER_NAME: callerNameOption(options) ?? null,
		CUSTOM_DATA: customData(ctx, options.customData),
	};
}
