import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import type { VoipeState } from '../../simulator/routes/voipe';
import { VOIPE_TYPE, voipeCredentials } from './helpers';

const ctx = useSimulator();

const state = () => ctx.sim.state.voipe as VoipeState;
const dialRequests = () =>
	ctx.sim
		.requestsTo('voipe-pbx', '/web/dial.php')
		.map((r) => ({ method: r.method, path: r.path, query: r.query }));

async function click2call(
	parameters: Record<string, unknown>,
	items: IDataObject[] = [{}],
	options: { continueOnFail?: boolean; credentials?: Record<string, string> } = {},
) {
	return await runNode({
		type: VOIPE_TYPE,
		credentialType: 'voipeApi',
		parameters: { operation: 'click2call', tech: 'sip', ...parameters },
		items,
		continueOnFail: options.continueOnFail,
		credentials: voipeCredentials(ctx.sim, options.credentials),
	});
}

describe('VoIPe → Click2Call (real engine against the simulator)', () => {
	it('sends GET /web/dial.php with the lowercase documented parameters and reads `response: true / unique: N`', async () => {
		const result = await click2call(
			{
				extension: '={{ $json.ext }}',
				destination: '={{ $json.lead }}',
				tech: 'sip',
				options: { outboundCallerId: '03-123-4567', foreignId: '={{ $json.id }}' },
			},
			[
				{ ext: '200', lead: '050-123-4567', id: 123 },
				{ ext: '201', lead: '+972 52 765 4321', id: 'crm-9' },
			],
		);
		expect(result.error()).toBeUndefined();
		expect(dialRequests()).toEqual([
			{
				method: 'GET',
				path: '/web/dial.php',
				query: {
					extension: '200',
					destination: '0501234567',
					tech: 'sip',
					outboundcid: '031234567',
					foreignid: '123',
				},
			},
			{
				method: 'GET',
				path: '/web/dial.php',
				query: {
					extension: '201',
					destination: '972527654321',
					tech: 'sip',
					outboundcid: '031234567',
					foreignid: 'crm-9',
				},
			},
		]);
		// The client name never goes to the PBX.
		expect(ctx.sim.requests.every((r) => r.query.client === undefined)).toBe(true);
		expect(result.items).toEqual([
			{
				json: {
					success: true,
					uniqueId: '514574',
					extension: '200',
					destination: '0501234567',
					tech: 'sip',
					outboundCallerId: '031234567',
					foreignId: '123',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					success: true,
					uniqueId: '514575',
					extension: '201',
					destination: '972527654321',
					tech: 'sip',
					outboundCallerId: '031234567',
					foreignId: 'crm-9',
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('leaves the optional parameters out, sends tech=pjsip, and adds the raw answer on request', async () => {
		const result = await click2call({
			extension: '300',
			destination: '0501234567',
			tech: 'pjsip',
			options: { includeRawResponse: true },
		});
		expect(dialRequests()).toEqual([
			{
				method: 'GET',
				path: '/web/dial.php',
				query: { extension: '300', destination: '0501234567', tech: 'pjsip' },
			},
		]);
		expect(result.items).toEqual([
			{
				json: {
					success: true,
					uniqueId: '514574',
					extension: '300',
					destination: '0501234567',
					tech: 'pjsip',
					raw: 'response: true\nunique: 514574\n',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it.each([
		['json', { response: true, unique: 514574 }],
		['kv', 'response=true&unique=514574'],
	] as const)('reads the %s form of the answer into the same output', async (format, raw) => {
		state().dialFormat = format;
		const result = await click2call({
			extension: '200',
			destination: '0501234567',
			options: { includeRawResponse: true },
		});
		expect(result.items).toEqual([
			{
				json: {
					success: true,
					uniqueId: '514574',
					extension: '200',
					destination: '0501234567',
					tech: 'sip',
					raw,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('accepts a PBX address without a scheme (http:// assumed) or with the dial.php path pasted', async () => {
		const bare = ctx.sim.baseUrl('voipe-pbx').replace(/^http:\/\//, '');
		for (const pbxUrl of [bare, `${ctx.sim.baseUrl('voipe-pbx')}/web/dial.php?extension=1`]) {
			const result = await click2call({ extension: '200', destination: '0501234567' }, [{}], {
				credentials: { pbxUrl },
			});
			expect(result.error()).toBeUndefined();
		}
		expect(dialRequests()).toHaveLength(2);
	});

	it('maps `response: false` to a NodeApiError quoting the PBX', async () => {
		const result = await click2call({ extension: '299', destination: '0501234567' });
		expect(dialRequests()).toEqual([
			{
				method: 'GET',
				path: '/web/dial.php',
				query: { extension: '299', destination: '0501234567', tech: 'sip' },
			},
		]);
		const error = result.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe('VoIPe rejected the Click2Call request: response "false"');
		expect(error.description).toBe('VoIPe answered: response: false');
		expect(result.items).toEqual([]);
	});

	it('honours continueOnFail: a rejected item becomes an error item, the others still dial', async () => {
		const result = await click2call(
			{ extension: '={{ $json.ext }}', destination: '0501234567', tech: 'sip' },
			[{ ext: '200' }, { ext: '300' }, { ext: '201' }], // 300 is a pjsip extension: tech mismatch
			{ continueOnFail: true },
		);
		expect(dialRequests().map((r) => r.query.extension)).toEqual(['200', '300', '201']);
		expect(result.items).toEqual([
			{
				json: { success: true, uniqueId: '514574', extension: '200', destination: '0501234567', tech: 'sip' },
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: 'VoIPe rejected the Click2Call request: response "false"',
					errorDescription: 'VoIPe answered: response: false',
				},
				pairedItem: { item: 1 },
			},
			{
				json: { success: true, uniqueId: '514575', extension: '201', destination: '0501234567', tech: 'sip' },
				pairedItem: { item: 2 },
			},
		]);
	});

	it('maps an HTTP error and an unrecognised page to NodeApiErrors', async () => {
		state().nextResponse = { status: 500, body: 'Internal Server Error' };
		const http = await click2call({ extension: '200', destination: '0501234567' }, [{}], {
			continueOnFail: true,
		});
		expect(http.items).toEqual([
			{
				json: {
					error: 'VoIPe answered HTTP 500 to the Click2Call request',
					errorDescription: 'VoIPe answered: Internal Server Error',
					httpCode: '500',
				},
				pairedItem: { item: 0 },
			},
		]);
		state().nextResponse = { body: '<html><body><h1>Login</h1></body></html>', contentType: 'text/html' };
		const page = await click2call({ extension: '200', destination: '0501234567' });
		const error = page.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe('VoIPe returned an unrecognised answer to the Click2Call request');
		expect(error.description).toBe('VoIPe answered: Login');
	});

	it('validates every item before the first request: a bad destination in item 1 stops the run with no call placed', async () => {
		const result = await click2call({ extension: '200', destination: '={{ $json.lead }}' }, [
			{ lead: '0501234567' },
			{ lead: '12ab' },
		]);
		expect(dialRequests()).toEqual([]);
		const error = result.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe('Invalid Destination "12ab" in item 1');
	});

	it.each([
		['a 7-digit extension', { extension: '1234567' }, 'Invalid Extension "1234567" in item 0'],
		['an empty extension', { extension: '={{ $json.none }}' }, 'Extension is required (item 0)'],
		['a bad caller ID', { options: { outboundCallerId: '12' } }, 'Invalid Outbound Caller ID "12" in item 0'],
		[
			'a bad timeout',
			{ options: { timeout: 0 } },
			'Option Timeout must be a number of seconds above 0 (item 0)',
		],
	])('rejects %s before any request', async (_label, override, message) => {
		const result = await click2call({ extension: '200', destination: '0501234567', ...override });
		expect(dialRequests()).toEqual([]);
		expect(result.error('Node')?.message).toBe(message);
	});

	it('with continueOnFail, an invalid item becomes an error item and valid items are dialled', async () => {
		const result = await click2call(
			{ extension: '={{ $json.ext }}', destination: '0501234567' },
			[{ ext: 'x' }, { ext: 'SIPSIP' }],
			{ continueOnFail: true },
		);
		// SIPSIP passes validation (a SIP name) but the simulated PBX does not know it.
		expect(dialRequests().map((r) => r.query.extension)).toEqual(['SIPSIP']);
		expect(result.items).toEqual([
			{
				json: {
					error: 'Invalid Extension "x" in item 0',
					errorDescription:
						'Use a PBX extension number of 2–6 digits (e.g. 200) or a SIP extension name (e.g. SIPSIP)',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: 'VoIPe rejected the Click2Call request: response "false"',
					errorDescription: 'VoIPe answered: response: false',
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('fails before any request when the credential has no PBX URL or a non-http one', async () => {
		const none = await click2call({ extension: '200', destination: '0501234567' }, [{}], {
			credentials: { pbxUrl: '' },
		});
		expect(none.error('Node')?.message).toBe(
			'The VoIPe credential has no PBX Server URL, which Click2Call needs (item 0)',
		);
		const ftp = await click2call({ extension: '200', destination: '0501234567' }, [{}], {
			credentials: { pbxUrl: 'ftp://192.0.2.10' },
		});
		expect(ftp.error('Node')?.message).toBe(
			'The PBX Server URL of the VoIPe credential must be an http:// or https:// address (item 0)',
		);
		expect(ctx.sim.requests).toEqual([]);
	});

	it('reports an unreachable PBX as a NodeApiError', async () => {
		const result = await click2call({ extension: '200', destination: '0501234567' }, [{}], {
			credentials: { pbxUrl: 'http://127.0.0.1:1' },
		});
		const error = result.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/^Could not reach VoIPe for the Click2Call request: /);
		expect(error.description).toBe('Check the PBX Server URL of the VoIPe credential');
	});

	it('on a timeout warns that the call may still have been placed', async () => {
		ctx.sim.latencyMs = 1500;
		try {
			const result = await click2call(
				{ extension: '200', destination: '0501234567', options: { timeout: 0.5 } },
				[{}],
				{ continueOnFail: true },
			);
			expect(dialRequests()).toHaveLength(1);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].pairedItem).toEqual({ item: 0 });
			expect(result.items[0].json.error).toMatch(/^Could not reach VoIPe for the Click2Call request: /);
			expect(result.items[0].json.errorDescription).toBe(
				'No answer in time. The call may still have been placed: check the PBX before retrying.',
			);
		} finally {
			ctx.sim.latencyMs = 0;
		}
	});
});
