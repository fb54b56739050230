/** §15.1 Click2Call: ring a PBX extension, then dial the destination once it answers. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { validatePbxExtension, validatePhone } from '../../shared/phone';
import { requiredString } from '../../shared/execute';
import type { PreparedCall } from './common';
import { optionsProperty, readOptions, runCalls } from './common';

const show = { show: { operation: ['click2call'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Extension',
		name: 'extension',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 200',
		description: 'The PBX extension that is rung first and then makes the call (leg 1)',
		displayOptions: show,
	},
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0501234567',
		description: 'The phone number dialled once the extension answers (leg 2)',
		displayOptions: show,
	},
	{
		displayName: 'Technology',
		name: 'tech',
		type: 'options',
		options: [
			{ name: 'SIP', value: 'sip' },
			{ name: 'PJSIP', value: 'pjsip' },
		],
		default: 'sip',
		description: "The extension's technology in the PBX (tech)",
		displayOptions: show,
	},
	optionsProperty('click2call'),
];

const TECHS = ['sip', 'pjsip'];

export function prepare(this: IExecuteFunctions, i: number): PreparedCall {
	const node = this.getNode();
	const extension = validatePbxExtension(
		node,
		i,
		'Extension',
		requiredString(this, 'extension', 'Extension', i),
	);
	const destination = validatePhone(
		node,
		i,
		'Destination',
		requiredString(this, 'destination', 'Destination', i),
	);
	const tech = String(this.getNodeParameter('tech', i, 'sip'))
		.trim()
		.toLowerCase();
	if (!TECHS.includes(tech)) {
		throw new NodeOperationError(node, `Technology must be sip or pjsip, not "${tech}" (item ${i})`, {
			itemIndex: i,
		});
	}
	const options = readOptions(this, i);
	return {
		qs: { extension, destination, tech, ...options.qs },
		echo: { extension, destination, tech, ...options.echo },
		timeoutMs: options.timeoutMs,
		includeRaw: options.includeRaw,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runCalls.call(this, items, 'click2call', prepare);
}
