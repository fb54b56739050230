import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator, dialerRequest, getCampaign } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

export const description = updateDisplayOptions({ show: { resource: ['campaign'], operation: ['get'] } }, [
	campaignLocator,
] as INodeProperties[]);

/** GetCampaignDetails (§13.13): the campaign's `Data` as one item. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const { body } = await dialerRequest(this, 'GetCampaignDetails', { Campaign }, i);
		const data = body.Data;
		// Typed "array" in the table, an object in the example: accept both.
		if (Array.isArray(data)) return (data[0] ?? {}) as IDataObject;
		return (data && typeof data === 'object' ? data : {}) as IDataObject;
	});
}
