import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { dialerRequest, envelopeOf, getCampaign, getMember } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

export const memberField: INodeProperties = {
	displayName: 'Member Name or ID',
	name: 'member',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getExtensions' },
	required: true,
	default: '',
	description:
		'The agent\'s extension (its SIP code, e.g. SIPSIP1). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/**
 * AddMember / RemoveMember (§13.7, §13.8): one item per input item,
 * `{Campaign, Member, TotalAdded | TotalRemoved, ErrorCode, Description}`.
 */
export async function changeMember(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	method: 'AddMember' | 'RemoveMember',
	totalKey: 'TotalAdded' | 'TotalRemoved',
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(ctx, items, async (i) => {
		const Campaign = getCampaign(ctx, i);
		const Member = getMember(ctx, i);
		const { body, outcome } = await dialerRequest(ctx, method, { Campaign, Member }, i);
		const data = (body.Data && typeof body.Data === 'object' ? body.Data : {}) as IDataObject;
		return {
			Campaign,
			Member,
			[totalKey]: (data[totalKey] ?? null) as number | null,
			...envelopeOf(outcome),
		};
	});
}
