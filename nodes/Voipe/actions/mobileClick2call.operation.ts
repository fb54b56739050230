/** §15.2 Mobile Click2Call: ring the user's mobile phone, then dial the destination. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { validatePhone } from '../../shared/phone';
import { requiredString } from '../../shared/execute';
import type { PreparedCall } from './common';
import { optionsProperty, readOptions, runCalls } from './common';

const show = { show: { operation: ['mobileClick2call'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Mobile Phone',
		name: 'phone',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0501234567',
		description: "The user's mobile number, rung first (leg 1)",
		displayOptions: show,
	},
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0521234567',
		description: 'The phone number dialled once the mobile phone answers (leg 2)',
		displayOptions: show,
	},
	optionsProperty('mobileClick2call'),
];

export function prepare(this: IExecuteFunctions, i: number): PreparedCall {
	const node = this.getNode();
	const phone = validatePhone(node, i, 'Mobile Phone', requiredString(this, 'phone', 'Mobile Phone', i));
	const destination = validatePhone(
		node,
		i,
		'Destination',
		requiredString(this, 'destination', 'Destination', i),
	);
	const options = readOptions(this, i);
	// `client` is not here: the credential adds it (see VoipeApi.authenticate).
	return {
		qs: { phone, destination, ...options.qs },
		echo: { phone, destination, ...options.echo },
		timeoutMs: options.timeoutMs,
		includeRaw: options.includeRaw,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runCalls.call(this, items, 'mobileClick2call', prepare);
}
