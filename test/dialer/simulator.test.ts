/** The Dialer simulator itself: the documented, method-specific codes and messages (§13). */
import { useSimulator } from '../harness/simulator';
import { DIALER_CAMPAIGNS } from './helpers';

const ctx = useSimulator();

async function call(method: string, body: unknown, httpMethod = 'POST', query = '') {
	const response = await fetch(`${ctx.sim.baseUrl('api')}/ForwardDialer/Dialer/${method}${query}`, {
		method: httpMethod,
		headers: { 'Content-Type': 'application/json' },
		body: httpMethod === 'GET' ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as unknown };
}

const AGENT = DIALER_CAMPAIGNS.agent;

describe('Dialer simulator: documented error codes and messages', () => {
	it.each([
		['AddCall', { Target: '0501234567' }, { ErrorCode: 1, Description: 'Campaign code missing' }],
		[
			'AddCall',
			{ Campaign: 'X', Target: '0501234567' },
			{ ErrorCode: 1, Description: 'Invalid campaign code' },
		],
		['AddCall', { Campaign: AGENT }, { ErrorCode: 2, Description: 'Target missing' }],
		['AddCall', { Campaign: AGENT, Target: '12' }, { ErrorCode: -2, Description: 'Number is invalid' }],
		[
			'UpdateCall',
			{ Campaign: 'X', Target: '0501234567' },
			{ ErrorCode: 1, Description: 'Invalid campaign code' },
		],
		['UpdateCall', { Campaign: AGENT }, { ErrorCode: 2, Description: 'Target missing' }],
		['UpdateCall', { Campaign: AGENT, Target: 'abc' }, { ErrorCode: -2, Description: 'Number is invalid' }],
		[
			'RemoveCall',
			{ Campaign: 'X', Target: '0501234567' },
			{ ErrorCode: 1, Description: 'Invalid campaign code' },
		],
		['RemoveCall', { Campaign: AGENT }, { ErrorCode: 2, Description: 'Target missing' }],
		['RemoveCall', { Campaign: AGENT, Target: '0509999999' }, { ErrorCode: 0, Description: 'OK' }],
		['ClearCampaignCalls', { Campaign: 'X' }, { ErrorCode: 4, Description: 'Internal error occurred' }],
		['GetCampaignPendingCalls', { Campaign: 'X' }, { ErrorCode: 2, Description: 'Internal error occurred' }],
		['StopCampaign', { Campaign: 'X' }, { ErrorCode: 1, Description: 'Invalid campaign code' }],
		['StartCampaign', { Campaign: 'X' }, { ErrorCode: 1, Description: 'Invalid campaign code' }],
		[
			'AddMember',
			{ Campaign: AGENT },
			{ ErrorCode: 2, Description: 'Member missing', Data: { TotalAdded: -1 } },
		],
		[
			'RemoveMember',
			{ Campaign: AGENT },
			{ ErrorCode: 2, Description: 'Member missing', Data: { TotalRemoved: 0 } },
		],
		['UpdateCampaignStrategy', { Campaign: 'X' }, { ' ErrorCode': 1, Description: 'Invalid campaign code' }],
	])('%s %j → %j', async (method, body, expected) => {
		expect(await call(method, body)).toEqual({ status: 200, body: expected });
	});

	it('AddCallsBulk answers one AddResult entry per target, in order, with per-target codes', async () => {
		const { body } = await call('AddCallsBulk', [
			{ Campaign: AGENT, Target: '0501234567', CustomData: { var_LeadID: 1 } },
			{ Campaign: AGENT, Target: '12' },
			{ Campaign: AGENT },
			{ Campaign: 'X', Target: '0501234568' },
		]);
		expect(body).toEqual({
			AddResult: [
				{ Target: '0501234567', ErrorCode: 0, Description: 'OK', CustomData: { var_LeadID: 1 } },
				{ Target: '12', ErrorCode: -2, Description: 'Number is invalid', CustomData: {} },
				{ Target: '', ErrorCode: 2, Description: 'Target missing', CustomData: {} },
				{ Target: '0501234568', ErrorCode: 1, Description: 'Invalid campaign code', CustomData: {} },
			],
			ErrorCode: 0,
			Description: 'OK',
		});
	});

	it('StopCampaign accepts the GET example with lowercase `campaign`; POST-only methods refuse GET', async () => {
		expect(await call('StopCampaign', undefined, 'GET', `?campaign=${AGENT}`)).toEqual({
			status: 200,
			body: { ErrorCode: 0, Description: 'OK' },
		});
		expect((await call('AddCallsBulk', undefined, 'GET')).status).toBe(404);
		expect((await call('GetCampaignPendingCalls', undefined, 'GET', `?Campaign=${AGENT}`)).status).toBe(404);
	});
});
