import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as activeCall from './activeCall';
import * as agent from './agent';
import * as blacklist from './blacklist';
import * as callLog from './callLog';
import * as campaign from './campaign';
import * as campaignCall from './campaignCall';
import * as campaignMember from './campaignMember';
import * as click2Call from './click2Call';
import * as extension from './extension';
import * as recording from './recording';

type Operation = {
	execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]>;
};

const resources: Record<string, Record<string, unknown>> = {
	click2Call,
	blacklist,
	callLog,
	recording,
	extension,
	activeCall,
	campaign,
	campaignCall,
	campaignMember,
	agent,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation] as Operation | undefined;
	if (!op || typeof op.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await op.execute.call(this, items)];
}
