import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { campaignLocator, dialerRequest, envelopeOf, getCampaign, targetFields } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignCall'], operation: ['remove'] } },
	[
		campaignLocator,
		{ ...targetFields[0], description: 'Number to remove. Every occurrence in the campaign is removed.' },
	] as INodeProperties[],
);

/** RemoveCall ("Remove Call", §13.4): answers OK even when the target is not in the campaign. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const Campaign = getCampaign(this, i);
		const raw = this.getNodeParameter('target', i, '') as unknown;
		if (raw === undefined || raw === null || String(raw).trim() === '') {
			throw new NodeOperationError(this.getNode(), `Target is required (item ${i})`, { itemIndex: i });
		}
		const Target = validatePhone(this.getNode(), i, 'Target', raw);
		const { outcome } = await dialerRequest(this, 'RemoveCall', { Campaign, Target }, i);
		return { Campaign, Target, ...envelopeOf(outcome) };
	});
}
