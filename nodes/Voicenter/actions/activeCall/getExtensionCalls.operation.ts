/** Active Call → Get Extension Calls (§11.1, GetExtensionsCalls). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Extension Name or ID',
		name: 'extension',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getExtensionsWithAll' },
		default: '',
		description:
			'One extension, or all extensions of the organisation. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'parent',
		options: [
			{ name: 'One Item per Extension', value: 'parent', description: 'Calls listed inside each extension' },
			{ name: 'One Item per Call', value: 'call', description: "Each call with its extension's details" },
		],
	},
	{
		displayName: 'Only Extensions With Calls',
		name: 'onlyWithCalls',
		type: 'boolean',
		default: false,
		displayOptions: { show: { output: ['parent'] } },
		description: 'Whether to leave out extensions that have no active call',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['activeCall'], operation: ['getExtensionCalls'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const raw = String(this.getNodeParameter('extension', i, '') ?? '').trim();
		const body: IDataObject = {};
		if (raw !== '')
			body.extension = validatePhone(this.getNode(), i, 'Extension', raw, { allowExtension: true });
		const { body: response } = await voicenterApiRequest.call(this, {
			host: 'monapisec',
			path: '/comet/API/GetExtensionsCalls',
			body,
			envelope: 'monitor',
			itemIndex: i,
			operation: 'the active calls request',
		});
		const extensions = (Array.isArray(response.EXTENSIONS) ? response.EXTENSIONS : []) as IDataObject[];
		const output = this.getNodeParameter('output', i, 'parent') as string;
		if (output === 'call') {
			return extensions.flatMap((ext) => {
				const { calls, ...details } = ext;
				return ((Array.isArray(calls) ? calls : []) as IDataObject[]).map((call) => ({
					...call,
					extension: details,
				}));
			});
		}
		const onlyWithCalls = this.getNodeParameter('onlyWithCalls', i, false) as boolean;
		return extensions
			.map((ext) => ({ ...ext, calls: Array.isArray(ext.calls) ? ext.calls : [] }))
			.filter((ext) => !onlyWithCalls || ext.calls.length > 0);
	});
}
