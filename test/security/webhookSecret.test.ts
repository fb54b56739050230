/**
 * The webhook shared secret as a credential (issue #12, acceptance 3) and X-Forwarded-For with
 * ports / bracketed IPv6, through the real trigger code in n8n-core's WebhookContext.
 */
import { PACKAGE } from '../harness/engine';
import { chain, serveWorkflow, type WebhookTestServer } from '../harness/webhook';
import { CDR_OUTGOING, sendCdr, sendIvrLayer, sendScreenPop } from '../../simulator/webhooks';
import {
	checkRequestSecurity,
	clientIp,
	isIpAllowed,
	parseAllowlist,
	securityProperties,
	stripPort,
	webhookSecurityCredentials,
} from '../../nodes/shared/webhookSecurity';
import { VoicenterCdrTrigger } from '../../nodes/VoicenterCdrTrigger/VoicenterCdrTrigger.node';
import { VoicenterIvrTrigger } from '../../nodes/VoicenterIvrTrigger/VoicenterIvrTrigger.node';
import { VoicenterScreenPopTrigger } from '../../nodes/VoicenterScreenPopTrigger/VoicenterScreenPopTrigger.node';
import { VoicenterWebhookApi } from '../../credentials/VoicenterWebhookApi.credentials';

const CDR = `${PACKAGE}.voicenterCdrTrigger`;
const CRED_VALUE = 'cred-secret-7f3a9c0e';

let server: WebhookTestServer | undefined;
afterEach(async () => {
	await server?.stop();
	server = undefined;
});

async function cdrServer(parameters: Record<string, unknown>, credential?: Record<string, string>) {
	const { nodes, connections } = chain([
		{
			name: 'CDR',
			type: CDR,
			parameters: parameters as never,
			...(credential ? { credentials: { voicenterWebhookApi: { id: '9', name: 'Webhook secret' } } } : {}),
		},
		{ name: 'Noop', type: 'test.noop', parameters: {} },
	]);
	return await serveWorkflow({ nodes, connections, credentials: credential ? { voicenterWebhookApi: credential } : undefined });
}

describe('Webhook Secret credential', () => {
	it('is declared by all three triggers, shown only for Authentication → Webhook Secret', () => {
		for (const T of [VoicenterCdrTrigger, VoicenterIvrTrigger, VoicenterScreenPopTrigger]) {
			const d = new T().description;
			expect(d.credentials).toEqual(webhookSecurityCredentials);
			expect(d.properties.find((p) => p.name === 'authentication')).toMatchObject({ default: 'none' });
		}
		expect(webhookSecurityCredentials[0]).toMatchObject({
			name: 'voicenterWebhookApi',
			displayOptions: { show: { authentication: ['webhookSecret'] } },
		});
		const cred = new VoicenterWebhookApi();
		expect(cred.properties.find((p) => p.name === 'secret')?.typeOptions).toEqual({ password: true });
		// the plain parameters stay on typeVersion 1 only
		for (const name of ['secretLocation', 'keyName', 'secret'])
			expect(securityProperties.find((p) => p.name === name)?.displayOptions?.show?.['@version']).toEqual([{ _cnd: { lt: 1.1 } }]);
	});

	it('query credential: wrong or missing → 401 and nothing executed; the right one runs; the secret is in no item', async () => {
		server = await cdrServer({ authentication: 'webhookSecret' }, { location: 'query', name: 'key', secret: CRED_VALUE });
		for (const url of [`${server.url}?key=wrong`, server.url, `${server.url}?other=${CRED_VALUE}`]) {
			const r = await sendCdr(url, CDR_OUTGOING, { resendUntilAck: false });
			expect([r.attempts[0].status, r.attempts[0].body]).toEqual([401, '{"err":2,"errdesc":"Unauthorized: missing or wrong secret"}']);
		}
		await server.idle();
		expect(server.executions).toHaveLength(0);
		const ok = await sendCdr(`${server.url}?key=${CRED_VALUE}`, CDR_OUTGOING);
		expect(ok.acknowledged).toBe(true);
		await server.idle();
		expect(server.executions).toHaveLength(1);
		expect(JSON.stringify(server.executions[0].items)).not.toContain(CRED_VALUE);
		expect(JSON.stringify(server.executions[0].run?.data ?? {})).not.toContain(CRED_VALUE);
	});

	it('header credential works too', async () => {
		server = await cdrServer({ authentication: 'webhookSecret' }, { location: 'header', name: 'X-Voicenter-Key', secret: CRED_VALUE });
		const bad = await sendCdr(server.url, CDR_OUTGOING, { resendUntilAck: false, headers: { 'x-voicenter-key': 'nope' } });
		expect(bad.attempts[0].status).toBe(401);
		const ok = await sendCdr(server.url, CDR_OUTGOING, { headers: { 'X-Voicenter-Key': CRED_VALUE } });
		expect(ok.acknowledged).toBe(true);
	});

	it('Authentication → Webhook Secret without a credential (or with an empty secret) refuses everything', async () => {
		server = await cdrServer({ authentication: 'webhookSecret' });
		expect((await sendCdr(`${server.url}?secret=`, CDR_OUTGOING, { resendUntilAck: false })).attempts[0].status).toBe(401);
		await server.stop();
		server = await cdrServer({ authentication: 'webhookSecret' }, { location: 'query', name: 'secret', secret: '' });
		expect((await sendCdr(`${server.url}?secret=`, CDR_OUTGOING, { resendUntilAck: false })).attempts[0].status).toBe(401);
		await server.idle();
		expect(server.executions).toHaveLength(0);
	});

	it('an old workflow (typeVersion 1, secret in the node parameters) still works, and both checks apply when both are set', async () => {
		server = await cdrServer({ secretLocation: 'query', keyName: 'key', secret: 'old-secret-1' });
		expect((await sendCdr(`${server.url}?key=nope`, CDR_OUTGOING, { resendUntilAck: false })).attempts[0].status).toBe(401);
		expect((await sendCdr(`${server.url}?key=old-secret-1`, CDR_OUTGOING)).acknowledged).toBe(true);
		await server.stop();
		server = await cdrServer(
			{ authentication: 'webhookSecret', secretLocation: 'query', keyName: 'old', secret: 'old-secret-1' },
			{ location: 'query', name: 'key', secret: CRED_VALUE },
		);
		expect((await sendCdr(`${server.url}?key=${CRED_VALUE}`, CDR_OUTGOING, { resendUntilAck: false })).attempts[0].status).toBe(401);
		expect((await sendCdr(`${server.url}?key=${CRED_VALUE}&old=old-secret-1`, CDR_OUTGOING)).acknowledged).toBe(true);
	});
});

describe('X-Forwarded-For with ports and bracketed IPv6', () => {
	it('stripPort', () => {
		expect(stripPort('10.20.30.5:5555')).toBe('10.20.30.5');
		expect(stripPort(' 10.20.30.5 ')).toBe('10.20.30.5');
		expect(stripPort('[2001:db8::1]:443')).toBe('2001:db8::1');
		expect(stripPort('[2001:db8::1]')).toBe('2001:db8::1');
		expect(stripPort('"[2001:db8::1]:443"')).toBe('2001:db8::1');
		expect(stripPort('2001:db8::1')).toBe('2001:db8::1');
		expect(stripPort('::ffff:10.1.2.3')).toBe('::ffff:10.1.2.3');
		expect(stripPort('[2001:db8::1]:x')).toBe('[2001:db8::1]:x');
	});

	it('an allowlist accepts the proxy\'s last entry with a port, refuses others', () => {
		const { cidrs } = parseAllowlist('10.20.30.0/24, 2001:db8::/32');
		const req = (xff: string) => ({ headers: { 'x-forwarded-for': xff }, socket: { remoteAddress: '127.0.0.1' } });
		for (const xff of ['203.0.113.1, 10.20.30.5:5555', '[2001:db8::1]:443', '2001:db8::1', '10.20.30.5'])
			expect([xff, isIpAllowed(clientIp(req(xff), true), cidrs)]).toEqual([xff, true]);
		for (const xff of ['10.20.30.5:5555, 203.0.113.1:80', '[2001:db9::1]:443', 'garbage:1'])
			expect([xff, isIpAllowed(clientIp(req(xff), true), cidrs)]).toEqual([xff, false]);
		const settings = { secretLocation: 'none' as const, secretName: '', secret: '', ipAllowlist: '10.20.30.0/24', trustForwardedFor: true };
		expect(checkRequestSecurity(req('10.20.30.5:5555'), settings)).toEqual({ ok: true });
		// off: the header is ignored, the peer counts
		expect(checkRequestSecurity(req('10.20.30.5:5555'), { ...settings, trustForwardedFor: false }).status).toBe(403);
	});

	it('through the trigger: X-Forwarded-For 10.20.30.5:5555 passes with Trust X-Forwarded-For on', async () => {
		server = await cdrServer({ ipAllowlist: '10.20.30.0/24', trustForwardedFor: true });
		const ok = await sendCdr(server.url, CDR_OUTGOING, { headers: { 'X-Forwarded-For': '10.20.30.5:5555' } });
		expect(ok.acknowledged).toBe(true);
		const v6 = await sendCdr(server.url, { ...CDR_OUTGOING, ivruniqueid: 'v6' }, { headers: { 'X-Forwarded-For': '[2001:db8::1]:443' }, resendUntilAck: false });
		expect(v6.attempts[0].status).toBe(403);
	});
});

describe('the credential Test button', () => {
	it('accepts a long secret and a valid name, refuses a short secret or a bad header name', async () => {
		const { webhookSecretCredentialTest } = await import('../../nodes/shared/webhookSecurity');
		const test = (data: Record<string, string>) =>
			webhookSecretCredentialTest.voicenterWebhookSecretTest.call({} as never, { id: '1', name: 'c', type: 'voicenterWebhookApi', data });
		expect((await test({ location: 'query', name: 'secret', secret: CRED_VALUE })).status).toBe('OK');
		expect((await test({ location: 'query', name: 'secret', secret: 'short' })).status).toBe('Error');
		expect((await test({ location: 'header', name: 'X Bad Header', secret: CRED_VALUE })).status).toBe('Error');
		expect((await test({ location: 'header', name: 'X-Voicenter-Key', secret: CRED_VALUE })).status).toBe('OK');
	});
});

describe('IVR and Screen Pop triggers with the credential', () => {
	const cred = { voicenterWebhookApi: { id: '9', name: 'Webhook secret' } };

	it('IVR: wrong secret → 401 and no execution; the right one runs the workflow', async () => {
		const { nodes, connections } = chain([
			{ name: 'IVR', type: `${PACKAGE}.voicenterIvrTrigger`, parameters: { authentication: 'webhookSecret', fallbackLayer: 3 } as never, credentials: cred },
			{ name: 'Noop', type: 'test.noop', parameters: {} },
		]);
		server = await serveWorkflow({ nodes, connections, credentials: { voicenterWebhookApi: { location: 'query', name: 'key', secret: CRED_VALUE } } });
		const bad = await sendIvrLayer(`${server.url}?key=nope`, { LAYER_ID: 5 });
		expect([bad.answer.status, bad.answer.body]).toEqual([401, '{"error":"Unauthorized: missing or wrong secret"}']);
		await server.idle();
		expect(server.executions).toHaveLength(0);
		const ok = await sendIvrLayer(`${server.url}?key=${CRED_VALUE}`, { LAYER_ID: 5 });
		expect(ok.answer.status).toBe(200);
		await server.idle();
		expect(server.executions).toHaveLength(1);
	});

	it('Screen Pop: a header credential is allowed by CORS and checked', async () => {
		const { nodes, connections } = chain([
			{ name: 'Pop', type: `${PACKAGE}.voicenterScreenPopTrigger`, parameters: { authentication: 'webhookSecret' } as never, credentials: cred },
			{ name: 'Noop', type: 'test.noop', parameters: {} },
		]);
		server = await serveWorkflow({ nodes, connections, credentials: { voicenterWebhookApi: { location: 'header', name: 'X-Pop-Key', secret: CRED_VALUE } } });
		const call = { phone: '0501234567', ivrid: 'abc', did: '0722776772', statusCall: 'Ringing' };
		const [bad] = await sendScreenPop(server.url, call, { headers: { 'X-Pop-Key': 'nope', origin: 'https://crm.example.com' } });
		expect(bad.status).toBe(401);
		expect(String(bad.headers['access-control-allow-headers'] ?? '').toLowerCase()).toContain('x-pop-key');
		const [good] = await sendScreenPop(server.url, call, { headers: { 'X-Pop-Key': CRED_VALUE } });
		expect(good.status).toBe(200);
		await server.idle();
		expect(server.executions).toHaveLength(1);
	});
});
