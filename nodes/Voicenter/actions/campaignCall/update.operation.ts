import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	allowPastOriginateTimeOption,
	buildTarget,
	campaignLocator,
	dialerRequest,
	envelopeOf,
	targetFields,
} from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

const properties: INodeProperties[] = [
	campaignLocator,
	...targetFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [allowPastOriginateTimeOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignCall'], operation: ['update'] } },
	properties,
);

/**
 * UpdateCall (§13.12): updates a target, adding it when it is not in the campaign. How the
 * target is matched is not documented (presumably Campaign + Target).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const body = buildTarget(this, i, { allowPastOriginateTime: options.allowPastOriginateTime === true });
		const { outcome } = await dialerRequest(this, 'UpdateCall', body, i);
		return { Campaign: body.Campaign, Target: body.Target, ...envelopeOf(outcome) };
	});
}
