import { resetCallLogThrottles } from '../../nodes/shared/callLog';
import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import type { CallLogState } from '../../simulator/routes/callLog';
import { generateCdrs, injectFaults, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH } from '../../simulator/routes/callLog';

// The documented 30 requests per window is enforced; the window is short so tests stay fast.
const ctx = useSimulator({ callLog: { totalCdrs: 50_000, requestsPerWindow: 30, windowMs: 2_000 } });

// The throttle is shared per account across executions: each test starts with a fresh one.
beforeEach(() => resetCallLogThrottles());

const ALL_FIELDS = [
	'CallerNumber',
	'TargetNumber',
	'Date',
	'DateEpoch',
	'Duration',
	'CallID',
	'Type',
	'CdrType',
	'DialStatus',
	'TargetExtension',
	'CallerExtension',
	'DID',
	'QueueName',
	'RecordURL',
	'RecordExpect',
	'RingTime',
	'Price',
	'RepresentativeName',
	'RepresentativeCode',
	'UserName',
	'DepartmentName',
	'DepartmentId',
	'TargetPrefixName',
	'DTMFData',
	'CustomData',
];

const JAN = { fromDate: '2026-01-01T00:00:00Z', toDate: '2026-01-31T23:59:59Z' };

describe('Call Log → Search', () => {
	it('Return All over 50,000 seeded rows: every row once, at most 6 requests, rate limit enforced', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'callLog',
				operation: 'search',
				...JAN,
				returnAll: true,
				fields: ['CallID', 'Date', 'Duration'],
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests.length).toBeLessThanOrEqual(6);
		expect(requests.length).toBeGreaterThanOrEqual(5);
		// every request was answered (none hit the rate limit): no request was repeated
		expect(new Set(requests.map((r) => r.rawBody)).size).toBe(requests.length);
		expect(result.items).toHaveLength(50_000);
		const ids = new Set(result.items.map((i) => i.json.CallID));
		expect(ids.size).toBe(50_000);
		const seeded = generateCdrs(1, 50_000, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH);
		expect(ids).toEqual(new Set(seeded.map((c) => c.CallID)));
		// ascending by date, dates as ISO strings, only the chosen fields
		expect(result.items[0]).toEqual({
			json: {
				CallID: seeded[0].CallID,
				Date: new Date(seeded[0].DateEpoch * 1000).toISOString(),
				Duration: seeded[0].Duration,
			},
			pairedItem: { item: 0 },
		});
		const dates = result.items.map((i) => Date.parse(String(i.json.Date)));
		expect(dates.every((d, k) => k === 0 || d >= dates[k - 1])).toBe(true);
		// the first request asks for the whole range; each next one continues from the last row's second
		expect(requests[0].method).toBe('POST');
		expect(requests[0].query).toEqual({});
		expect(requests[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			fields: ['CallID', 'Date', 'Duration'],
			search: { fromdate: '2026-01-01T00:00:00', todate: '2026-01-31T23:59:59' },
			sort: [{ field: 'Date', order: 'asc' }],
		});
		const firstPageLast = seeded[9_999];
		expect((requests[1].body as { search: { fromdate: string } }).search.fromdate).toBe(
			new Date(firstPageLast.DateEpoch * 1000).toISOString().slice(0, 19),
		);
		for (const r of requests) {
			expect(r.url ?? '').not.toContain('SIM-ACCOUNT-CODE-0001');
			expect(JSON.stringify(r.query)).not.toContain('SIM-ACCOUNT-CODE-0001');
		}
	});

	const base = () => ({ resource: 'callLog', operation: 'search', ...JAN });
	const saved = { ...ctx.sim.options.callLog };
	afterEach(() => {
		ctx.sim.options.callLog = { ...saved };
	});

	it('Limit: one request with the filters sent exactly, call types as ids, default fields all', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				...base(),
				limit: 3,
				filters: {
					phones: '0501234567, +972 3-123-4567',
					extensions: ['SIPSIP1', 'SIPSIP2'],
					IdentityCriteria: 'Hierarchical',
					CallID: 'abc123',
					cdrTypes: [1, 9, 10],
				},
				sort: { field: 'Date', order: 'desc' },
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			fields: ALL_FIELDS,
			search: {
				fromdate: '2026-01-01T00:00:00',
				todate: '2026-01-31T23:59:59',
				phones: ['0501234567', '97231234567'],
				extensions: ['SIPSIP1', 'SIPSIP2'],
				IdentityCriteria: 'Hierarchical',
				CallID: 'abc123',
				cdrTypes: [1, 9, 10],
			},
			sort: [{ field: 'Date', order: 'desc' }],
		});
		// no CDR has that CallID
		expect(result.items).toEqual([]);
	});

	it('Limit with descending date: the latest rows, every field, dates as ISO strings', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { ...base(), limit: 2, sort: { order: 'desc' } },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(sim.requestsTo('api', '/hub/cdr')).toHaveLength(1);
		const seeded = generateCdrs(1, 50_000, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH);
		const expected = [seeded[49_999], seeded[49_998]].map((c) => ({
			json: { ...c, Date: new Date(c.DateEpoch * 1000).toISOString() },
			pairedItem: { item: 0 },
		}));
		expect(result.items).toEqual(expected);
		expect(Object.keys(result.items[0].json)).toEqual(ALL_FIELDS);
	});

	it('Limit above 10,000 rows continues past the cap (descending windows move To Date back)', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { ...base(), limit: 12_345, fields: ['CallID', 'Date'], sort: { order: 'desc' } },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests).toHaveLength(2);
		const seeded = generateCdrs(1, 50_000, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH);
		// the simulator sorts stably: rows of one second keep their seeded order
		const desc = [...seeded].sort((a, b) => b.DateEpoch - a.DateEpoch);
		expect(result.items.map((i) => i.json.CallID)).toEqual(desc.slice(0, 12_345).map((c) => c.CallID));
		expect((requests[1].body as { search: { todate: string } }).search.todate).toBe(
			new Date(desc[9_999].DateEpoch * 1000).toISOString().slice(0, 19),
		);
	});

	it('de-duplicates the rows that share the boundary second (dense data, small cap)', async () => {
		const { sim } = ctx;
		sim.options.callLog = {
			...saved,
			totalCdrs: 300,
			maxRows: 20,
			fromEpoch: DEFAULT_FROM_EPOCH,
			toEpoch: DEFAULT_FROM_EPOCH + 59,
		};
		const result = await runNode({
			parameters: { ...base(), returnAll: true, fields: ['CallID'] },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const seeded = generateCdrs(1, 300, DEFAULT_FROM_EPOCH, DEFAULT_FROM_EPOCH + 59);
		// 5 rows a second: every boundary second is re-read, and no row is output twice
		expect(result.items.map((i) => i.json)).toEqual(seeded.map((c) => ({ CallID: c.CallID })));
		expect(sim.requestsTo('api', '/hub/cdr').length).toBeGreaterThan(15);
	});

	it('throttles to the configured requests per window: no request is refused', async () => {
		const { sim } = ctx;
		sim.options.callLog = {
			...saved,
			totalCdrs: 50_000,
			maxRows: 5_000,
			requestsPerWindow: 3,
			windowMs: 400,
		};
		const result = await runNode({
			parameters: {
				...base(),
				returnAll: true,
				fields: ['CallID'],
				options: { maxRequestsPerWindow: 3, rateLimitWindowSeconds: 0.4, rateLimitRetries: 0 },
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(new Set(result.items.map((i) => i.json.CallID)).size).toBe(50_000);
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests.length).toBeGreaterThanOrEqual(10);
		expect(requests.length).toBeLessThanOrEqual(11);
		expect(new Set(requests.map((r) => r.rawBody)).size).toBe(requests.length);
	});

	it('waits and retries on "Request limit exceeded" (403, ERROR_NUMBER 1)', async () => {
		const { sim } = ctx;
		// Refusal by count: the 2nd and 3rd requests are refused, whatever the machine's speed.
		injectFaults(sim, 'ok', 'limit', 'limit');
		const result = await runNode({
			parameters: {
				...base(),
				returnAll: true,
				fields: ['CallID'],
				options: { maxRequestsPerWindow: 30, rateLimitWindowSeconds: 0.05, rateLimitRetries: 5 },
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(new Set(result.items.map((i) => i.json.CallID)).size).toBe(50_000);
		expect((sim.state.callLog as CallLogState).faultsServed).toEqual({ limit: 2 });
		const bodies = sim.requestsTo('api', '/hub/cdr').map((r) => r.rawBody);
		// 6 pages + 2 refused: the refused request was sent again with the same body, twice
		expect(bodies).toHaveLength(8);
		expect(bodies[1]).toBe(bodies[2]);
		expect(bodies[2]).toBe(bodies[3]);
		expect(new Set(bodies).size).toBe(6);
	});

	it('fails with Voicenter error 1 once the retries are used up', async () => {
		const { sim } = ctx;
		injectFaults(sim, 'ok', 'limit', 'limit');
		const result = await runNode({
			parameters: {
				...base(),
				returnAll: true,
				fields: ['CallID'],
				options: { rateLimitRetries: 1, rateLimitWindowSeconds: 0.05 },
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const error = result.error() as Error & { httpCode?: string; context?: Record<string, unknown> };
		expect(error?.message).toBe('Voicenter: Request limit exceeded. Please try again later. (code 1)');
		expect(error.httpCode).toBe('403');
		expect(error.context?.voicenterCode).toBe(1);
		expect(sim.requestsTo('api', '/hub/cdr')).toHaveLength(3);
	});

	it('shares the throttle between executions of the same account: they queue, none is refused', async () => {
		const { sim } = ctx;
		sim.options.callLog = { ...saved, totalCdrs: 20_000, maxRows: 2_000, requestsPerWindow: 4, windowMs: 300 };
		const run = () =>
			runNode({
				parameters: {
					...base(),
					returnAll: true,
					fields: ['CallID'],
					options: { maxRequestsPerWindow: 4, rateLimitWindowSeconds: 0.3, rateLimitRetries: 0 },
				},
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
		// Two workflows at once, 10+ requests each, against a limit of 4 per window for the account.
		const [a, b] = await Promise.all([run(), run()]);
		expect(a.error()).toBeUndefined();
		expect(b.error()).toBeUndefined();
		expect(new Set(a.items.map((i) => i.json.CallID)).size).toBe(20_000);
		expect(new Set(b.items.map((i) => i.json.CallID)).size).toBe(20_000);
		expect((sim.state.callLog as CallLogState).faultsServed).toEqual({});
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests.length).toBeGreaterThanOrEqual(20);
		// by count: no 300 ms span of arrivals holds more than 4 requests
		const at = requests.map((r) => r.at).sort((x, y) => x - y);
		for (let k = 4; k < at.length; k++) expect(at[k] - at[k - 4]).toBeGreaterThanOrEqual(300);
	});

	it.each([
		[
			'a wrong account code',
			{},
			{ accountCodeSecret: 'WRONG-CODE' },
			'Voicenter: Authorization failed (code 2)',
			'403',
		],
		[
			'an untrusted IP',
			{ trustedIps: ['10.0.0.1'] },
			{},
			'Voicenter: IP address 127.0.0.1 is not trusted (code 4)',
			'403',
		],
		['a range the API refuses', { maxRangeDays: 7 }, {}, 'Voicenter: Out of range (code 5)', '404'],
	])('maps %s to the documented error', async (_label, simOptions, creds, message, httpCode) => {
		const { sim } = ctx;
		sim.options.callLog = { ...saved, ...simOptions };
		const result = await runNode({
			parameters: { ...base(), limit: 5 },
			credentials: { voicenterApi: { ...sim.voicenterCredentials(), ...creds } },
		});
		const error = result.error() as Error & { httpCode?: string };
		expect(error.message).toBe(message);
		expect(error.httpCode).toBe(httpCode);
		expect(error.message).not.toContain('WRONG-CODE');
		expect(JSON.stringify(error)).not.toContain('WRONG-CODE');
	});

	it('refuses to page when Voicenter ignores the date sort (rows would be lost)', async () => {
		const { sim } = ctx;
		sim.options.callLog = { ...saved, ignoreSort: true };
		const result = await runNode({
			parameters: { ...base(), returnAll: true, fields: ['CallID'] },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()?.message).toBe(
			'Voicenter did not return the CDRs sorted by date, so the rows beyond its per-request cap cannot be fetched reliably (item 0)',
		);
		expect(sim.requestsTo('api', '/hub/cdr')).toHaveLength(1);
	});

	it('continueOnFail: a bad item becomes an error item, the good item still runs', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				...base(),
				limit: 1,
				fields: ['CallID'],
				filters: { phones: '={{ $json.phone }}' },
			},
			items: [{ phone: 'not-a-phone' }, { phone: '' }, { phone: '123' }],
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const seeded = generateCdrs(1, 50_000, DEFAULT_FROM_EPOCH, DEFAULT_TO_EPOCH);
		expect(result.items).toEqual([
			{
				json: {
					error: 'Invalid Phones "not-a-phone" in item 0',
					errorDescription:
						'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567)',
				},
				pairedItem: { item: 0 },
			},
			{ json: { CallID: seeded[0].CallID }, pairedItem: { item: 1 } },
			{
				json: {
					error: 'Invalid Phones "123" in item 2',
					errorDescription:
						'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567)',
				},
				pairedItem: { item: 2 },
			},
		]);
		expect(sim.requestsTo('api', '/hub/cdr')).toHaveLength(1);
	});

	it('rejects a missing date and a reversed range before any request', async () => {
		const { sim } = ctx;
		const missing = await runNode({
			parameters: { ...base(), fromDate: '={{ $json.nothing }}', limit: 5 },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(missing.error()?.message).toBe('From Date is missing or not a date (item 0)');
		const reversed = await runNode({
			parameters: { ...base(), fromDate: '2026-02-01T00:00:00Z', limit: 5 },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(reversed.error()?.message).toBe('From Date is after To Date (item 0)');
		expect(sim.requestsTo('api')).toHaveLength(0);
	});

	it("reads a date picker value without offset in the workflow's time zone and sends GMT+0", async () => {
		const { sim } = ctx;
		// The test engine runs workflows in n8n's default time zone, America/New_York (UTC-5 in January).
		const result = await runNode({
			parameters: {
				...base(),
				fromDate: '2026-01-10T08:00:00',
				toDate: '2026-01-10T19:30:00.000+02:00',
				limit: 1,
				fields: ['CallID'],
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect((sim.requestsTo('api', '/hub/cdr')[0].body as { search: unknown }).search).toEqual({
			fromdate: '2026-01-10T13:00:00',
			todate: '2026-01-10T17:30:00',
		});
	});

	it('accepts Luxon DateTime values from expressions', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				...base(),
				fromDate: "={{ DateTime.fromISO('2026-01-10T08:00:00', { zone: 'Asia/Jerusalem' }) }}",
				toDate:
					"={{ DateTime.fromISO('2026-01-10T08:00:00', { zone: 'Asia/Jerusalem' }).plus({ hours: 2 }) }}",
				limit: 1,
				fields: ['CallID'],
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect((sim.requestsTo('api', '/hub/cdr')[0].body as { search: unknown }).search).toEqual({
			fromdate: '2026-01-10T06:00:00',
			todate: '2026-01-10T08:00:00',
		});
	});

	it('sorts by another field: one request when the limit fits, the server sorts', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				...base(),
				limit: 3,
				fields: ['CallID', 'Duration'],
				sort: { field: 'Duration', order: 'desc' },
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', '/hub/cdr');
		expect(requests).toHaveLength(1);
		expect((requests[0].body as { sort: unknown }).sort).toEqual([{ field: 'Duration', order: 'desc' }]);
		expect(result.items.map((i) => i.json.Duration)).toEqual([900, 900, 900]);
	});
});
