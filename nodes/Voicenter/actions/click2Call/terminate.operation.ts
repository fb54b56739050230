import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { requiredString, runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';

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
		const { body } = await voicenterApiRequest.call(this, {
			host: 'api',
			path: '/ForwardDialer/click2call.aspx',
			body: { action: 'terminate', format: 'json', phone },
			envelope: 'click2call',
			itemIndex: i,
			operation: 'the terminate request',
		});
		return {
			CALLID: String(body.CALLID ?? ''),
			ERRORCODE: Number(body.ERRORCODE),
			ERRORMESSAGE: String(body.ERRORMESSAGE ?? ''),
		};
	});
}
