import { request } from 'undici';

import { legHash, persistedText, resetLegStores } from '../../nodes/shared/cdrDelivery';
import { encodeXmlRpcResponse } from '../../nodes/shared/xmlrpc';
import { CDR_IVR_QUEUE, CDR_OUTGOING, sendCdr } from '../../simulator/webhooks';
import { PACKAGE } from '../harness/engine';
import { chain, serveWorkflow, type WebhookTestServer } from '../harness/webhook';

const TYPE = `${PACKAGE}.voicenterCdrTrigger`;

async function cdrServer(
	parameters: Record<string, unknown> = {},
	{ typeVersion = 1, middle = [] as Array<{ name: string; type: string; parameters: Record<string, unknown> }> } = {},
): Promise<WebhookTestServer> {
	const { nodes, connections } = chain([
		{ name: 'CDR', type: TYPE, typeVersion, parameters: parameters as never },
		...middle.map((m) => ({ ...m, parameters: m.parameters as never })),
		{ name: 'Noop', type: 'test.noop', parameters: {} },
	]);
	return await serveWorkflow({ nodes, connections });
}

const EXPECTED_QUEUE_ITEM = {
	caller: '0501234567',
	target: '',
	ivruniqueid: '202007211213270124c',
	type: 'Queue',
	status: 'ANSWER',
	targetextension: '',
	callerextension: '',
	did: '0722776772',
	queuename: 'Sales Queue',
	record: 'https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/20200721121327012',
	representative_name: 'Admin User',
	representative_code: '12345679',
	targetextension_name: '',
	callerextension_name: '',
	target_country: '',
	caller_country: 'Israel',
	time: 1595333610,
	duration: 20,
	queueid: 123456789,
	price: 0,
	dialtime: 0,
	seconds_waiting_in_queue: 20,
	IVR: [
		{ layer_id: 1234, layer_name: 'Main IVR', layer_number: 0, Dtmf: 2, dtmf_order: 1 },
		{ layer_id: 4321, layer_name: 'Sales Department', layer_number: 2, Dtmf: 0, dtmf_order: 2 },
	],
	typeId: 8,
	typeName: 'Queue',
	timeIso: '2020-07-21T12:13:30.000Z',
	callerNumber: '0501234567',
};

describe('Voicenter CDR Trigger', () => {
	let server: WebhookTestServer;
	beforeEach(() => resetLegStores());
	afterEach(async () => {
		await server?.stop();
	});

	it.each([
		['json', 'application/json; charset=utf-8', '{"err":0,"errdesc":"OK"}'],
		['xmlrpc', 'text/xml; charset=utf-8', encodeXmlRpcResponse({ err: 0, errdesc: 'OK' })],
		['form', 'application/x-www-form-urlencoded; charset=utf-8', 'err=0&errdesc=OK'],
	] as const)(
		'acknowledges a %s CDR in its own format and outputs the typed item',
		async (format, ct, ack) => {
			server = await cdrServer();
			const { attempts, acknowledged } = await sendCdr(server.url, CDR_IVR_QUEUE, { format, intervalMs: 10 });
			expect(acknowledged).toBe(true);
			expect(attempts).toHaveLength(1);
			expect(attempts[0].status).toBe(200);
			expect(attempts[0].headers['content-type']).toBe(ct);
			expect(attempts[0].body).toBe(ack);
			await server.idle();
			expect(server.executions).toHaveLength(1);
			expect(server.executions[0].items).toEqual([
				{ json: { ...EXPECTED_QUEUE_ITEM, receivedFormat: format } },
			]);
			expect(server.executions[0].run?.data.resultData.error).toBeUndefined();
		},
	);

	it('reads the IVR path from a JSON string and the documented key variants', async () => {
		server = await cdrServer();
		const cdr = {
			...CDR_OUTGOING,
			DepartmentId: '555',
			IVR: JSON.stringify([{ Layer_id: '7', Layer_name: 'Main', LayerNumber: 0, DTMF: '3', dtmf_order: 1 }]),
		};
		delete (cdr as Record<string, unknown>).DepartmentID;
		const { acknowledged } = await sendCdr(server.url, cdr, { format: 'form' });
		expect(acknowledged).toBe(true);
		await server.idle();
		const item = server.executions[0].items[0].json;
		expect(item.IVR).toEqual([{ layer_id: 7, layer_name: 'Main', layer_number: 0, Dtmf: 3, dtmf_order: 1 }]);
		expect(item.DepartmentID).toBe(555);
		expect(item.typeId).toBe(4);
		expect(item.typeName).toBe('Extension Outgoing');
		expect(item.timeIso).toBe('2020-07-28T18:19:10.000Z');
		expect(item.duration).toBe(11);
	});

	it('reads PHP-style IVR[n][field] form keys and sniffs the format when there is no Content-Type', async () => {
		server = await cdrServer();
		const body =
			'ivruniqueid=form-1&type=Incoming%20Call&status=ANSWER&duration=7&time=1595333610' +
			'&IVR[1][layer_id]=22&IVR[1][layer_name]=Sales&IVR[1][layer_number]=2&IVR[1][Dtmf]=0&IVR[1][dtmf_order]=2' +
			'&IVR[0][layer_id]=11&IVR[0][layer_name]=Main&IVR[0][layer_number]=0&IVR[0][Dtmf]=2&IVR[0][dtmf_order]=1';
		const res = await request(server.url, { method: 'POST', body });
		expect([res.statusCode, res.headers['content-type'], await res.body.text()]).toEqual([
			200,
			'application/x-www-form-urlencoded; charset=utf-8',
			'err=0&errdesc=OK',
		]);
		await server.idle();
		expect(server.executions[0].items).toEqual([
			{
				json: {
					ivruniqueid: 'form-1',
					type: 'Incoming Call',
					status: 'ANSWER',
					time: 1595333610,
					duration: 7,
					IVR: [
						{ layer_id: 11, layer_name: 'Main', layer_number: 0, Dtmf: 2, dtmf_order: 1 },
						{ layer_id: 22, layer_name: 'Sales', layer_number: 2, Dtmf: 0, dtmf_order: 2 },
					],
					typeId: 1,
					typeName: 'Incoming Call',
					timeIso: '2020-07-21T12:13:30.000Z',
					receivedFormat: 'form',
				},
			},
		]);
	});

	it('a CDR delivered three times starts exactly one execution (all three acknowledged)', async () => {
		server = await cdrServer();
		const { attempts } = await sendCdr(server.url, CDR_OUTGOING, { format: 'xmlrpc', extraDeliveries: 2 });
		expect(attempts.map((a) => [a.status, a.body])).toEqual(
			Array(3).fill([200, encodeXmlRpcResponse({ err: 0, errdesc: 'OK' })]),
		);
		await server.idle();
		expect(server.executions).toHaveLength(1);
		// the same call's other leg is not a re-delivery
		await sendCdr(server.url, { ...CDR_OUTGOING, type: 'Click2Call leg2' });
		await server.idle();
		expect(server.executions).toHaveLength(2);
		const persisted = persistedText(server.workflow.getStaticData('node', server.trigger).legs) ?? '';
		expect(persisted).toHaveLength(24);
		expect(persisted.match(/.{12}/g)!.map((c) => c.slice(0, 8)).sort()).toEqual(
			[
				legHash('2020072818dcDHFJcc804|click2callleg2|0501234567'),
				legHash('2020072818dcDHFJcc804|extensionoutgoing|0501234567'),
			].sort(),
		);
	});

	it('re-sends until acknowledged: an unparseable CDR gets err 1 with a 4xx every time', async () => {
		server = await cdrServer();
		const { attempts, acknowledged } = await sendCdr(
			server.url,
			{ ...CDR_OUTGOING, duration: 'eleven' },
			{ format: 'json', maxAttempts: 3, intervalMs: 5 },
		);
		expect(acknowledged).toBe(false);
		expect(attempts.map((a) => [a.status, a.body])).toEqual(
			Array(3).fill([400, '{"err":1,"errdesc":"Parse error: duration must be an integer"}']),
		);
		await server.idle();
		expect(server.executions).toHaveLength(0);
	});

	it('filters by call type, status and minimum duration (acknowledged, not run)', async () => {
		server = await cdrServer({ callTypes: ['Queue'], statuses: ['ANSWER'], minDuration: 15 });
		const send = async (cdr: Record<string, unknown>) => (await sendCdr(server.url, cdr)).acknowledged;
		expect(await send(CDR_OUTGOING)).toBe(true); // wrong type
		expect(await send({ ...CDR_IVR_QUEUE, ivruniqueid: 'a1', status: 'ABANDONE' })).toBe(true);
		expect(await send({ ...CDR_IVR_QUEUE, ivruniqueid: 'a2', duration: 3 })).toBe(true);
		expect(await send({ ...CDR_IVR_QUEUE, ivruniqueid: 'a3', type: 'queue ' })).toBe(true);
		await server.idle();
		expect(server.executions.map((e) => e.items[0].json.ivruniqueid)).toEqual(['a3']);
	});

	it('wrong secret → 401, wrong IP → 403, no execution; the right secret passes', async () => {
		server = await cdrServer({ secretLocation: 'query', keyName: 'key', secret: 's3cr3t-value' });
		const bad = await sendCdr(`${server.url}?key=nope`, CDR_OUTGOING, { resendUntilAck: false });
		expect([bad.attempts[0].status, bad.attempts[0].body]).toEqual([
			401,
			'{"err":2,"errdesc":"Unauthorized: missing or wrong secret"}',
		]);
		const good = await sendCdr(`${server.url}?key=s3cr3t-value`, CDR_OUTGOING);
		expect(good.acknowledged).toBe(true);
		await server.stop();
		server = await cdrServer({ ipAllowlist: '10.0.0.0/8, 2001:db8::/32' });
		const blocked = await sendCdr(server.url, CDR_OUTGOING, { resendUntilAck: false });
		expect([blocked.attempts[0].status, blocked.attempts[0].body]).toEqual([
			403,
			'{"err":2,"errdesc":"Forbidden: source address not allowed"}',
		]);
		await server.idle();
		expect(server.executions).toHaveLength(0);
	});
});

describe('Voicenter CDR Trigger 1.1', () => {
	let server: WebhookTestServer;
	beforeEach(() => resetLegStores());
	afterEach(async () => {
		await server?.stop();
	});

	it('acknowledges once the execution exists, in the CDR\'s format, with legKey on the item', async () => {
		server = await cdrServer({}, { typeVersion: 1.1 });
		for (const [format, ct, body] of [
			['json', 'application/json; charset=utf-8', '{"err":0,"errdesc":"OK"}'],
			['xmlrpc', 'text/xml; charset=utf-8', encodeXmlRpcResponse({ err: 0, errdesc: 'OK' })],
			['form', 'application/x-www-form-urlencoded; charset=utf-8', 'err=0&errdesc=OK'],
		] as const) {
			const before = server.executions.length;
			const { attempts } = await sendCdr(server.url, { ...CDR_IVR_QUEUE, ivruniqueid: `v11-${format}` }, { format });
			expect([attempts[0].status, attempts[0].headers['content-type'], attempts[0].body]).toEqual([200, ct, body]);
			// the execution was started before the answer went out
			expect(server.executions.length).toBe(before + 1);
		}
		await server.idle();
		expect(server.executions.map((e) => e.items[0].json.legKey)).toEqual([
			'v11-json|queue|',
			'v11-xmlrpc|queue|',
			'v11-form|queue|',
		]);
	});

	it('five copies at the same instant and five one after another: one execution, every copy acknowledged', async () => {
		server = await cdrServer({}, { typeVersion: 1.1 });
		const cdr = { ...CDR_OUTGOING, ivruniqueid: 'same-instant' };
		const answers = await Promise.all(Array.from({ length: 5 }, () => sendCdr(server.url, cdr, { maxAttempts: 1 })));
		expect(answers.every((a) => a.acknowledged)).toBe(true);
		for (let i = 0; i < 5; i++) expect((await sendCdr(server.url, cdr, { maxAttempts: 1 })).acknowledged).toBe(true);
		await server.idle();
		expect(server.executions).toHaveLength(1);
		const legs = persistedText(server.workflow.getStaticData('node', server.trigger).legs) ?? '';
		expect(legs).toHaveLength(12);
		expect(legs.slice(0, 8)).toBe(legHash('same-instant|extensionoutgoing|0501234567'));
	});

	it('"when the workflow has succeeded": a failing workflow gets err 2 with a 500 and runs again on the re-send', async () => {
		server = await cdrServer(
			{ acknowledge: 'workflowSucceeded' },
			{ typeVersion: 1.1, middle: [{ name: 'Fail', type: 'test.fail', parameters: { message: 'CRM is down' } }] },
		);
		const { attempts, acknowledged } = await sendCdr(server.url, CDR_OUTGOING, { maxAttempts: 2, intervalMs: 5 });
		expect(acknowledged).toBe(false);
		expect(attempts.map((a) => [a.status, a.body])).toEqual(
			Array(2).fill([500, '{"err":2,"errdesc":"Application error: the workflow failed"}']),
		);
		await server.idle();
		expect(server.executions).toHaveLength(2);
		// nothing persisted for a leg that never succeeded
		expect(persistedText(server.workflow.getStaticData('node', server.trigger).legs) ?? '').not.toContain(
			legHash('2020072818dcDHFJcc804|extensionoutgoing|0501234567'),
		);
	});

	it('"when the workflow has succeeded": answered after the run, then copies are duplicates', async () => {
		server = await cdrServer(
			{ acknowledge: 'workflowSucceeded' },
			{ typeVersion: 1.1, middle: [{ name: 'Delay', type: 'test.delay', parameters: { ms: 50 } }] },
		);
		const [a, b] = await Promise.all([
			sendCdr(server.url, CDR_OUTGOING, { format: 'form', maxAttempts: 1 }),
			sendCdr(server.url, CDR_OUTGOING, { format: 'form', maxAttempts: 1 }),
		]);
		expect([a.attempts[0].body, b.attempts[0].body]).toEqual(['err=0&errdesc=OK', 'err=0&errdesc=OK']);
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].run?.finished).toBe(true);
	});
});
