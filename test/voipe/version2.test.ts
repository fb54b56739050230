/**
 * VoIPe typeVersion 2: the output carries VoIPe's documented names (§15) — `response`,
 * `unique` for Click2Call; `src`, `uniqueid`, `status` for Mobile Click2Call — and what was
 * sent under the documented request names. typeVersion 1 keeps its renamed fields (the other
 * VoIPe tests run typeVersion 1).
 */
import type { IDataObject } from 'n8n-workflow';

import { Voipe } from '../../nodes/Voipe/Voipe.node';
import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import { VOIPE_TYPE, voipeCredentials } from './helpers';

const ctx = useSimulator();

async function run(parameters: IDataObject, items: IDataObject[], typeVersion: number) {
	return await runNode({
		type: VOIPE_TYPE,
		typeVersion,
		credentialType: 'voipeApi',
		parameters,
		items,
		credentials: voipeCredentials(ctx.sim),
	});
}

describe('VoIPe typeVersion 2: documented field names', () => {
	it('new nodes get typeVersion 2; typeVersion 1 stays available', () => {
		const { description } = new Voipe();
		expect([description.version, description.defaultVersion]).toEqual([[1, 2], 2]);
	});

	it('Click2Call outputs response and unique, and the documented request names', async () => {
		const result = await run(
			{
				operation: 'click2call',
				extension: '200',
				destination: '050-123-4567',
				tech: 'sip',
				options: { outboundCallerId: '03-123-4567', foreignId: 'crm-1', includeRawResponse: true },
			},
			[{}],
			2,
		);
		expect(result.error()).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					response: true,
					unique: '514574',
					extension: '200',
					destination: '0501234567',
					tech: 'sip',
					outboundcid: '031234567',
					foreignid: 'crm-1',
					raw: 'response: true\nunique: 514574\n',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Mobile Click2Call outputs src, uniqueid and status, and never the client name', async () => {
		const result = await run(
			{ operation: 'mobileClick2call', phone: '050-111-2222', destination: '052-333-4444' },
			[{}],
			2,
		);
		expect(result.error()).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					src: expect.any(String),
					uniqueid: '1643543872.14903',
					status: 'ok',
					phone: '0501112222',
					destination: '0523334444',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(JSON.stringify(result.items)).not.toContain('sim-client');
	});

	it('the same call on typeVersion 1 still outputs the renamed fields', async () => {
		const result = await run(
			{ operation: 'click2call', extension: '200', destination: '0501234567', tech: 'sip' },
			[{}],
			1,
		);
		expect(result.items[0].json).toEqual({
			success: true,
			uniqueId: '514574',
			extension: '200',
			destination: '0501234567',
			tech: 'sip',
		});
	});
});
