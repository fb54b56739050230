import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import type { VoipeState } from '../../simulator/routes/voipe';
import { SIM_CLIENT, VOIPE_TYPE, voipeCredentials } from './helpers';

const ctx = useSimulator();

const state = () => ctx.sim.state.voipe as VoipeState;
const mobileRequests = () =>
	ctx.sim
		.requestsTo('voipe-cpanel', '/voipe/dial_external.php')
		.map((r) => ({ method: r.method, path: r.path, query: r.query }));

async function mobile(
	parameters: Record<string, unknown>,
	items: IDataObject[] = [{}],
	options: { continueOnFail?: boolean; credentials?: Record<string, string> } = {},
) {
	return await runNode({
		type: VOIPE_TYPE,
		credentialType: 'voipeApi',
		parameters: { operation: 'mobileClick2call', ...parameters },
		items,
		continueOnFail: options.continueOnFail,
		credentials: voipeCredentials(ctx.sim, options.credentials),
	});
}

describe('VoIPe → Mobile Click2Call (real engine against the simulator)', () => {
	it('sends GET /voipe/dial_external.php with the client from the credential and reads {src, uniqueid, status}', async () => {
		const result = await mobile(
			{
				phone: '={{ $json.agent }}',
				destination: '={{ $json.lead }}',
				options: { outboundCallerId: '03-765-4321', foreignId: '={{ $json.id }}' },
			},
			[
				{ agent: '050-111-2222', lead: '052-333-4444', id: 7 },
				{ agent: '+972 54 555 6666', lead: '0777777777', id: 8 },
			],
		);
		expect(result.error()).toBeUndefined();
		expect(mobileRequests()).toEqual([
			{
				method: 'GET',
				path: '/voipe/dial_external.php',
				query: {
					client: SIM_CLIENT,
					phone: '0501112222',
					destination: '0523334444',
					outboundcid: '037654321',
					foreignid: '7',
				},
			},
			{
				method: 'GET',
				path: '/voipe/dial_external.php',
				query: {
					client: SIM_CLIENT,
					phone: '972545556666',
					destination: '0777777777',
					outboundcid: '037654321',
					foreignid: '8',
				},
			},
		]);
		expect(ctx.sim.requestsTo('voipe-pbx')).toEqual([]);
		expect(result.items).toEqual([
			{
				json: {
					success: true,
					uniqueId: '1643543872.14903',
					source: '37654321',
					status: 'ok',
					phone: '0501112222',
					destination: '0523334444',
					outboundCallerId: '037654321',
					foreignId: '7',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					success: true,
					uniqueId: '1643543872.14904',
					source: '37654321',
					status: 'ok',
					phone: '972545556666',
					destination: '0777777777',
					outboundCallerId: '037654321',
					foreignId: '8',
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('without options sends only client, phone and destination; src is the PBX caller ID', async () => {
		const result = await mobile({
			phone: '0501112222',
			destination: '0523334444',
			options: { includeRawResponse: true },
		});
		expect(mobileRequests()).toEqual([
			{
				method: 'GET',
				path: '/voipe/dial_external.php',
				query: { client: SIM_CLIENT, phone: '0501112222', destination: '0523334444' },
			},
		]);
		expect(result.items).toEqual([
			{
				json: {
					success: true,
					uniqueId: '1643543872.14903',
					source: '312345678',
					status: 'ok',
					phone: '0501112222',
					destination: '0523334444',
					raw: { src: '312345678', uniqueid: '1643543872.14903', status: 'ok' },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('maps {"status":"error"} to a NodeApiError', async () => {
		const result = await mobile({ phone: '0501112222', destination: '0523334444' }, [{}], {
			credentials: { clientNameSecret: 'unknown-client' },
		});
		expect(mobileRequests()).toEqual([
			{
				method: 'GET',
				path: '/voipe/dial_external.php',
				query: { client: 'unknown-client', phone: '0501112222', destination: '0523334444' },
			},
		]);
		const error = result.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe('VoIPe rejected the Mobile Click2Call request: status "error"');
		expect(error.description).toBe('VoIPe answered: {"status":"error"}');
		expect(result.items).toEqual([]);
	});

	it('honours continueOnFail and keeps the client name out of the error text', async () => {
		state().nextResponse = { body: { status: 'error', message: `Client ${SIM_CLIENT} is suspended` } };
		const result = await mobile(
			{ phone: '0501112222', destination: '={{ $json.lead }}' },
			[{ lead: '0523334444' }, { lead: '0529998888' }],
			{ continueOnFail: true },
		);
		expect(mobileRequests().map((r) => r.query.destination)).toEqual(['0523334444', '0529998888']);
		expect(result.items).toEqual([
			{
				json: {
					error: 'VoIPe rejected the Mobile Click2Call request: Client *** is suspended',
					errorDescription: 'VoIPe answered: {"status":"error","message":"Client *** is suspended"}',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					success: true,
					uniqueId: '1643543872.14903',
					source: '312345678',
					status: 'ok',
					phone: '0501112222',
					destination: '0529998888',
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(JSON.stringify(result.items)).not.toContain(SIM_CLIENT);
	});

	it('validates the phone numbers before any request', async () => {
		const result = await mobile({ phone: '0501112222', destination: '={{ $json.lead }}' }, [
			{ lead: '0523334444' },
			{ lead: '+1' },
		]);
		expect(mobileRequests()).toEqual([]);
		const error = result.error('Node') as Error & { description?: string };
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe('Invalid Destination "+1" in item 1');
		expect(error.description).toBe(
			'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567)',
		);
	});

	it('with continueOnFail, an invalid mobile number becomes an error item', async () => {
		const result = await mobile(
			{ phone: '={{ $json.agent }}', destination: '0523334444' },
			[{ agent: 'not a phone' }, { agent: '0501112222' }],
			{ continueOnFail: true },
		);
		expect(mobileRequests().map((r) => r.query.phone)).toEqual(['0501112222']);
		expect(result.items).toEqual([
			{
				json: {
					error: 'Invalid Mobile Phone "not a phone" in item 0',
					errorDescription:
						'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567)',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					success: true,
					uniqueId: '1643543872.14903',
					source: '312345678',
					status: 'ok',
					phone: '0501112222',
					destination: '0523334444',
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('fails before any request when the credential has no client name', async () => {
		const result = await mobile({ phone: '0501112222', destination: '0523334444' }, [{}], {
			credentials: { clientNameSecret: '' },
		});
		expect(result.error('Node')?.message).toBe(
			'The VoIPe credential has no Client Name, which Mobile Click2Call needs (item 0)',
		);
		expect(ctx.sim.requests).toEqual([]);
	});

	it('maps an HTTP 404 to a NodeApiError with the status code', async () => {
		const result = await mobile({ phone: '0501112222', destination: '0523334444' }, [{}], {
			credentials: { mobileBaseUrl: ctx.sim.baseUrl('nowhere') },
			continueOnFail: true,
		});
		expect(result.items).toEqual([
			{
				json: {
					error: 'VoIPe answered HTTP 404 to the Mobile Click2Call request',
					errorDescription:
						'VoIPe answered: {"error":"No simulated endpoint GET /nowhere/voipe/dial_external.php"}',
					httpCode: '404',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});
