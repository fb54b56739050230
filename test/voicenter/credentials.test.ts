/**
 * The credential's "Test" button: n8n resolves test.request's expressions with $credentials,
 * runs authenticate() on it, sends it and applies the rules. This does the same against the
 * simulator, with the right and a wrong account code.
 */
import type { IDataObject, IHttpRequestOptions, INode, IRunExecutionData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { VoicenterApi, voicenterAuthField } from '../../credentials/VoicenterApi.credentials';
import { nodeTypes } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const ctx = useSimulator();

async function testCredential(
	data: IDataObject,
): Promise<{ ok: boolean; message?: string; body: IDataObject }> {
	const type = new VoicenterApi();
	const node: INode = {
		id: 'n',
		name: 'Temp-Node',
		type: 'n8n-nodes-voicenter.voicenter',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const resolved = workflow.expression.getParameterValue(
		type.test.request as never,
		{ resultData: { runData: {} } } as unknown as IRunExecutionData,
		0,
		0,
		node.name,
		[{ json: {} }],
		'manual',
		{ $credentials: data } as never,
	) as unknown as IHttpRequestOptions;
	const options = await type.authenticate(data as never, {
		...resolved,
		body: { ...(resolved.body as object) },
	});
	const response = await fetch(`${options.baseURL}${options.url}`, {
		method: options.method,
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(options.body),
	});
	const body = (await response.json()) as IDataObject;
	for (const rule of type.test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (body[rule.properties.key] === rule.properties.value)
			return { ok: false, message: rule.properties.message, body };
	}
	return { ok: response.ok, body };
}

describe('Voicenter API credential', () => {
	it('Test: the right code passes, with the code in the POST body only', async () => {
		const { sim } = ctx;
		const result = await testCredential(sim.voicenterCredentials());
		expect(result).toEqual({ ok: true, body: expect.objectContaining({ ERR: 0, DESC: 'OK' }) });
		const requests = sim.requestsTo('monapisec', '/comet/API/GetExtensionsCalls');
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].url).toBe('/monapisec/comet/API/GetExtensionsCalls');
		expect(requests[0].body).toEqual({ code: 'SIM-ACCOUNT-CODE-0001' });
	});

	it('Test: a wrong code fails with a clear message that does not contain the code', async () => {
		const { sim } = ctx;
		const result = await testCredential({ ...sim.voicenterCredentials(), accountCodeSecret: 'NOT-THE-CODE' });
		expect(result.ok).toBe(false);
		expect(result.message).toBe('Authorization failed: check the account code');
		expect(result.message).not.toContain('NOT-THE-CODE');
	});

	it('Test: a base URL with a trailing slash still works', async () => {
		const { sim } = ctx;
		const data = sim.voicenterCredentials();
		const result = await testCredential({ ...data, monapisecBaseUrl: `${data.monapisecBaseUrl}/` });
		expect(result.ok).toBe(true);
	});

	it('puts the code under the documented name per endpoint, never for MuteUnmuteCalls', () => {
		expect(voicenterAuthField('https://api.voicenter.com/ForwardDialer/click2call.aspx')).toBe('code');
		expect(voicenterAuthField('https://api.voicenter.com/hub/cdr')).toBe('code');
		expect(voicenterAuthField('https://api.voicenter.com/Blacklist/AddBlackList')).toBe('Code');
		expect(voicenterAuthField('https://api.voicenter.com/Blacklist/RemoveBulkFromBlacklist')).toBe('Code');
		expect(voicenterAuthField('https://monapisec.voicenter.co.il/Comet/API/MuteUnmuteCalls')).toBeUndefined();
		expect(voicenterAuthField('https://monapisec.voicenter.co.il/comet/API/GetQueuesCallers')).toBe('code');
		expect(voicenterAuthField('https://monitor.voicenter.co.il/Comet/api/GetExtensions')).toBe('code');
	});

	it('declares the three hosts with their documented defaults and a password field', () => {
		const props = Object.fromEntries(new VoicenterApi().properties.map((p) => [p.name, p]));
		expect(props.accountCodeSecret.typeOptions).toEqual({ password: true });
		expect(props.apiBaseUrl.default).toBe('https://api.voicenter.com');
		expect(props.monapisecBaseUrl.default).toBe('https://monapisec.voicenter.co.il');
		expect(props.monitorBaseUrl.default).toBe('https://monitor.voicenter.co.il');
	});
});
