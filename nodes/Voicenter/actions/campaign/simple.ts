import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { DialerMethod } from '../../helpers/dialer';
import { dialerRequest, envelopeOf, getCampaign } from '../../helpers/dialer';
import { runPerItem } from '../../../shared/execute';

/** Methods that take only `Campaign` and answer with the envelope: one item `{Campaign, ErrorCode, Description}`. */
export async function campaignOnly(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	method: DialerMethod,
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(ctx, items, async (i) => {
		const Campaign = getCampaign(ctx, i);
		const { outcome } = await dialerRequest(ctx, method, { Campaign }, i);
		return { Campaign, ...envelopeOf(outcome) };
	});
}
