import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator, dialerRequest, getCampaign } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';
import { readLimit, returnAllOrLimit, takeFirst } from '../common.descriptions';

const properties: INodeProperties[] = [campaignLocator, ...returnAllOrLimit()];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignMember'], operation: ['getAll'] } },
	properties,
);

/** GetMembersList (§13.6, agent-dialer campaigns): one item per agent `{Member, DisplayName}`. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const limit = readLimit(this, i);
		const { body } = await dialerRequest(this, 'GetMembersList', { Campaign }, i);
		const list = (Array.isArray(body.Data) ? body.Data : []) as IDataObject[];
		return takeFirst(list, limit);
	});
}
