import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import { CLICK2CALL_NEXT_STEPS } from '../../nodes/Voicenter/actions/click2Call/call.operation';

const ctx = useSimulator();
const PATH = '/ForwardDialer/click2call.aspx';

const call = (extra: Record<string, unknown> = {}) => ({
	resource: 'click2Call',
	operation: 'call',
	phone: '={{ $json.phone }}',
	target: '={{ $json.target }}',
	...extra,
});

describe('Click2Call: options, errors, XML-RPC, Terminate', () => {
	it('sends every optional §4 parameter under its documented name', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: call({
				phonelogincode: '1234',
				options: {
					record: true,
					phonecallerid: '0722776772',
					phonecallername: 'Support',
					targetcallerid: '972722776772',
					targetcallername: 'Voicenter',
					phonemaxdialtime: 30,
					targetmaxdialtime: 45,
					maxduration: 3600,
					phoneautoanswer: true,
					targetautoanswer: false,
					checkphonedevicestate: true,
					checktargetdevicestate: true,
					language: 'he',
					ignoredncstatus: 3,
				},
			}),
			items: [{ phone: 'logincode', target: '0501234567' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(sim.requestsTo('api', PATH)[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			action: 'call',
			format: 'json',
			phone: 'logincode',
			phonelogincode: '1234',
			target: '0501234567',
			record: true,
			phonecallerid: '0722776772',
			phonecallername: 'Support',
			targetcallerid: '972722776772',
			targetcallername: 'Voicenter',
			phonemaxdialtime: 30,
			targetmaxdialtime: 45,
			maxduration: 3600,
			phoneautoanswer: true,
			targetautoanswer: false,
			checkphonedevicestate: true,
			checktargetdevicestate: true,
			language: 'he',
			ignoredncstatus: 3,
		});
	});

	it.each([
		[
			'1 (invalid parameters)',
			{ phone: 'NOSUCH1', target: '0501234567' },
			1,
			'Extension NOSUCH1 does not exist',
		],
		['2 (application error)', { phone: 'SIPSIP1', target: '0000000000' }, 2, 'Application error'],
		[
			'3 (extension offline)',
			{ phone: 'SIPSIP3', target: '0501234567' },
			3,
			'The representative extension is offline',
		],
		[
			'4 (blocked for Click2Call)',
			{ phone: 'BLOCKED1', target: '0501234567' },
			4,
			'Extension blocked for Click2Call calls',
		],
	])(
		'ERRORCODE %s becomes a NodeApiError with Voicenter code and message',
		async (_l, item, code, message) => {
			const { sim } = ctx;
			const result = await runNode({
				parameters: call(),
				items: [item],
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
			const error = result.error() as Error & { context?: Record<string, unknown>; description?: string };
			expect(error.name).toBe('NodeApiError');
			expect(error.message).toBe(`Voicenter: ${message} (code ${code})`);
			expect(error.description).toBe(
				`Voicenter rejected the Click2Call request (code ${code}): ${message}. ${CLICK2CALL_NEXT_STEPS[code]}`,
			);
			expect(error.context?.voicenterCode).toBe(code);
			expect(error.context?.voicenterMessage).toBe(message);
		},
	);

	it('parses an XML-RPC answer even though JSON was asked for', async () => {
		const { sim } = ctx;
		sim.options.click2callAlwaysXml = true;
		try {
			const ok = await runNode({
				parameters: call(),
				items: [{ phone: 'SIPSIP1', target: '0501234567' }],
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
			const calls = (sim.state.click2call as { calls: Array<{ CALLID: string }> }).calls;
			// ERRORCODE comes as <string>0</string> and is output as a number (§4.6)
			expect(ok.items).toEqual([
				{ json: { CALLID: calls[0].CALLID, ERRORCODE: 0, ERRORMESSAGE: 'OK' }, pairedItem: { item: 0 } },
			]);
			const failed = await runNode({
				parameters: call(),
				items: [{ phone: 'SIPSIP3', target: '0501234567' }],
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
			expect(failed.error()?.message).toBe('Voicenter: The representative extension is offline (code 3)');
		} finally {
			sim.options.click2callAlwaysXml = false;
		}
	});

	it('rejects the 11th var_* field before any request', async () => {
		const { sim } = ctx;
		const variable = Array.from({ length: 11 }, (_, k) => ({ name: `f${k}`, value: String(k) }));
		const result = await runNode({
			parameters: call({ customVariables: { variable } }),
			items: [{ phone: 'SIPSIP1', target: '0501234567' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()?.message).toBe(
			'Too many custom variables: 11 given, Voicenter accepts at most 10 var_* fields (item 0)',
		);
		expect(sim.requests).toHaveLength(0);
		const ten = await runNode({
			parameters: call({ customVariables: { variable: variable.slice(0, 10) } }),
			items: [{ phone: 'SIPSIP1', target: '0501234567' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(ten.error()).toBeUndefined();
		expect(
			Object.keys(sim.requestsTo('api', PATH)[0].body as object).filter((k) => k.startsWith('var_')),
		).toHaveLength(10);
	});

	it('names the item and the field of an invalid or missing phone, before any request', async () => {
		const { sim } = ctx;
		const invalid = await runNode({
			parameters: call(),
			items: [
				{ phone: 'SIPSIP1', target: '0501234567' },
				{ phone: 'SIPSIP1', target: '+12' },
			],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(invalid.error()?.message).toBe('Invalid Target (Leg 2) "+12" in item 1');
		const missing = await runNode({
			parameters: call(),
			items: [{ target: '0501234567' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(missing.error()?.message).toBe('Phone (Leg 1) is required (item 0)');
		// the first (valid) item of the first run was sent; nothing of the invalid ones
		expect(sim.requestsTo('api', PATH).map((r) => (r.body as { target: string }).target)).toEqual([
			'0501234567',
		]);
	});

	it('continueOnFail: bad input and Voicenter errors become error items, good items still call', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: call(),
			items: [
				{ phone: 'SIPSIP1', target: '0501234567' },
				{ phone: 'SIPSIP1', target: 'not a number!' },
				{ phone: 'BLOCKED1', target: '0501234567' },
				{ phone: 'SIPSIP2', target: '972521234567' },
			],
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const calls = (sim.state.click2call as { calls: Array<{ CALLID: string }> }).calls;
		expect(calls).toHaveLength(2);
		expect(result.items).toEqual([
			{ json: { CALLID: calls[0].CALLID, ERRORCODE: 0, ERRORMESSAGE: 'OK' }, pairedItem: { item: 0 } },
			{
				json: {
					error: 'Invalid Target (Leg 2) "not a number!" in item 1',
					errorDescription:
						'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567), a Voicenter extension id (e.g. SIPSIP)',
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					error: 'Voicenter: Extension blocked for Click2Call calls (code 4)',
					errorDescription:
						"Voicenter rejected the Click2Call request (code 4): Extension blocked for Click2Call calls. Allow Click2Call for this extension in CPanel (the extension's settings), or call from an extension that has it",
					voicenterCode: 4,
					voicenterMessage: 'Extension blocked for Click2Call calls',
				},
				pairedItem: { item: 2 },
			},
			{ json: { CALLID: calls[1].CALLID, ERRORCODE: 0, ERRORMESSAGE: 'OK' }, pairedItem: { item: 3 } },
		]);
		expect(sim.requestsTo('api', PATH)).toHaveLength(3);
	});

	it('Terminate: sends action=terminate with lowercase phone and outputs the three fields', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'click2Call', operation: 'terminate', phone: 'SIPSIP2' },
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', PATH);
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			action: 'terminate',
			format: 'json',
			phone: 'SIPSIP2',
		});
		expect(result.items).toEqual([
			{ json: { CALLID: '', ERRORCODE: 0, ERRORMESSAGE: 'OK' }, pairedItem: { item: 0 } },
		]);
		expect((sim.state.click2call as { terminated: string[] }).terminated).toEqual(['SIPSIP2']);
	});

	it('Terminate: an offline extension is Voicenter error 3; an invalid one fails before the request', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: { resource: 'click2Call', operation: 'terminate', phone: '={{ $json.ext }}' },
			items: [{ ext: 'SIPSIP3' }, { ext: '!!' }],
			continueOnFail: true,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.items.map((i) => [i.json.error, i.json.voicenterCode, i.pairedItem])).toEqual([
			['Voicenter: The representative extension is offline (code 3)', 3, { item: 0 }],
			['Invalid Extension "!!" in item 1', undefined, { item: 1 }],
		]);
		expect(sim.requestsTo('api', PATH)).toHaveLength(1);
	});

	it('keeps the account code out of every URL and every error text', async () => {
		const { sim } = ctx;
		const secret = 'TOP-SECRET-ACCOUNT-CODE';
		sim.options.accountCodes = [secret];
		try {
			const creds = { voicenterApi: sim.voicenterCredentials(secret) };
			const failed = await runNode({
				parameters: call(),
				items: [{ phone: 'SIPSIP3', target: '0501234567' }],
				credentials: creds,
			});
			const wrong = await runNode({
				parameters: call(),
				items: [{ phone: 'SIPSIP1', target: '0501234567' }],
				credentials: { voicenterApi: sim.voicenterCredentials('WRONG-SECRET-VALUE') },
			});
			// a network failure: the error text comes from the HTTP client
			const down = await runNode({
				parameters: call(),
				items: [{ phone: 'SIPSIP1', target: '0501234567' }],
				credentials: { voicenterApi: { ...creds.voicenterApi, apiBaseUrl: 'http://127.0.0.1:1' } },
			});
			expect(failed.error()?.message).toBe('Voicenter: The representative extension is offline (code 3)');
			expect(wrong.error()?.message).toBe('Voicenter: Code is invalid (code 1)');
			expect(down.error()?.message).toMatch(/^Voicenter request failed: /);
			for (const r of [failed, wrong, down]) {
				const error = r.error() as Error & { description?: string };
				const text = `${error.message} ${error.description ?? ''} ${error.stack ?? ''}`;
				expect(text).not.toContain(secret);
				expect(text).not.toContain('WRONG-SECRET-VALUE');
			}
			expect(sim.requests.length).toBe(2);
			for (const r of sim.requests) {
				expect(r.url).toBe('/api/ForwardDialer/click2call.aspx');
				expect(r.method).toBe('POST');
			}
		} finally {
			sim.options.accountCodes = undefined;
		}
	});
});
