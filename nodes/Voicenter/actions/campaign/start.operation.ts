import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { campaignLocator } from '../../helpers/dialer';
import { campaignOnly } from './simple';

export const description = updateDisplayOptions({ show: { resource: ['campaign'], operation: ['start'] } }, [
	campaignLocator,
] as INodeProperties[]);

/** StartCampaign (§13): Start (enable) a campaign. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await campaignOnly(this, items, 'StartCampaign');
}
