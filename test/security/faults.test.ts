import type { IDataObject } from 'n8n-workflow';
/**
 * Faults stay short and reads survive them (issue #12, acceptance 1 and 4), with faults injected
 * by count in the simulator (never by time):
 *  - a host that accepts and never answers fails the item at the Timeout, continueOnFail keeps
 *    the other items;
 *  - safe reads are retried on connection resets and 502/503/504 (bounded); Return All over
 *    50,000 rows survives resets on some pages with the same 50,000 distinct rows;
 *  - writes are never sent twice (the simulator's received-request log proves it).
 */
import { generateCdrs, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH } from '../../simulator/routes/callLog';
import { DIALER_CAMPAIGNS } from '../../simulator/routes/dialer';
import { requestOptionsProperty } from '../../nodes/shared/requestOptions';
import {
	DEFAULT_TIMEOUT_SECONDS,
	TRANSIENT_RETRIES,
	isConnectionFault,
	isSafeToRetry,
	isTimeoutError,
} from '../../nodes/shared/transport';
import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const ctx = useSimulator({ callLog: { totalCdrs: 50_000, requestsPerWindow: 30, windowMs: 2_000 } });
const creds = () => ({ voicenterApi: ctx.sim.voicenterCredentials() });

const EXT_CALLS = '/comet/API/GetExtensionsCalls';
const C2C = '/ForwardDialer/click2call.aspx';

const extensionCalls = (extra: IDataObject = {}) => ({
	resource: 'activeCall',
	operation: 'getExtensionCalls',
	extension: '={{ $json.ext }}',
	...extra,
});
const click2call = (extra: IDataObject = {}) => ({
	resource: 'click2Call',
	operation: 'call',
	phone: '={{ $json.phone }}',
	target: '={{ $json.target }}',
	...extra,
});
const C2C_ITEM = { phone: '0501234567', target: '0521234567' };

describe('Request timeout', () => {
	it('the Timeout option defaults to the stated 30 s', () => {
		expect(DEFAULT_TIMEOUT_SECONDS).toBe(30);
		expect(requestOptionsProperty.options?.[0]).toMatchObject({ name: 'timeout', default: 30 });
	});

	it('a host that accepts and never answers fails that item with a clear error; continueOnFail keeps the others', async () => {
		const { sim } = ctx;
		// the 2nd request hangs forever
		const hang = sim.addFault({ host: 'monapisec', path: EXT_CALLS, from: 2, action: 'hang' });
		const result = await runNode({
			parameters: extensionCalls({ requestOptions: { timeout: 1 } }),
			items: [{ ext: '' }, { ext: '' }, { ext: '' }],
			continueOnFail: true,
			credentials: creds(),
		});
		expect(result.error()).toBeUndefined();
		expect(hang.hits).toBe(1);
		// a timeout is not retried: three requests for three items
		expect(sim.requestsTo('monapisec', EXT_CALLS)).toHaveLength(3);
		const failed = result.items.filter((i) => i.json.error);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(failed[0].json.error).toBe('Voicenter did not answer within 1 s (the active calls request)');
		expect(String(failed[0].json.errorDescription)).toMatch(/timed out/);
		expect(result.items.filter((i) => !i.json.error && (i.pairedItem as { item: number }).item !== 1).length).toBeGreaterThan(0);
		expect(new Set(result.items.map((i) => (i.pairedItem as { item: number }).item))).toEqual(new Set([0, 1, 2]));
	});

	it('without continueOnFail the node stops with that NodeApiError (a Click2Call write: sent once, with a warning)', async () => {
		const { sim } = ctx;
		sim.addFault({ path: C2C, action: 'hang' });
		const result = await runNode({
			parameters: click2call({ requestOptions: { timeout: 1 } }),
			items: [C2C_ITEM],
			credentials: creds(),
		});
		const error = result.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/^Voicenter did not answer within 1 s \(/);
		expect(error.description).toMatch(/may still have carried it out/);
		expect(sim.requestsTo('api', C2C)).toHaveLength(1);
	});
});

describe('Transient faults: safe reads retried, writes never sent twice', () => {
	it('decides "safe" by endpoint', () => {
		for (const p of ['/hub/cdr', '/Comet/api/GetExtensions', EXT_CALLS, '/comet/API/GetQueuesCallers', '/ForwardDialer/Dialer/GetCampaignList', '/ForwardDialer/Dialer/GetCampaignDetails', '/ForwardDialer/Dialer/GetCampaignPendingCalls', '/ForwardDialer/Dialer/GetMembersList'])
			expect([p, isSafeToRetry({ path: p })]).toEqual([p, true]);
		for (const p of [C2C, '/Blacklist/AddBlackList', '/Blacklist/RemoveBulkFromBlacklist', '/Comet/API/MuteUnmuteCalls', '/ForwardDialer/Dialer/AddCall', '/ForwardDialer/Dialer/AddCallsBulk', '/ForwardDialer/Dialer/StartCampaign', '/ForwardDialer/Dialer/UpdateCall'])
			expect([p, isSafeToRetry({ path: p })]).toEqual([p, false]);
		expect(isSafeToRetry({ path: C2C, retryTransient: true })).toBe(true);
		expect(isConnectionFault({ message: 'socket hang up', cause: { code: 'ECONNRESET' } })).toBe(true);
		expect(isConnectionFault({ message: 'timeout of 1000ms exceeded', code: 'ECONNABORTED' })).toBe(false);
		expect(isTimeoutError({ message: 'x', cause: { code: 'ETIMEDOUT' } })).toBe(true);
	});

	it('Call Log Return All over 50,000 rows survives connection resets and a 503 on some pages: the same 50,000 distinct rows', async () => {
		const { sim } = ctx;
		// page 2: reset twice in a row (first try and first retry); later a 503 and another reset
		const resets = sim.addFault({ path: '/hub/cdr', from: 2, to: 3, action: 'reset' });
		const unavailable = sim.addFault({ path: '/hub/cdr', from: 4, action: { status: 503 } });
		const lateReset = sim.addFault({ path: '/hub/cdr', from: 5, action: 'reset' });
		const result = await runNode({
			parameters: {
				resource: 'callLog',
				operation: 'search',
				fromDate: '2026-01-01T00:00:00Z',
				toDate: '2026-01-31T23:59:59Z',
				returnAll: true,
				fields: ['CallID', 'Date'],
			},
			credentials: creds(),
		});
		expect(result.error()).toBeUndefined();
		expect([resets.hits, unavailable.hits, lateReset.hits]).toEqual([2, 1, 1]);
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests.filter((r) => r.faulted)).toHaveLength(4);
		// each faulted request was sent again, identically
		const answered = requests.filter((r) => !r.faulted);
		for (const f of requests.filter((r) => r.faulted)) expect(answered.map((r) => r.rawBody)).toContain(f.rawBody);
		expect(new Set(answered.map((r) => r.rawBody)).size).toBe(answered.length);
		expect(result.items).toHaveLength(50_000);
		const ids = new Set(result.items.map((i) => i.json.CallID));
		expect(ids.size).toBe(50_000);
		expect(ids).toEqual(new Set(generateCdrs(1, 50_000, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH).map((c) => c.CallID)));
	});

	it('a read retries 502/503/504 up to the bound, then fails with a clear error', async () => {
		const { sim } = ctx;
		sim.addFault({ host: 'monitor', path: '/Comet/api/GetExtensions', from: 1, to: 2, action: { status: 502 } });
		sim.addFault({ host: 'monitor', path: '/Comet/api/GetExtensions', from: 1, action: { status: 504, body: { message: 'gateway' } } });
		const ok = await runNode({ parameters: { resource: 'extension', operation: 'getMany', returnAll: true }, credentials: creds() });
		expect(ok.error()).toBeUndefined();
		expect(ok.items.length).toBeGreaterThan(0);
		expect(sim.requestsTo('monitor', '/Comet/api/GetExtensions')).toHaveLength(4);

		sim.clearFaults();
		sim.clearRequests();
		sim.addFault({ host: 'monitor', path: '/Comet/api/GetExtensions', from: 1, to: 100, action: { status: 503 } });
		const failed = await runNode({ parameters: { resource: 'extension', operation: 'getMany', returnAll: true }, credentials: creds() });
		expect(failed.error('Node')?.message).toBe('Voicenter is unavailable (HTTP 503)');
		expect(sim.requestsTo('monitor', '/Comet/api/GetExtensions')).toHaveLength(TRANSIENT_RETRIES + 1);
	});

	const writes: Array<{ name: string; host: string; path: string; parameters: IDataObject; items: IDataObject[] }> = [
		{ name: 'Click2Call', host: 'api', path: C2C, parameters: click2call(), items: [C2C_ITEM] },
		{
			name: 'Blacklist Add',
			host: 'api',
			path: '/Blacklist/AddBlackList',
			parameters: { resource: 'blacklist', operation: 'add', phone: '={{ $json.phone }}' },
			items: [{ phone: '0501234567' }],
		},
		{
			name: 'Mute',
			host: 'monapisec',
			path: '/Comet/API/MuteUnmuteCalls',
			parameters: { resource: 'recording', operation: 'mute', by: 'extension', extension: 'SIPSIP1' },
			items: [{}],
		},
		{
			name: 'Campaign Call Add (AddCall)',
			host: 'api',
			path: '/ForwardDialer/Dialer/AddCall',
			parameters: {
				resource: 'campaignCall',
				operation: 'add',
				campaign: { __rl: true, mode: 'id', value: DIALER_CAMPAIGNS.agent },
				target: '0501234567',
				sendInBulk: false,
			},
			items: [{}],
		},
		{
			name: 'Campaign Call Add (AddCallsBulk)',
			host: 'api',
			path: '/ForwardDialer/Dialer/AddCallsBulk',
			parameters: {
				resource: 'campaignCall',
				operation: 'add',
				campaign: { __rl: true, mode: 'id', value: DIALER_CAMPAIGNS.agent },
				target: '0501234567',
			},
			items: [{}],
		},
	];

	for (const w of writes) {
		for (const action of ['reset', 'reset after the write', 503] as const) {
			it(`${w.name}: a ${action} is not retried — the request reached Voicenter exactly once`, async () => {
				const { sim } = ctx;
				sim.addFault({
					path: w.path,
					action: action === 503 ? { status: 503 } : 'reset',
					after: action === 'reset after the write',
				});
				const result = await runNode({ parameters: w.parameters, items: w.items, credentials: creds() });
				const sent = sim.requestsTo(w.host, w.path);
				expect(sent).toHaveLength(1);
				expect(sent[0].faulted).toBeDefined();
				expect(result.error('Node')).toBeDefined();
			});
		}
	}
});
