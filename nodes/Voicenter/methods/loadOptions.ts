import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getExtensions } from '../../shared/extensionOptions';
import { voicenterApiRequest } from '../../shared/transport';

/** Extensions of the organisation (GetExtensions, §12) for every "extension" field. */
export { getExtensions };

/** The extension list with a first "All Extensions" entry (value ''), for optional filters. */
export async function getExtensionsWithAll(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [{ name: 'All Extensions', value: '' }, ...(await getExtensions.call(this))];
}

/** Queues of the organisation (GetQueuesCallers, §11.2) with a first "All Queues" entry. */
export async function getQueues(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { body } = await voicenterApiRequest.call(this, {
		host: 'monapisec',
		path: '/comet/API/GetQueuesCallers',
		body: {},
		envelope: 'monitor',
		operation: 'the queue list',
	});
	const list = (Array.isArray(body.QUEUES) ? body.QUEUES : []) as IDataObject[];
	return [
		{ name: 'All Queues', value: '' },
		...list
			.map((q) => ({ name: `${String(q.Name)} (${String(q.ID)})`, value: String(q.ID) }))
			.sort((a, b) => a.name.localeCompare(b.name)),
	];
}
