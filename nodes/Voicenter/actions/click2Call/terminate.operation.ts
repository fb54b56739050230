import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { requiredString, runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';
import { TRY_AGAIN_THEN_SUPPORT, withNextSteps } from '../../helpers/nextSteps';

/** Click2Call's ERRORCODE (§4.4) for a hang-up → what to do next. */
const TERMINATE_NEXT_STEPS = {
	1: 'Check the extension: pick one of this account from the list',
	2: TRY_AGAIN_THEN_SUPPORT,
	3: 'The extension is offline, so it has no call to hang up',
	4: "Allow Click2Call for this extension in CPanel (the extension's settings)",
};

const properties: INodeProperties[] = [
	{
		displayName: 'Extension Name or ID',
		name: 'phone',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getExtensions' },
		required: true,
		default: '',
		description:
			'The Voicenter extension whose active call is hung up. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['click2Call'], operation: ['terminate'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const phone = validatePhone(
			this.getNode(),
			i,
			'Extension',
			requiredString(this, 'phone', 'Extension', i),
			{
				allowExtension: true,
			},
		);
		// The table writes `Phone`, every example `phone`; we send lowercase as the examples do (§4.6).
		const { body } = await withNextSteps(
			TERMINATE_NEXT_STEPS,
			async () =>
				await voicenterApiRequest.call(this, {
					host: 'api',
					path: '/ForwardDialer/click2call.aspx',
					body: { action: 'terminate', format: 'json', phone },
					envelope: 'click2call',
					itemIndex: i,
					operation: 'the terminate request',
				}),
		);
		return {
			CALLID: String(body.CALLID ?? ''),
			ERRORCODE: Number(body.ERRORCODE),
			ERRORMESSAGE: String(body.ERRORMESSAGE ?? ''),
		};
	});
}
