import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/simulator';
import { DIALER_CAMPAIGNS, dialerRequests, dialerState, rl, runDialer } from './helpers';

const ctx = useSimulator();

const AGENT = DIALER_CAMPAIGNS.agent;
const SMART = DIALER_CAMPAIGNS.smart;
const FUTURE = '2030-01-01T09:00:00.000Z';
const FUTURE_EPOCH = 1893488400;

/** Add parameters driven by the input item's fields. */
function addParams(extra: IDataObject = {}): IDataObject {
	return {
		resource: 'campaignCall',
		operation: 'add',
		campaign: rl('={{ $json.campaign }}', 'id'),
		target: '={{ $json.phone }}',
		customData: {
			field: [
				{ key: 'var_LeadID', value: '={{ $json.id }}' },
				{ key: 'var_LeadCampaign', value: 'Facebook' },
			],
		},
		additionalFields: {
			customerName: '={{ $json.name }}',
			callerId: '0722776772',
			priority: 42,
			originateTime: FUTURE,
			isDateLocal: true,
		},
		...extra,
	};
}

const lead = (n: number, campaign = AGENT): IDataObject => ({
	campaign,
	phone: `05012345${String(n).padStart(2, '0')}`,
	name: `Lead ${n}`,
	id: `L${n}`,
});

const sentTarget = (n: number, campaign = AGENT) => ({
	Campaign: campaign,
	Target: `05012345${String(n).padStart(2, '0')}`,
	CustomerName: `Lead ${n}`,
	CallerID: '0722776772',
	Priority: 42,
	OriginateTime: FUTURE_EPOCH,
	IsDateLocal: 'true',
	CustomData: { var_LeadID: `L${n}`, var_LeadCampaign: 'Facebook' },
});

const okItem = (n: number, item: number, campaign = AGENT) => ({
	json: {
		Campaign: campaign,
		Target: `05012345${String(n).padStart(2, '0')}`,
		ErrorCode: 0,
		Description: 'OK',
		CustomData: { var_LeadID: `L${n}`, var_LeadCampaign: 'Facebook' },
	},
	pairedItem: { item },
});

describe('Dialer → Campaign Call → Add (real engine against the simulator)', () => {
	it('batches the items into AddCallsBulk requests of Batch Size, one paired result per item', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, addParams({ batchSize: 2 }), [lead(1), lead(2), lead(3)]);
		expect(result.error()).toBeUndefined();
		const requests = dialerRequests(sim);
		expect(requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['POST', '/ForwardDialer/Dialer/AddCallsBulk', {}],
			['POST', '/ForwardDialer/Dialer/AddCallsBulk', {}],
		]);
		expect(requests[0].body).toEqual([sentTarget(1), sentTarget(2)]);
		expect(requests[1].body).toEqual([sentTarget(3)]);
		expect(result.items).toEqual([okItem(1, 0), okItem(2, 1), okItem(3, 2)]);
		expect(
			dialerState(sim)
				.campaigns[0].calls.slice(2)
				.map((c) => [c.Phone, c.OriginateTime, c.IsDateLocal]),
		).toEqual([
			['972501234501', FUTURE_EPOCH, true],
			['972501234502', FUTURE_EPOCH, true],
			['972501234503', FUTURE_EPOCH, true],
		]);
	});

	it('Send in Bulk off: one AddCall per item, same output', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, addParams({ sendInBulk: false }), [lead(1), lead(2)]);
		expect(result.error()).toBeUndefined();
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/AddCall', sentTarget(1)],
			['POST', '/ForwardDialer/Dialer/AddCall', sentTarget(2)],
		]);
		expect(result.items).toEqual([okItem(1, 0), okItem(2, 1)]);
	});

	it("Send in Bulk off: a Voicenter error is that item's error item, with the same fields as in bulk mode", async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			addParams({ sendInBulk: false }),
			[lead(1, 'NO-SUCH-CAMPAIGN'), lead(2)],
			true,
		);
		expect(dialerRequests(sim, 'AddCall')).toHaveLength(2);
		expect(result.items).toEqual([
			{
				json: {
					Campaign: 'NO-SUCH-CAMPAIGN',
					Target: '0501234501',
					ErrorCode: 1,
					Description: 'Invalid campaign code',
					CustomData: { var_LeadID: 'L1', var_LeadCampaign: 'Facebook' },
					error: 'Voicenter: Invalid campaign code (code 1)',
					errorDescription:
						'Voicenter rejected AddCall (code 1): Invalid campaign code — for AddCall this means the campaign code is invalid. Pick the campaign from the list, or take its code from Campaign → Get Many',
					voicenterCode: 1,
					voicenterMessage: 'Invalid campaign code',
				},
				pairedItem: { item: 0 },
			},
			okItem(2, 1),
		]);
	});

	it('only Campaign and Target are sent when nothing else is set; IsDateLocal only with an originate time', async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			{ resource: 'campaignCall', operation: 'add', campaign: rl(SMART), target: '+972 50-123-4599' },
			[{}],
		);
		expect(dialerRequests(sim).map((r) => r.body)).toEqual([[{ Campaign: SMART, Target: '972501234599' }]]);
		expect(result.items).toEqual([
			{
				json: { Campaign: SMART, Target: '972501234599', ErrorCode: 0, Description: 'OK', CustomData: {} },
				pairedItem: { item: 0 },
			},
		]);
	});

	it("a per-target failure in AddResult is that item's error (continueOnFail keeps the rest); campaigns mix in a batch", async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			addParams(),
			[lead(1), lead(2, 'NO-SUCH-CAMPAIGN'), lead(3, SMART)],
			true,
		);
		expect(dialerRequests(sim)).toHaveLength(1);
		expect(dialerRequests(sim)[0].body).toEqual([
			sentTarget(1),
			sentTarget(2, 'NO-SUCH-CAMPAIGN'),
			sentTarget(3, SMART),
		]);
		expect(result.items).toEqual([
			okItem(1, 0),
			{
				json: {
					Campaign: 'NO-SUCH-CAMPAIGN',
					Target: '0501234502',
					ErrorCode: 1,
					Description: 'Invalid campaign code',
					CustomData: { var_LeadID: 'L2', var_LeadCampaign: 'Facebook' },
					error: 'Voicenter: Invalid campaign code (code 1)',
					errorDescription:
						'Voicenter rejected AddCallsBulk (code 1): Invalid campaign code — for AddCallsBulk this means the campaign code is invalid. Pick the campaign from the list, or take its code from Campaign → Get Many',
					voicenterCode: 1,
					voicenterMessage: 'Invalid campaign code',
				},
				pairedItem: { item: 1 },
			},
			okItem(3, 2, SMART),
		]);
	});

	it("without continueOnFail a per-target failure stops the node with a NodeApiError carrying Voicenter's text", async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, addParams(), [lead(1), lead(2, 'NO-SUCH-CAMPAIGN')]);
		expect(result.error()?.name).toBe('NodeApiError');
		expect(result.error()?.message).toBe('Voicenter: Invalid campaign code (code 1)');
		expect((result.error() as Error & { context: IDataObject }).context).toMatchObject({
			itemIndex: 1,
			voicenterCode: 1,
		});
	});

	it('One Campaign per Batch groups items by campaign', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, addParams({ options: { batchGrouping: 'perCampaign' } }), [
			lead(1),
			lead(2, SMART),
			lead(3),
		]);
		expect(dialerRequests(sim).map((r) => r.body)).toEqual([
			[sentTarget(1), sentTarget(3)],
			[sentTarget(2, SMART)],
		]);
		expect(result.items).toEqual([okItem(1, 0), okItem(2, 1, SMART), okItem(3, 2)]);
	});

	it('AddResult entries in another order are matched back by Target', async () => {
		const { sim } = ctx;
		dialerState(sim).reverseAddResult = true;
		const result = await runDialer(sim, addParams(), [lead(1), lead(2), lead(3)]);
		expect(result.items).toEqual([okItem(1, 0), okItem(2, 1), okItem(3, 2)]);
	});

	it('a top-level AddCallsBulk error fails every item of that batch, the other batches still run', async () => {
		const { sim } = ctx;
		dialerState(sim).bulkFault = { ErrorCode: 5, Description: 'Service unavailable' };
		const result = await runDialer(sim, addParams({ batchSize: 2 }), [lead(1), lead(2), lead(3)], true);
		expect(dialerRequests(sim)).toHaveLength(2);
		const failed = (n: number, item: number) => ({
			json: {
				Campaign: AGENT,
				Target: `05012345${String(n).padStart(2, '0')}`,
				ErrorCode: 5,
				Description: 'Service unavailable',
				error: 'Voicenter: Service unavailable (code 5)',
				errorDescription: 'Voicenter rejected AddCallsBulk (code 5): Service unavailable',
				voicenterCode: 5,
				voicenterMessage: 'Service unavailable',
			},
			pairedItem: { item },
		});
		expect(result.items).toEqual([failed(1, 0), failed(2, 1), okItem(3, 2)]);
	});

	it("a top-level AddCallsBulk error without continueOnFail stops the node with Voicenter's text", async () => {
		const { sim } = ctx;
		dialerState(sim).bulkFault = { ErrorCode: 5, Description: 'Service unavailable' };
		const result = await runDialer(sim, addParams({ batchSize: 2 }), [lead(1), lead(2), lead(3)]);
		expect(result.error()?.name).toBe('NodeApiError');
		expect(result.error()?.message).toBe('Voicenter: Service unavailable (code 5)');
		// The node stopped at the failed batch: the next one was not sent.
		expect(dialerRequests(sim)).toHaveLength(1);
	});

	it('bad input fails before any request: invalid target, no campaign, past originate time', async () => {
		const { sim } = ctx;
		const invalid = await runDialer(sim, addParams(), [lead(1), { ...lead(2), phone: '12ab' }]);
		expect(invalid.error()?.name).toBe('NodeOperationError');
		expect(invalid.error()?.message).toBe('Invalid Target "12ab" in item 1');
		const noCampaign = await runDialer(sim, addParams(), [{ ...lead(1), campaign: '' }]);
		expect(noCampaign.error()?.message).toBe('Campaign is required (item 0)');
		const past = await runDialer(
			sim,
			addParams({ additionalFields: { originateTime: '2020-10-15T08:20:00.000Z' } }),
			[lead(1)],
		);
		expect(past.error()?.message).toBe('Originate Time 2020-10-15T08:20:00.000Z is in the past (item 0)');
		expect(dialerRequests(sim)).toHaveLength(0);
	});

	it('a date-picker value without a zone is read in the workflow time zone (default America/New_York)', async () => {
		const { sim } = ctx;
		await runDialer(sim, addParams({ additionalFields: { originateTime: '={{ $json.at }}' } }), [
			{ ...lead(1), at: '2030-01-01T09:00:00' },
			{ ...lead(2), at: '2030-07-01T09:00:00' },
		]);
		const sent = (dialerRequests(sim)[0].body as Array<{ OriginateTime: number }>).map(
			(t) => t.OriginateTime,
		);
		// 09:00 EST = 14:00Z in January, 09:00 EDT = 13:00Z in July
		expect(sent).toEqual([Date.UTC(2030, 0, 1, 14) / 1000, Date.UTC(2030, 6, 1, 13) / 1000]);
	});

	it('with continueOnFail invalid items become error items and are never sent', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, addParams(), [{ ...lead(1), phone: '' }, lead(2)], true);
		expect(dialerRequests(sim).map((r) => r.body)).toEqual([[sentTarget(2)]]);
		expect(result.items).toEqual([
			{ json: { error: 'Target is required (item 0)' }, pairedItem: { item: 0 } },
			okItem(2, 1),
		]);
	});

	it('Allow Past Originate Time sends the past epoch with IsDateLocal "false" when asked', async () => {
		const { sim } = ctx;
		await runDialer(
			sim,
			addParams({
				additionalFields: { originateTime: '2020-10-15T08:20:00.000Z', isDateLocal: false },
				options: { allowPastOriginateTime: true },
			}),
			[lead(1)],
		);
		expect(dialerRequests(sim).map((r) => r.body)).toEqual([
			[
				{
					Campaign: AGENT,
					Target: '0501234501',
					OriginateTime: 1602750000,
					IsDateLocal: 'false',
					CustomData: { var_LeadID: 'L1', var_LeadCampaign: 'Facebook' },
				},
			],
		]);
	});

	// Sized to prove batching and pairing by count (several full batches and a partial one),
	// not the machine's speed: 10,000 items belong to `npm run bench:dialer`, which prints times.
	it('2,250 items → ⌈2,250 / 500⌉ = 5 AddCallsBulk requests (the last one partial) and 2,250 paired result items', async () => {
		const { sim } = ctx;
		const items = Array.from({ length: 2_250 }, (_, n) => ({
			campaign: SMART,
			phone: String(972500000000 + n),
		}));
		const result = await runDialer(
			sim,
			{
				resource: 'campaignCall',
				operation: 'add',
				campaign: rl('={{ $json.campaign }}', 'id'),
				target: '={{ $json.phone }}',
				batchSize: 500,
			},
			items,
		);
		expect(result.error()).toBeUndefined();
		const requests = dialerRequests(sim);
		expect(requests).toHaveLength(Math.ceil(2_250 / 500));
		expect(requests.every((r) => r.path === '/ForwardDialer/Dialer/AddCallsBulk')).toBe(true);
		expect(requests.map((r) => (r.body as unknown[]).length)).toEqual([500, 500, 500, 500, 250]);
		expect(result.items).toHaveLength(2_250);
		expect(result.items).toEqual(
			items.map((it, n) => ({
				json: { Campaign: SMART, Target: it.phone, ErrorCode: 0, Description: 'OK', CustomData: {} },
				pairedItem: { item: n },
			})),
		);
		expect(dialerState(sim).campaigns[1].calls).toHaveLength(2_251);
	});
});

describe('Dialer → Campaign Call → Update / Remove', () => {
	it('Update: UpdateCall with the Target object; changes the existing target', async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			{
				resource: 'campaignCall',
				operation: 'update',
				campaign: rl(AGENT),
				target: '972501234567',
				customData: { field: [{ key: 'var_Stage', value: 'hot' }] },
				additionalFields: { priority: 9, customerName: 'John Doe Jr.' },
			},
			[{}],
		);
		expect(result.error()).toBeUndefined();
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			[
				'POST',
				'/ForwardDialer/Dialer/UpdateCall',
				{
					Campaign: AGENT,
					Target: '972501234567',
					CustomerName: 'John Doe Jr.',
					Priority: 9,
					CustomData: { var_Stage: 'hot' },
				},
			],
		]);
		expect(result.items).toEqual([
			{
				json: { Campaign: AGENT, Target: '972501234567', ErrorCode: 0, Description: 'OK' },
				pairedItem: { item: 0 },
			},
		]);
		const call = dialerState(sim).campaigns[0].calls.find((c) => c.Phone === '972501234567');
		expect([call?.Priorety, call?.CustomerName, call?.CustomData]).toEqual([
			9,
			'John Doe Jr.',
			{ var_Stage: 'hot' },
		]);
	});

	it('Update: an invalid campaign code is a NodeApiError with code 1', async () => {
		const { sim } = ctx;
		const result = await runDialer(sim, {
			resource: 'campaignCall',
			operation: 'update',
			campaign: rl('BAD', 'id'),
			target: '0501234567',
		});
		expect(result.error()?.message).toBe('Voicenter: Invalid campaign code (code 1)');
	});

	it('Remove: RemoveCall removes every occurrence of the number', async () => {
		const { sim } = ctx;
		const result = await runDialer(
			sim,
			{ resource: 'campaignCall', operation: 'remove', campaign: rl(AGENT), target: '={{ $json.phone }}' },
			[{ phone: '0501234567' }, { phone: 'not a phone' }],
			true,
		);
		expect(dialerRequests(sim).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', '/ForwardDialer/Dialer/RemoveCall', { Campaign: AGENT, Target: '0501234567' }],
		]);
		expect(result.items).toEqual([
			{
				json: { Campaign: AGENT, Target: '0501234567', ErrorCode: 0, Description: 'OK' },
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: 'Invalid Target "not a phone" in item 1',
					errorDescription:
						'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567)',
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(dialerState(sim).campaigns[0].calls.map((c) => c.Phone)).toEqual(['972722776772']);
	});
});
