import { useSimulator } from '../harness/simulator';
import { DIALER_CAMPAIGNS, dialerRequests, dialerState, rl, runDialer } from './helpers';

const ctx = useSimulator();

describe('Dialer → Campaign Member (real engine against the simulator)', () => {
	it('Get Many: GetMembersList, one item per agent', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaignMember',
			operation: 'getAll',
			campaign: rl(DIALER_CAMPAIGNS.agent),
			returnAll: true,
		});
		expect(result.error()).toBeUndefined();
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/GetMembersList', { Campaign: DIALER_CAMPAIGNS.agent }],
		]);
		expect(result.items).toEqual([
			{ json: { Member: 'SIPSIP1', DisplayName: 'John Doe' }, pairedItem: { item: 0 } },
			{ json: { Member: 'SIPSIP2', DisplayName: 'Walter Melon' }, pairedItem: { item: 0 } },
		]);
	});

	it('Add and Remove: AddMember / RemoveMember with Campaign and Member', async () => {
		const { sim } = ctx;
		const add = await runDialer(
			sim,
			{
				resource: 'campaignMember',
				operation: 'add',
				campaign: rl(DIALER_CAMPAIGNS.agent),
				member: '={{ $json.sip }}',
			},
			[{ sip: 'SIPSIP3' }],
		);
		expect(add.items).toEqual([
			{
				json: {
					Campaign: DIALER_CAMPAIGNS.agent,
					Member: 'SIPSIP3',
					TotalAdded: 1,
					ErrorCode: 0,
					Description: 'OK',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(dialerState(sim).campaigns[0].members).toEqual(['SIPSIP1', 'SIPSIP2', 'SIPSIP3']);
		const remove = await runDialer(sim, {
			resource: 'campaignMember',
			operation: 'remove',
			campaign: rl(DIALER_CAMPAIGNS.agent),
			member: 'SIPSIP1',
		});
		expect(remove.items).toEqual([
			{
				json: {
					Campaign: DIALER_CAMPAIGNS.agent,
					Member: 'SIPSIP1',
					TotalRemoved: 1,
					ErrorCode: 0,
					Description: 'OK',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(dialerState(sim).campaigns[0].members).toEqual(['SIPSIP2', 'SIPSIP3']);
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/AddMember', { Campaign: DIALER_CAMPAIGNS.agent, Member: 'SIPSIP3' }],
			['POST', '/ForwardDialer/Dialer/RemoveMember', { Campaign: DIALER_CAMPAIGNS.agent, Member: 'SIPSIP1' }],
		]);
	});

	it('Add: Voicenter\'s 2 "Member missing" is the item\'s error; continueOnFail keeps the others', async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			{
				resource: 'campaignMember',
				operation: 'add',
				campaign: rl(DIALER_CAMPAIGNS.agent),
				member: '={{ $json.sip }}',
			},
			[{ sip: 'GHOST1' }, { sip: 'SIPSIP3' }, { sip: '12' }],
			true,
		);
		expect(result.items).toEqual([
			{
				json: {
					error: 'Voicenter: Member missing (code 2)',
					errorDescription:
						'Voicenter rejected AddMember (code 2): Member missing — for AddMember this means the Member (extension SIP code) is missing or invalid. Pick the member from the list: an extension SIP code of this account, e.g. SIPSIP1',
					voicenterCode: 2,
					voicenterMessage: 'Member missing',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					Campaign: DIALER_CAMPAIGNS.agent,
					Member: 'SIPSIP3',
					TotalAdded: 1,
					ErrorCode: 0,
					Description: 'OK',
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					error: 'Invalid Member "12" in item 2',
					errorDescription: 'Use the SIP code of a Voicenter extension, e.g. SIPSIP1',
				},
				pairedItem: { item: 2 },
			},
		]);
		// The invalid item never reached Voicenter.
		expect(dialerRequests(sim, 'AddMember').map((r) => r.body)).toEqual([
			{ Campaign: DIALER_CAMPAIGNS.agent, Member: 'GHOST1' },
			{ Campaign: DIALER_CAMPAIGNS.agent, Member: 'SIPSIP3' },
		]);
	});

	it('Remove: "Member missing" without continueOnFail stops the node with a NodeApiError', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaignMember',
			operation: 'remove',
			campaign: rl(DIALER_CAMPAIGNS.agent),
			member: 'NOSUCHSIP',
		});
		expect(result.error()?.name).toBe('NodeApiError');
		expect(result.error()?.message).toBe('Voicenter: Member missing (code 2)');
	});
});
