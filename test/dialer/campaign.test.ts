import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import { DIALER_CAMPAIGNS, dialerRequests, dialerState, rl, runDialer } from './helpers';

const ctx = useSimulator();

const HOT_LEADS = {
	Name: 'Hot Leads',
	StatusName: 'Enabled',
	TotalPendingCalls: 2,
	MaxPriority: 5,
	MinPriority: 1,
	TotalAwaitingCalls: null,
	Code: DIALER_CAMPAIGNS.agent,
};

describe('Dialer → Campaign (real engine against the simulator)', () => {
	it('Get Many: GetCampaignList with the account Code, one item per campaign', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, { resource: 'campaign', operation: 'getAll', returnAll: true });
		expect(result.error()).toBeUndefined();
		const requests = dialerRequests(sim);
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].path).toBe('/ForwardDialer/Dialer/GetCampaignList');
		expect(requests[0].query).toEqual({});
		expect(requests[0].body).toEqual({ Code: 'SIM-ACCOUNT-CODE-0001' });
		expect(result.items).toEqual([
			{ json: HOT_LEADS, pairedItem: { item: 0 } },
			{
				json: {
					Name: 'Smart Outbound',
					StatusName: 'Enabled',
					TotalPendingCalls: 1,
					MaxPriority: 1,
					MinPriority: 1,
					TotalAwaitingCalls: 1,
					Code: DIALER_CAMPAIGNS.smart,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					Name: 'Winter Promo',
					StatusName: 'Disabled',
					TotalPendingCalls: 0,
					MaxPriority: 0,
					MinPriority: 0,
					TotalAwaitingCalls: null,
					Code: DIALER_CAMPAIGNS.disabled,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Get Many: a wrong account code is a NodeApiError that does not show the code', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'campaign', operation: 'getAll', returnAll: true },
			credentials: { voicenterApi: sim.voicenterCredentials('WRONG-ACCOUNT-CODE') },
		});
		expect(result.error()?.name).toBe('NodeApiError');
		expect(result.error()?.message).toBe('Voicenter: Invalid code (code 1)');
		expect(JSON.stringify(result.error())).not.toContain('WRONG-ACCOUNT-CODE');
		expect(dialerRequests(sim)[0].query).toEqual({});
	});

	it('Get Many: status filter and limit', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'getAll',
			returnAll: false,
			limit: 1,
			filters: { status: 'Enabled' },
		});
		expect(result.items).toEqual([{ json: HOT_LEADS, pairedItem: { item: 0 } }]);
	});

	it('Get: GetCampaignDetails with Campaign (campaign code given by expression)', async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			{ resource: 'campaign', operation: 'get', campaign: rl('={{ $json.code }}', 'id') },
			[{ code: DIALER_CAMPAIGNS.agent }],
		);
		expect(result.error()).toBeUndefined();
		const requests = dialerRequests(sim);
		expect(requests.map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/GetCampaignDetails', { Campaign: DIALER_CAMPAIGNS.agent }],
		]);
		expect(result.items).toEqual([{ json: HOT_LEADS, pairedItem: { item: 0 } }]);
	});

	it('Start and Stop: StartCampaign / StopCampaign change the campaign status', async () => {
		const { sim } = ctx;
		const start = await runDialer(sim, {
			resource: 'campaign',
			operation: 'start',
			campaign: rl(DIALER_CAMPAIGNS.disabled),
		});
		expect(start.items).toEqual([
			{
				json: { Campaign: DIALER_CAMPAIGNS.disabled, ErrorCode: 0, Description: 'OK' },
				pairedItem: { item: 0 },
			},
		]);
		expect(dialerState(sim).campaigns[2].enabled).toBe(true);
		const stop = await runDialer(sim, {
			resource: 'campaign',
			operation: 'stop',
			campaign: rl(DIALER_CAMPAIGNS.agent),
		});
		expect(stop.items).toEqual([
			{
				json: { Campaign: DIALER_CAMPAIGNS.agent, ErrorCode: 0, Description: 'OK' },
				pairedItem: { item: 0 },
			},
		]);
		expect(dialerState(sim).campaigns[0].enabled).toBe(false);
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/StartCampaign', { Campaign: DIALER_CAMPAIGNS.disabled }],
			['POST', '/ForwardDialer/Dialer/StopCampaign', { Campaign: DIALER_CAMPAIGNS.agent }],
		]);
	});

	it("Stop: an invalid campaign code is a NodeApiError with Voicenter's code 1 and text", async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'stop',
			campaign: rl('NOPE', 'id'),
		});
		const error = result.error() as Error & { description?: string };
		expect(error?.name).toBe('NodeApiError');
		expect((error as Error & { context: object }).context).toMatchObject({ voicenterCode: 1, itemIndex: 0 });
		expect(error.message).toBe('Voicenter: Invalid campaign code (code 1)');
		expect(error.description).toBe(
			'Voicenter rejected StopCampaign (code 1): Invalid campaign code — for StopCampaign this means the campaign code is invalid. Pick the campaign from the list, or take its code from Campaign → Get Many',
		);
	});

	it('Clear Calls: ClearCampaignCalls empties the campaign; code 4 "Internal error occurred" = invalid code', async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			{ resource: 'campaign', operation: 'clearCalls', campaign: rl('={{ $json.code }}', 'id') },
			[{ code: DIALER_CAMPAIGNS.agent }, { code: 'WRONG-CODE' }],
			true,
		);
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/ClearCampaignCalls', { Campaign: DIALER_CAMPAIGNS.agent }],
			['POST', '/ForwardDialer/Dialer/ClearCampaignCalls', { Campaign: 'WRONG-CODE' }],
		]);
		expect(dialerState(sim).campaigns[0].calls).toEqual([]);
		expect(result.items).toEqual([
			{
				json: { Campaign: DIALER_CAMPAIGNS.agent, ErrorCode: 0, Description: 'OK' },
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: 'Voicenter: Internal error occurred (code 4)',
					errorDescription:
						'Voicenter rejected ClearCampaignCalls (code 4): Internal error occurred — for ClearCampaignCalls this means the campaign code is invalid. Pick the campaign from the list, or take its code from Campaign → Get Many',
					voicenterCode: 4,
					voicenterMessage: 'Internal error occurred',
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('Get Pending Calls: one item per call, Priorety normalised to Priority', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'getPendingCalls',
			campaign: rl(DIALER_CAMPAIGNS.agent),
			returnAll: true,
		});
		expect(result.error()).toBeUndefined();
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/GetCampaignPendingCalls', { Campaign: DIALER_CAMPAIGNS.agent }],
		]);
		expect(result.items).toEqual([
			{
				json: {
					CampaignID: 13570,
					CallID: '2',
					Phone: '972501234567',
					CallStatus: { Status: 1, Description: 'Tosend' },
					CallInserted: '2026-01-01T09:00:00.074Z',
					CallerID: '0722776772',
					CallerName: '',
					CustomerName: 'John Doe',
					Priority: 5,
					LastCallDate: null,
					CustomData: { var_LeadID: 1234567 },
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					CampaignID: 13570,
					CallID: '1',
					Phone: '972722776772',
					CallStatus: { Status: 1, Description: 'Tosend' },
					CallInserted: '2026-01-01T09:00:00.037Z',
					CallerID: '',
					CallerName: '',
					CustomerName: 'Dana Levi',
					Priority: 1,
					LastCallDate: null,
					CustomData: null,
				},
				pairedItem: { item: 0 },
			},
		]);
		for (const item of result.items) expect(Object.keys(item.json)).not.toContain('Priorety');
	});

	it('Get Pending Calls: the campaign summary option', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'getPendingCalls',
			campaign: rl(DIALER_CAMPAIGNS.agent),
			output: 'summary',
		});
		expect(result.items).toEqual([
			{
				json: {
					ID: 13570,
					Name: 'Hot Leads',
					Status: 1,
					Code: DIALER_CAMPAIGNS.agent,
					StatusName: 'Enabled',
					TotalPendingCalls: 2,
					MaxPriority: 5,
					MinPriority: 1,
					IsDynamic: 1,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Get Pending Calls: invalid code answers 2 "Internal error occurred"', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'getPendingCalls',
			campaign: rl('BAD', 'id'),
		});
		expect(result.error()?.message).toBe('Voicenter: Internal error occurred (code 2)');
		expect((result.error() as Error & { description: string }).description).toContain(
			'for GetCampaignPendingCalls this means the campaign code is invalid. Pick the campaign from the list, or take its code from Campaign → Get Many',
		);
	});

	it('Update Strategy: documented parameter names; the " ErrorCode" typo does not leak', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'updateStrategy',
			campaign: rl(DIALER_CAMPAIGNS.smart),
			setQueueForMonitoring: 87654321,
			setQueueMaximumCallers: 3,
			setCoefficient: 4,
		});
		expect(result.error()).toBeUndefined();
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			[
				'POST',
				'/ForwardDialer/Dialer/UpdateCampaignStrategy',
				{
					Campaign: DIALER_CAMPAIGNS.smart,
					setQueueForMonitoring: 87654321,
					setQueueMaximumCallers: 3,
					setCoefficient: 4,
				},
			],
		]);
		expect(result.items).toEqual([
			{
				json: {
					Campaign: DIALER_CAMPAIGNS.smart,
					setQueueForMonitoring: 87654321,
					setQueueMaximumCallers: 3,
					setCoefficient: 4,
					ErrorCode: 0,
					Description: 'OK',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(dialerState(sim).campaigns[1].strategy).toEqual({
			setQueueForMonitoring: 87654321,
			setQueueMaximumCallers: 3,
			setCoefficient: 4,
		});
	});

	it.each([
		[{ setCoefficient: 1 }, 'Coefficient must be a whole number greater than 1 (item 0); got 1'],
		[
			{ setQueueMaximumCallers: 0 },
			'Maximum Callers in Queue must be a whole number greater than 0 (item 0); got 0',
		],
		[{ campaign: rl('={{ $json.none }}', 'id') }, 'Campaign is required (item 0)'],
	])('Update Strategy: bad input %j fails before any request', async (override, message) => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaign',
			operation: 'updateStrategy',
			campaign: rl(DIALER_CAMPAIGNS.smart),
			setQueueForMonitoring: 87654321,
			setQueueMaximumCallers: 3,
			setCoefficient: 4,
			...override,
		});
		expect(result.error()?.name).toBe('NodeOperationError');
		expect(result.error()?.message).toBe(message);
		expect(dialerRequests(sim)).toHaveLength(0);
	});
});
