import { sendIvrLayer } from '../../simulator/webhooks';
import { PACKAGE } from '../harness/engine';
import { chain, openGate, serveWorkflow, type WebhookTestServer } from '../harness/webhook';

const TRIGGER = `${PACKAGE}.voicenterIvrTrigger`;
const RESPOND = `${PACKAGE}.voicenterRespond`;
const JSON_CT = 'application/json; charset=utf-8';

async function ivrServer(
	respond: Record<string, unknown> | undefined,
	triggerParams: Record<string, unknown> = {},
	middle: Array<{ name: string; type: string; parameters: Record<string, unknown> }> = [],
): Promise<WebhookTestServer> {
	const { nodes, connections } = chain([
		{
			name: 'IVR',
			type: TRIGGER,
			parameters: { fallbackLayer: 9, timeoutSeconds: 2, ...triggerParams } as never,
		},
		...middle.map((m) => ({ ...m, parameters: m.parameters as never })),
		...(respond ? [{ name: 'Respond', type: RESPOND, parameters: respond as never }] : []),
	]);
	return await serveWorkflow({ nodes, connections });
}

const FALLBACK = '{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":9}';

describe('Voicenter IVR Trigger + Voicenter Respond (real engine runs)', () => {
	let server: WebhookTestServer;
	afterEach(async () => {
		await server?.stop();
	});

	it('GO_TO_LAYER: a VIP caller goes to layer 12 with caller name and custom data', async () => {
		server = await ivrServer({
			respondTo: 'ivr',
			action: 'goToLayer',
			layer: '={{ $json.DTMF === "12345678" ? 12 : 7 }}',
			ivrOptions: {
				callerName: 'Shlomi',
				customData: '={{ JSON.stringify({ CRM_client_ID: $json.CALLER_ID }) }}',
			},
		});
		const { answer, problems } = await sendIvrLayer(server.url, {
			DTMF: '12345678',
			LAYER_ID: '5',
			PREVIOUS_LAYER_ID: '5',
		});
		expect(problems).toEqual([]);
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toBe(JSON_CT);
		expect(answer.body).toBe(
			'{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12,"CALLER_NAME":"Shlomi","CUSTOM_DATA":{"CRM_client_ID":"0501234567"}}',
		);
		await server.idle();
		expect(server.executions).toHaveLength(1);
		// LAYER_ID / PREVIOUS_LAYER_ID sent as strings come out as numbers
		expect(server.executions[0].items).toEqual([
			{
				json: {
					METHOD: 'IVR_LAYER_INPUT',
					DID: '0722776772',
					CALLER_ID: '0501234567',
					IVR_UNIQUE_ID: '1bcd7954224861f85a2d70612f2',
					DTMF: '12345678',
					LAYER_ID: 5,
					PREVIOUS_LAYER_ID: 5,
				},
			},
		]);
		const out = server.executions[0].run!.data.resultData.runData.Respond[0].data!.main[0];
		expect(out).toEqual([{ json: server.executions[0].items[0].json, pairedItem: { item: 0 } }]);
	});

	it('SAY_DIGITS: ordered playback, next layers and language', async () => {
		server = await ivrServer({
			respondTo: 'ivr',
			action: 'sayDigits',
			playback: {
				item: [
					{ recordType: 'Recording', content: '9899115_20849570029.mp3' },
					{ recordType: 'Digits', content: '={{ $json.CALLER_ID }}' },
					{ recordType: 'Number', content: '112' },
					{ recordType: 'Date', content: '2022-06-12' },
					{ recordType: 'DateTime', content: '2022-06-12T10:12:59.000Z' },
				],
			},
			nextLayer: 2,
			language: 'EN',
			ivrOptions: { nextLayerIfFailed: 1 },
		});
		const { answer, problems } = await sendIvrLayer(server.url, {});
		expect(problems).toEqual([]);
		expect([answer.status, answer.headers['content-type']]).toEqual([200, JSON_CT]);
		expect(JSON.parse(answer.body)).toEqual({
			STATUS: 0,
			ACTION: 'SAY_DIGITS',
			NEXT_LAYER: 2,
			NEXT_LAYER_IF_FAILED: 1,
			LANGUAGE: 'EN',
			DATA: [
				{ RecordType: 'Recording', Content: '9899115_20849570029.mp3' },
				{ RecordType: 'Digits', Content: '0501234567' },
				{ RecordType: 'Number', Content: '112' },
				{ RecordType: 'Date', Content: '2022-06-12' },
				{ RecordType: 'DateTime', Content: '2022-06-12T10:12:59' },
			],
		});
	});

	it('DIAL: the on-call technician at night, numbers normalised, recording yes', async () => {
		server = await ivrServer({
			respondTo: 'ivr',
			action: 'dial',
			callerId: '072-277-6772',
			targets: {
				target: [
					{ type: 'PHONE', target: '+972 50-123-4567' },
					{ type: 'EXTENSION', target: 'SIPSIP1' },
				],
			},
			maxCallDuration: 1800,
			maxDialDuration: 60,
			nextLayerOnFailure: 15,
			recording: true,
			ivrOptions: { callerName: 'Voicenter', customData: '{"ticket":"222"}' },
		});
		const { answer, problems } = await sendIvrLayer(server.url, { LAYER_ID: 5 });
		expect(problems).toEqual([]);
		expect(answer.status).toBe(200);
		expect(answer.body).toBe(
			JSON.stringify({
				STATUS: 0,
				ACTION: 'DIAL',
				CALLER_ID: '0722776772',
				CALLER_NAME: 'Voicenter',
				MAX_CALL_DURATION: 1800,
				MAX_DIAL_DURATION: 60,
				NEXT_VO_ID: 15,
				RECORDING: 'yes',
				TARGETS: [
					{ TYPE: 'PHONE', TARGET: '972501234567' },
					{ TYPE: 'EXTENSION', TARGET: 'SIPSIP1' },
				],
				CUSTOM_DATA: { ticket: '222' },
			}),
		);
	});

	describe('fallback: what Voicenter receives when the workflow does not answer properly', () => {
		it('the workflow fails before the Respond node → 200 GO_TO_LAYER fallback (n8n would send 500)', async () => {
			server = await ivrServer({ respondTo: 'ivr', action: 'goToLayer', layer: 3 }, {}, [
				{ name: 'CRM', type: 'test.fail', parameters: { message: 'CRM is down' } },
			]);
			const { answer, problems } = await sendIvrLayer(server.url, {});
			expect(problems).toEqual([]);
			expect([answer.status, answer.headers['content-type'], answer.body]).toEqual([200, JSON_CT, FALLBACK]);
			await server.idle();
			expect(server.executions[0].run!.data.resultData.error?.message).toBe('CRM is down');
		});

		it('the Respond node rejects its own invalid answer (node error) → fallback, never a malformed body', async () => {
			server = await ivrServer({
				respondTo: 'ivr',
				action: 'dial',
				callerId: 'not-a-number',
				targets: { target: [{ type: 'PHONE', target: '0501234567' }] },
				nextLayerOnFailure: 15,
			});
			const { answer } = await sendIvrLayer(server.url, {});
			expect([answer.status, answer.body]).toEqual([200, FALLBACK]);
			await server.idle();
			expect(server.executions[0].run!.data.resultData.error?.message).toBe(
				'Invalid Caller ID "not-a-number" in item 0',
			);
		});

		it('the workflow ends without reaching a Respond node → fallback (n8n would send an empty 200)', async () => {
			server = await ivrServer(undefined, {}, [{ name: 'Noop', type: 'test.noop', parameters: {} }]);
			const { answer, problems } = await sendIvrLayer(server.url, {});
			expect(problems).toEqual([]);
			expect([answer.status, answer.body]).toEqual([200, FALLBACK]);
		});

		it('the workflow is too slow → fallback at the deadline; the late answer is dropped without error', async () => {
			server = await ivrServer({ respondTo: 'ivr', action: 'goToLayer', layer: 3 }, { timeoutSeconds: 0.5 }, [
				// held until the fallback has been received: "too slow" by signal, not by a race
				{ name: 'Slow', type: 'test.gate', parameters: { gate: 'ivr-slow' } },
			]);
			const { answer } = await sendIvrLayer(server.url, {});
			expect([answer.status, answer.body]).toEqual([200, FALLBACK]);
			openGate('ivr-slow');
			await server.idle();
			const run = server.executions[0].run!;
			expect(run.data.resultData.error).toBeUndefined();
			expect(run.data.resultData.runData.Respond).toHaveLength(1);
		});

		it('a request for another layer gets the fallback at once and starts no execution', async () => {
			server = await ivrServer({ respondTo: 'ivr', action: 'goToLayer', layer: 3 }, { layerIds: '5, 12' });
			const other = await sendIvrLayer(server.url, { LAYER_ID: 6 });
			expect([other.answer.status, other.answer.body]).toEqual([200, FALLBACK]);
			const mine = await sendIvrLayer(server.url, { LAYER_ID: '12' });
			expect(mine.answer.body).toBe(
				'{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":3,"CALLER_NAME":null,"CUSTOM_DATA":null}',
			);
			await server.idle();
			expect(server.executions.map((e) => e.items[0].json.LAYER_ID)).toEqual([12]);
		});

		it('a malformed request → 400 with a routable STATUS 1 body and the reason in a header, no execution', async () => {
			server = await ivrServer({ respondTo: 'ivr', action: 'goToLayer', layer: 3 });
			const { answer } = await sendIvrLayer(server.url, { LAYER_ID: 'five' });
			expect(answer.status).toBe(400);
			expect(answer.body).toBe('{"STATUS":1,"ACTION":"GO_TO_LAYER","LAYER":9}');
			expect(answer.headers['x-voicenter-error']).toBe('DATA.LAYER_ID must be an integer');
			await server.idle();
			expect(server.executions).toHaveLength(0);
		});

		it('wrong secret → 401, address not allowed → 403, no execution', async () => {
			server = await ivrServer(
				{ respondTo: 'ivr', action: 'goToLayer', layer: 3 },
				{ secretLocation: 'header', keyName: 'X-Voicenter-Secret', secret: 'abc-123-xyz' },
			);
			const bad = await sendIvrLayer(server.url, {}, { headers: { 'x-voicenter-secret': 'abc-123-xyZ' } });
			expect([bad.answer.status, bad.answer.body]).toEqual([
				401,
				'{"error":"Unauthorized: missing or wrong secret"}',
			]);
			const good = await sendIvrLayer(server.url, {}, { headers: { 'x-voicenter-secret': 'abc-123-xyz' } });
			expect(good.problems).toEqual([]);
			await server.stop();
			server = await ivrServer(
				{ respondTo: 'ivr', action: 'goToLayer', layer: 3 },
				{
					ipAllowlist: '203.0.113.0/24',
					trustForwardedFor: true,
				},
			);
			const forged = await sendIvrLayer(server.url, {}, { headers: { 'x-forwarded-for': '198.51.100.7' } });
			expect([forged.answer.status, forged.answer.body]).toEqual([
				403,
				'{"error":"Forbidden: source address not allowed"}',
			]);
			const proxied = await sendIvrLayer(
				server.url,
				{},
				{ headers: { 'x-forwarded-for': '1.1.1.1, 203.0.113.9' } },
			);
			expect(proxied.problems).toEqual([]);
			await server.idle();
			// only the proxied request from an allowed address ran (this server's count)
			expect(server.executions).toHaveLength(1);
		});
	});

	describe('Respond node validation (node error, fallback to Voicenter)', () => {
		it.each([
			[{ action: 'goToLayer', layer: 2.5 }, 'Layer must be a whole layer number, got "2.5"'],
			[
				{
					action: 'sayDigits',
					nextLayer: 2,
					playback: { item: [{ recordType: 'Date', content: '12/06/2022' }] },
				},
				'Playback item 1 (Date): invalid content "12/06/2022"',
			],
			[{ action: 'sayDigits', nextLayer: 2, playback: {} }, 'Add at least one playback item'],
			[
				{ action: 'dial', callerId: '0722776772', nextLayerOnFailure: 1, targets: {} },
				'Add at least one target to dial',
			],
			[
				{
					action: 'dial',
					callerId: '0722776772',
					nextLayerOnFailure: 1,
					targets: { target: [{ type: 'PHONE', target: '12' }] },
				},
				'Invalid target 1 "12" in item 0',
			],
			[
				{ action: 'goToLayer', layer: 1, ivrOptions: { customData: '[1,2]' } },
				'Custom Data must be a JSON object',
			],
		])('%j → %s', async (params, message) => {
			server = await ivrServer({ respondTo: 'ivr', ...params });
			const { answer } = await sendIvrLayer(server.url, {});
			expect([answer.status, answer.body]).toEqual([200, FALLBACK]);
			await server.idle();
			expect(server.executions[0].run!.data.resultData.error?.message).toBe(message);
		});
	});
});
