/**
 * Secrets never leave the node (issue #12, acceptance 2): with the simulator's echo mode every
 * error answer repeats the request — the account code included — and the tests grep the whole
 * run (error message, description, context, cause, stack, continueOnFail items, output items).
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { containsSecret, redact, redactDeep, redactError, secretVariants } from '../../nodes/shared/errors';
import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import { SIM_CLIENT, VOIPE_TYPE, voipeCredentials } from '../voipe/helpers';
import { allStrings, expectNoSecret } from './helpers';

const ctx = useSimulator();
const CODE = 'SIM-ACCOUNT-CODE-0001';
const WRONG = 'WRONG-code with spaces&symbols=1';

beforeEach(() => {
	ctx.sim.echoRequests = true;
});

describe('redaction helpers', () => {
	it('redacts the secret as it is, URL-encoded (both space forms) and JSON-escaped', () => {
		const secret = 'a b"c&d';
		const text = `x ${secret} y ${encodeURIComponent(secret)} z ${encodeURIComponent(secret).replace(/%20/g, '+')} w ${JSON.stringify(secret)}`;
		expect(containsSecret(redact(text, [secret]), [secret])).toBe(false);
		expect(redact(text, [secret])).toBe('x *** y *** z *** w "***"');
		expect(secretVariants(['ab', undefined, ''])).toEqual([]);
	});

	it('redactDeep copies objects, arrays, keys and cycles without the secret', () => {
		const o: Record<string, unknown> = { a: `k=${CODE}`, list: [{ [CODE]: 1 }], n: 5 };
		o.self = o;
		const out = redactDeep(o, [CODE]);
		expect(out).not.toBe(o);
		expect(o.a).toBe(`k=${CODE}`);
		expect(containsSecret({ a: out.a, list: out.list }, [CODE])).toBe(false);
		expect((out as Record<string, unknown>).self).toBe(out);
		expect(out.n).toBe(5);
	});

	it('redactError cleans message, description, messages, context, cause and stack, keeping the class', () => {
		const node = { id: '1', name: 'N', type: 't', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const error = new NodeApiError(node, { message: `bad ${CODE}`, body: { code: CODE } }, {
			message: `failed for ${CODE}`,
			description: `sent code=${CODE}`,
		});
		error.context.sent = { code: CODE };
		const cleaned = redactError(error, [CODE]);
		expect(cleaned).toBe(error);
		expect(cleaned).toBeInstanceOf(NodeApiError);
		expectNoSecret(cleaned, CODE);
		expect(cleaned.message).toBe('failed for ***');
	});
});

describe('Voicenter node with the echoing simulator', () => {
	const runs: Array<{ name: string; parameters: IDataObject; items?: IDataObject[] }> = [
		{
			name: 'Click2Call (JSON error answer)',
			parameters: { resource: 'click2Call', operation: 'call', phone: '={{ $json.phone }}', target: '={{ $json.target }}' },
			items: [{ phone: '0501234567', target: '0000000000' }, { phone: '0501234567', target: '0521234567' }],
		},
		{
			name: 'Active Calls (ERR/DESC)',
			parameters: { resource: 'activeCall', operation: 'getExtensionCalls', extension: '' },
		},
		{
			name: 'Call Log (ERROR_NUMBER)',
			parameters: {
				resource: 'callLog',
				operation: 'search',
				fromDate: '2026-01-01T00:00:00Z',
				toDate: '2026-01-02T00:00:00Z',
				limit: 5,
			},
		},
		{
			name: 'Blacklist Add (per-number results)',
			parameters: { resource: 'blacklist', operation: 'add', phone: '={{ $json.phone }}' },
			items: [{ phone: '0501234567' }, { phone: '0521234567' }],
		},
		{
			name: 'Campaign Get Many (Dialer)',
			parameters: { resource: 'campaign', operation: 'getAll', returnAll: true },
		},
	];

	for (const accountCode of [CODE, WRONG]) {
		for (const r of runs) {
			it(`${r.name}, ${accountCode === CODE ? 'valid' : 'wrong'} code: the code appears nowhere (errors, items, continueOnFail)`, async () => {
				const { sim } = ctx;
				for (const continueOnFail of [false, true]) {
					sim.clearRequests();
					const result = await runNode({
						parameters: r.parameters,
						items: r.items,
						continueOnFail,
						credentials: { voicenterApi: sim.voicenterCredentials(accountCode) },
					});
					// The simulator really echoed the code (otherwise the test proves nothing).
					expect(sim.requests.length).toBeGreaterThan(0);
					expect(sim.requests.some((q) => q.rawBody.includes(JSON.stringify(accountCode).slice(1, -1)))).toBe(true);
					expectNoSecret(result.run, accountCode);
					expectNoSecret(result.items, accountCode);
					const error = result.error('Node') ?? result.error();
					if (error) expectNoSecret(error, accountCode);
					expect(JSON.stringify(result.run.data)).not.toContain(accountCode);
				}
			});
		}
	}

	it('the echo is really there: Voicenter\'s own message is kept, only the code is starred out', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: runs[0].parameters,
			items: runs[0].items,
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const failed = result.items[0].json;
		expect(String(failed.error)).toMatch(/^Voicenter: Application error \[request POST \/api\/ForwardDialer\/click2call\.aspx body .*"code":"\*\*\*".*\] \(code 2\)$/);
		expect(failed.voicenterCode).toBe(2);
		expect(String(failed.voicenterMessage)).toContain('"code":"***"');
		// the other item still ran, its echoed answer cleaned too
		expect(result.items[1].json.ERRORCODE).toBe(0);
		expect(JSON.stringify(result.items[1].json)).toContain('***');
		expect(allStrings(result.items).some((s) => s.includes(CODE))).toBe(false);
	});
});

describe('VoIPe node with the echoing simulator', () => {
	it('the client name (in the query string VoIPe documents) is in no error, item or run data', async () => {
		const { sim } = ctx;
		for (const [client, continueOnFail] of [
			[SIM_CLIENT, true],
			['wrong-client-name', true],
			['wrong-client-name', false],
		] as const) {
			sim.clearRequests();
			const result = await runNode({
				type: VOIPE_TYPE,
				credentialType: 'voipeApi',
				parameters: { operation: 'mobileClick2call', phone: '={{ $json.agent }}', destination: '={{ $json.lead }}' },
				items: [{ agent: '050-111-2222', lead: '052-333-4444' }],
				continueOnFail,
				credentials: voipeCredentials(sim, { clientNameSecret: client }),
			});
			expect(sim.requests.some((q) => (q.url ?? '').includes(client))).toBe(true);
			expectNoSecret(result.run, client);
			expectNoSecret(result.items, client);
			const error = result.error('Node') ?? result.error();
			if (error) expectNoSecret(error, client);
			if (client !== SIM_CLIENT) expect(error ?? result.items[0].json.error).toBeTruthy();
		}
	});
});
