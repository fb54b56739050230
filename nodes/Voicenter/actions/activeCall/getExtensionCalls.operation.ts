/** Active Call → Get Extension Calls (§11.1, GetExtensionsCalls). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';
import { activeListProperties, shapeActiveList } from '../common.descriptions';
import { MONITOR_NEXT_STEPS, withNextSteps } from '../../helpers/nextSteps';

const properties: INodeProperties[] = activeListProperties({
	selector: 'extension',
	selectorLabel: 'Extension Name or ID',
	loadOptionsMethod: 'getExtensionsWithAll',
	unit: 'extension',
	child: 'call',
	onlyName: 'onlyWithCalls',
	onlyLabel: 'Only Extensions With Calls',
	onlyDescription: 'Whether to leave out extensions that have no active call',
});

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
		const { body: response } = await withNextSteps(
			MONITOR_NEXT_STEPS,
			async () =>
				await voicenterApiRequest.call(this, {
					host: 'monapisec',
					path: '/comet/API/GetExtensionsCalls',
					body,
					envelope: 'monitor',
					itemIndex: i,
					operation: 'the active calls request',
				}),
		);
		const extensions = (Array.isArray(response.EXTENSIONS) ? response.EXTENSIONS : []) as IDataObject[];
		return shapeActiveList(
			extensions,
			'calls',
			'extension',
			this.getNodeParameter('output', i, 'parent') as string,
			this.getNodeParameter('onlyWithCalls', i, false) as boolean,
		);
	});
}
