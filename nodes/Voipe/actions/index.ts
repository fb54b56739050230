import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as click2call from './click2call.operation';
import * as mobileClick2call from './mobileClick2call.operation';

const operations: Record<
	string,
	{ execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]> }
> = { click2call, mobileClick2call };

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Click2Call',
				value: 'click2call',
				description: 'Ring a PBX extension, then dial the destination and bridge them',
				action: 'Make a call from an extension',
			},
			{
				name: 'Mobile Click2Call',
				value: 'mobileClick2call',
				description: "Ring the user's mobile phone, then dial the destination and bridge them",
				action: 'Make a call from a mobile phone',
			},
		],
		default: 'click2call',
	},
	...click2call.description,
	...mobileClick2call.description,
];

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[operation];
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	return [await op.execute.call(this, items)];
}
