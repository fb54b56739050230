import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { voicenterApiRequest } from '../../shared/transport';

/** Dialer campaigns (GetCampaignList, §13.1) for the Campaign field: "name (status)" → code. */
export async function searchCampaigns(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const { body } = await voicenterApiRequest.call(this, {
		host: 'api',
		path: '/ForwardDialer/Dialer/GetCampaignList',
		body: {},
		envelope: 'dialer',
		operation: 'the campaign list',
	});
	const list = (Array.isArray(body.Data) ? body.Data : []) as IDataObject[];
	const needle = (filter ?? '').trim().toLowerCase();
	return {
		results: list
			.map((c) => ({
				name: `${String(c.Name ?? c.Code)} (${String(c.StatusName ?? 'unknown status')})`,
				value: String(c.Code),
			}))
			.filter(
				(r) => !needle || r.name.toLowerCase().includes(needle) || r.value.toLowerCase().includes(needle),
			)
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}
