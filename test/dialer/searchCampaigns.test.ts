import { LoadOptionsContext } from 'n8n-core';
import type { INode, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CredentialsHelper, PACKAGE, nodeTypes } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import { Voicenter } from '../../nodes/Voicenter/Voicenter.node';
import { DIALER_CAMPAIGNS, dialerRequests } from './helpers';

const ctx = useSimulator();

/** Runs the Campaign field's "From List" search through n8n-core's real LoadOptionsContext. */
async function searchCampaigns(filter?: string) {
	const node: INode = {
		id: 'node',
		name: 'Voicenter',
		type: `${PACKAGE}.voicenter`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'campaign', operation: 'get' },
		credentials: { voicenterApi: { id: '1', name: 'Test credentials' } },
	};
	const workflow = new Workflow({
		id: 'wf',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: {},
	});
	const additionalData = {
		credentialsHelper: new CredentialsHelper({ voicenterApi: ctx.sim.voicenterCredentials() }),
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.campaign');
	return await new Voicenter().methods.listSearch.searchCampaigns.call(context, filter);
}

describe('Dialer → Campaign field: "From List" (GetCampaignList)', () => {
	it('lists the campaigns as "name (status)" → code, sorted, with the account Code sent in the body', async () => {
		const result = await searchCampaigns();
		expect(result).toEqual({
			results: [
				{ name: 'Hot Leads (Enabled)', value: DIALER_CAMPAIGNS.agent },
				{ name: 'Smart Outbound (Enabled)', value: DIALER_CAMPAIGNS.smart },
				{ name: 'Winter Promo (Disabled)', value: DIALER_CAMPAIGNS.disabled },
			],
		});
		expect(dialerRequests(ctx.sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/GetCampaignList', { Code: 'SIM-ACCOUNT-CODE-0001' }],
		]);
	});

	it('filters by the search text', async () => {
		expect(await searchCampaigns('disabled')).toEqual({
			results: [{ name: 'Winter Promo (Disabled)', value: DIALER_CAMPAIGNS.disabled }],
		});
	});
});
