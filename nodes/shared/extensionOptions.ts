/** The organisation's extensions (GetExtensions, §12) as dropdown options, for every node's "extension" fields. */
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { voicenterApiRequest } from './transport';

export async function getExtensions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { body } = await voicenterApiRequest.call(this, {
		host: 'monitor',
		path: '/Comet/api/GetExtensions',
		body: { showAll: 1 },
		envelope: 'monitor',
		operation: 'the extension list',
	});
	const list = (Array.isArray(body.EXTENSIONS) ? body.EXTENSIONS : []) as IDataObject[];
	return list
		.map((e) => ({
			name: e.Name ? `${String(e.Name)} (${String(e.SIP)})` : String(e.SIP),
			value: String(e.SIP),
			description: [e.UserName, e.AccountName].filter(Boolean).join(' · ') || undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
