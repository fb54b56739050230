import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeRecording, recordingProperties } from './shared';

export const description = updateDisplayOptions(
	{ show: { resource: ['recording'], operation: ['unmute'] } },
	recordingProperties('unmute'),
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await executeRecording.call(this, items, false);
}
