import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator, dialerRequest, envelopeOf, getCampaign, getMember } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';
import { memberField } from './member';

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignMember'], operation: ['add'] } },
	[campaignLocator, memberField] as INodeProperties[],
);

/** AddMember (§13): one item `{Campaign, Member, TotalAdded, ErrorCode, Description}`. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const Member = getMember(this, i);
		const { body, outcome } = await dialerRequest(this, 'AddMember', { Campaign, Member }, i);
		const data = (body.Data && typeof body.Data === 'object' ? body.Data : {}) as IDataObject;
		return {
			Campaign,
			Member,
			TotalAdded: (data.TotalAdded ?? null) as number | null,
			...envelopeOf(outcome),
		};
	});
}
