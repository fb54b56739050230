import { sendScreenPop } from '../../simulator/webhooks';
import { PACKAGE } from '../harness/engine';
import { chain, openGate, serveWorkflow, type WebhookTestServer } from '../harness/webhook';

const TRIGGER = `${PACKAGE}.voicenterScreenPopTrigger`;
const RESPOND = `${PACKAGE}.voicenterRespond`;
const JSON_CT = 'application/json; charset=utf-8';
const CALL = {
	phone: '0722776772',
	ivrid: '202010111sdsd3684752bcb3d',
	extenUser: 'SIPSIP1',
	did: '0722776773',
	statusCall: 'Ringing',
};
const FOUND = {
	respondTo: 'screenPop',
	contactFound: '={{ $json.phone === "0722776772" }}',
	clientName: 'John Doe',
	url: '={{ "https://www.yourdomain.com/contact_search.asp?user_phone=" + $json.phone }}',
	company: 'Voicenter',
	total: 1,
};

async function popServer(
	triggerParams: Record<string, unknown> = {},
	middle: Array<{ name: string; type: string; parameters: Record<string, unknown> }> = [],
	respond: Record<string, unknown> | undefined = FOUND,
): Promise<WebhookTestServer> {
	const { nodes, connections } = chain([
		{ name: 'Screen Pop', type: TRIGGER, parameters: { timeoutSeconds: 2, ...triggerParams } as never },
		...middle.map((m) => ({ ...m, parameters: m.parameters as never })),
		...(respond ? [{ name: 'Respond', type: RESPOND, parameters: respond as never }] : []),
	]);
	return await serveWorkflow({ nodes, connections });
}

describe('Voicenter Screen Pop Trigger + Respond', () => {
	let server: WebhookTestServer;
	afterEach(async () => {
		await server?.stop();
	});

	it.each(['GET', 'POST'] as const)(
		'%s: answers the contact from the workflow with CORS headers',
		async (method) => {
			server = await popServer();
			const [answer] = await sendScreenPop(server.url, CALL, {
				method,
				headers: { origin: 'chrome-extension://voicenter' },
			});
			expect(answer.status).toBe(200);
			expect(answer.headers['content-type']).toBe(JSON_CT);
			expect(answer.headers['access-control-allow-origin']).toBe('*');
			expect(answer.body).toBe(
				'{"STATUS":"OK","URL":"https://www.yourdomain.com/contact_search.asp?user_phone=0722776772","CLIENTNAME":"John Doe","TOTAL":1,"COMPANY":"Voicenter"}',
			);
			await server.idle();
			expect(server.executions[0].items).toEqual([{ json: { ...CALL, method } }]);
		},
	);

	it('unknown caller → STATUS OK, TOTAL 0', async () => {
		server = await popServer();
		const [answer] = await sendScreenPop(server.url, { ...CALL, phone: '0500000000' });
		expect([answer.status, answer.body]).toEqual([200, '{"STATUS":"OK","TOTAL":0}']);
	});

	it('ten extensions ringing → ten parallel identical requests, ten identical answers', async () => {
		server = await popServer();
		const answers = await sendScreenPop(server.url, CALL, { parallel: 10 });
		expect(new Set(answers.map((a) => `${a.status} ${a.body}`))).toEqual(
			new Set([
				'200 {"STATUS":"OK","URL":"https://www.yourdomain.com/contact_search.asp?user_phone=0722776772","CLIENTNAME":"John Doe","TOTAL":1,"COMPANY":"Voicenter"}',
			]),
		);
		await server.idle();
		expect(server.executions).toHaveLength(10);
	});

	it('"Answer Identical Requests Once": ten parallel identical requests → one execution, ten identical answers', async () => {
		server = await popServer({ shareParallel: true }, [
			// the CRM lookup is held until all ten requests have reached the trigger (by count)
			{ name: 'CRM', type: 'test.gate', parameters: { gate: 'pop-crm' } },
		]);
		const sent = sendScreenPop(server.url, CALL, { parallel: 10, method: 'POST' });
		try {
			// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- test tooling
			while (server.webhookCalls < 10) await new Promise((r) => setTimeout(r, 5));
		} finally {
			openGate('pop-crm');
		}
		const answers = await sent;
		expect(answers.map((a) => [a.status, a.body, a.headers['access-control-allow-origin']])).toEqual(
			Array(10).fill([
				200,
				'{"STATUS":"OK","URL":"https://www.yourdomain.com/contact_search.asp?user_phone=0722776772","CLIENTNAME":"John Doe","TOTAL":1,"COMPANY":"Voicenter"}',
				'*',
			]),
		);
		await server.idle();
		expect(server.executions).toHaveLength(1);
		// another call (other ivrid) is not shared
		await sendScreenPop(server.url, { ...CALL, ivrid: 'other-call' });
		await server.idle();
		expect(server.executions).toHaveLength(2);
	});

	it('statusCall filter: Dialing is answered "unknown caller" at once, without an execution', async () => {
		server = await popServer({ statusCall: ['Ringing'] });
		const [answer] = await sendScreenPop(server.url, { ...CALL, statusCall: 'Dialing' });
		expect([answer.status, answer.body, answer.headers['access-control-allow-origin']]).toEqual([
			200,
			'{"STATUS":"OK","TOTAL":0}',
			'*',
		]);
		await server.idle();
		expect(server.executions).toHaveLength(0);
	});

	it('a failing or silent workflow gives the unknown-caller answer (never a 500 to the extension)', async () => {
		server = await popServer({}, [{ name: 'CRM', type: 'test.fail', parameters: {} }]);
		const [failed] = await sendScreenPop(server.url, CALL);
		expect([failed.status, failed.body, failed.headers['access-control-allow-origin']]).toEqual([
			200,
			'{"STATUS":"OK","TOTAL":0}',
			'*',
		]);
		await server.stop();
		server = await popServer({ timeoutSeconds: 0.5 }, [
			{ name: 'Slow', type: 'test.gate', parameters: { gate: 'pop-slow' } },
		]);
		const [slow] = await sendScreenPop(server.url, CALL);
		expect([slow.status, slow.body]).toEqual([200, '{"STATUS":"OK","TOTAL":0}']);
		openGate('pop-slow');
	});

	it('allowed origins: the listed origin is echoed', async () => {
		server = await popServer({ allowedOrigins: 'chrome-extension://abc, https://crm.example.com' });
		const [answer] = await sendScreenPop(server.url, CALL, {
			headers: { origin: 'https://crm.example.com' },
		});
		// the trigger's CORS policy is put on every answer that leaves through it (workflow answers too)
		expect([answer.headers['access-control-allow-origin'], answer.headers.vary]).toEqual([
			'https://crm.example.com',
			'Origin',
		]);
		const [rejected] = await sendScreenPop(
			server.url,
			{ ...CALL, phone: '' },
			{ headers: { origin: 'https://crm.example.com' } },
		);
		expect([
			rejected.status,
			rejected.body,
			rejected.headers['access-control-allow-origin'],
			rejected.headers.vary,
		]).toEqual([400, '{"STATUS":"ERROR","error":"phone is missing"}', 'https://crm.example.com', 'Origin']);
	});

	it('wrong secret → 401 with CORS, no execution', async () => {
		server = await popServer({ secretLocation: 'query', keyName: 'token', secret: 'pop-secret-1' });
		const [bad] = await sendScreenPop(`${server.url}?token=wrong`, CALL);
		expect([bad.status, bad.body, bad.headers['access-control-allow-origin']]).toEqual([
			401,
			'{"STATUS":"ERROR","error":"Unauthorized: missing or wrong secret"}',
			'*',
		]);
		const [good] = await sendScreenPop(`${server.url}?token=pop-secret-1`, CALL);
		expect(good.status).toBe(200);
		await server.idle();
		expect(server.executions).toHaveLength(1);
	});
});
