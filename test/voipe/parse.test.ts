import type { INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { VoipeApi } from '../../credentials/VoipeApi.credentials';
import { parseVoipeAnswer } from '../../nodes/Voipe/helpers/response';
import { normalizeBaseUrl } from '../../nodes/Voipe/transport';
import { nodeTypes } from '../harness/engine';
import { VOIPE_TYPE } from './helpers';

describe('parseVoipeAnswer', () => {
	it.each([
		['documented text', 'response: true\nunique: 514574'],
		['CRLF and extra whitespace', '  response :  true \r\n\r\n unique:514574  \r\n'],
		['key=value', 'response=true&unique=514574'],
		['<br> lines', 'response: true<br>unique: 514574<br>'],
		['JSON text', '{"response":true,"unique":514574}'],
		['JSON with capitalised keys', '{"Response":"true","Unique":"514574"}'],
		['parsed object', { response: 1, unique: 514574 }],
	])('reads %s as success', (_label, body) => {
		expect(parseVoipeAnswer(body)).toMatchObject({ ok: true, unrecognised: false, uniqueId: '514574' });
	});

	it('reads the Mobile Click2Call JSON', () => {
		expect(
			parseVoipeAnswer('{ "src": "5XXXXXXXX", "uniqueid": "1643543872.14903", "status": "ok" }'),
		).toEqual({
			ok: true,
			unrecognised: false,
			uniqueId: '1643543872.14903',
			source: '5XXXXXXXX',
			status: 'ok',
			raw: { src: '5XXXXXXXX', uniqueid: '1643543872.14903', status: 'ok' },
			text: '{ "src": "5XXXXXXXX", "uniqueid": "1643543872.14903", "status": "ok" }',
		});
	});

	it.each([
		['response: false', { ok: false, unrecognised: false, response: 'false' }],
		['false', { ok: false, unrecognised: false, response: 'false' }],
		['{"status":"error"}', { ok: false, unrecognised: false, status: 'error' }],
		['{"status":"error","message":"No such client"}', { ok: false, message: 'No such client' }],
		['{"response":true,"status":"error"}', { ok: false, unrecognised: false }],
		['<html>Login</html>', { ok: false, unrecognised: true, text: 'Login' }],
		['', { ok: false, unrecognised: true }],
		['error: extension 200 busy', { ok: false, unrecognised: true, text: 'error: extension 200 busy' }],
	])('reads %j as a failure', (body, expected) => {
		expect(parseVoipeAnswer(body)).toMatchObject(expected);
	});
});

describe('normalizeBaseUrl', () => {
	it.each([
		['192.0.2.10', 'http://192.0.2.10'],
		['http://192.0.2.10/', 'http://192.0.2.10'],
		['https://pbx.example.com:8443/', 'https://pbx.example.com:8443'],
		['http://192.0.2.10/web/dial.php?extension=200', 'http://192.0.2.10'],
		['ftp://192.0.2.10', undefined],
		['http://', undefined],
	])('%s → %s', (raw, expected) => {
		expect(normalizeBaseUrl(raw, '/web/dial.php')).toBe(expected);
	});
});

describe('VoIPe credential', () => {
	const cred = new VoipeApi();
	const data = {
		pbxUrl: 'http://192.0.2.10',
		clientNameSecret: 'acme',
		mobileBaseUrl: 'https://cpanel.voipe.cc',
	};

	it('adds the client name to Mobile Click2Call requests only', async () => {
		const mobile = await cred.authenticate(data, {
			url: '/voipe/dial_external.php',
			qs: { phone: '0501112222' },
		});
		expect(mobile.qs).toEqual({ client: 'acme', phone: '0501112222' });
		const pbx = await cred.authenticate(data, { url: '/web/dial.php', qs: { extension: '200' } });
		expect(pbx.qs).toEqual({ extension: '200' });
	});

	// The credential test's base URL, evaluated by n8n's expression engine as the credential
	// tester does (with $credentials as an additional key).
	const testBaseUrl = (credentials: Record<string, string>): string => {
		const node: INode = {
			id: 'n',
			name: 'Test',
			type: VOIPE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(node, String(cred.test.request.baseURL), 'manual', {
			$credentials: credentials,
		}) as string;
	};

	it('tests with a harmless GET of the server root that accepts any HTTP answer', () => {
		expect(cred.test.request).toMatchObject({ url: '/', method: 'GET', ignoreHttpStatusErrors: true });
		expect(testBaseUrl(data)).toBe('http://192.0.2.10');
		expect(testBaseUrl({ ...data, pbxUrl: '192.0.2.10/web/dial.php?x=1' })).toBe('http://192.0.2.10');
		expect(testBaseUrl({ ...data, pbxUrl: '' })).toBe('https://cpanel.voipe.cc');
	});
});
