import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator } from '../../helpers/dialer';
import { changeMember, memberField } from './member';

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignMember'], operation: ['remove'] } },
	[campaignLocator, memberField] as INodeProperties[],
);

/** RemoveMember (§13): one item `{Campaign, Member, TotalRemoved, ErrorCode, Description}`. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await changeMember(this, items, 'RemoveMember', 'TotalRemoved');
}
