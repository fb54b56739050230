/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- test tooling: figures are printed */
/**
 * Fuzz: thousands of malformed requests to each trigger over real HTTP. Every one must get a
 * clear 4xx (from n8n's body parser or from the trigger), and no execution may start.
 * Figures (counts per status) are printed, not asserted on timing.
 */
import { Agent, request } from 'undici';

import { encodeXmlRpcCall } from '../../nodes/shared/xmlrpc';
import { createRng, type Rng } from '../../simulator/rng';
import { CDR_IVR_QUEUE, encodeCdr } from '../../simulator/webhooks';
import { PACKAGE } from '../harness/engine';
import { chain, serveWorkflow, type WebhookTestServer } from '../harness/webhook';

const PER_TRIGGER = Number(process.env.FUZZ_COUNT ?? 1500);

interface Case {
	method: 'GET' | 'POST';
	body?: string;
	contentType?: string;
	query?: string;
}

const JUNK_TYPES = ['application/pdf', 'image/png', 'application/octet-stream', 'text/csv'];

function junk(rng: Rng, max = 200): string {
	let s = '';
	const n = rng.int(1, max);
	for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(1, 0x2fff));
	return s;
}

function wrongValue(rng: Rng, kind: 'int' | 'string'): unknown {
	const common = [{ a: 1 }, [1, 2], true, false];
	return rng.pick(
		kind === 'int'
			? [...common, 'abc', '1.5', 1.5, '12x', '--1']
			: [...common, 'x'.repeat(rng.int(4097, 20000))],
	);
}

const CDR_INTS = [
	'time',
	'duration',
	'queueid',
	'price',
	'dialtime',
	'seconds_waiting_in_queue',
	'DepartmentID',
];
const CDR_STRINGS = [
	'caller',
	'target',
	'type',
	'status',
	'did',
	'record',
	'queuename',
	'representative_name',
];

function cdrCase(rng: Rng): Case {
	const kind = rng.int(0, 9);
	const cdr: Record<string, unknown> = { ...CDR_IVR_QUEUE, ivruniqueid: `fz${rng.hex(10)}` };
	const format = rng.pick(['json', 'xmlrpc', 'form'] as const);
	const enc = () => encodeCdr(cdr, format);
	switch (kind) {
		case 0:
			cdr[rng.pick(CDR_INTS)] = wrongValue(rng, 'int');
			if (format === 'form') cdr.duration = 'eleven';
			return { method: 'POST', ...asCase(enc()) };
		case 1:
			cdr[rng.pick(CDR_STRINGS)] = format === 'form' ? 'x'.repeat(5000) : wrongValue(rng, 'string');
			return { method: 'POST', ...asCase(enc()) };
		case 2:
			if (rng.next() < 0.5) delete cdr.ivruniqueid;
			else cdr.ivruniqueid = '';
			return { method: 'POST', ...asCase(enc()) };
		case 3:
			cdr.IVR = rng.pick(['not json', '[{"layer_id":"x"}]', '{"a":1}', [1, 2], [{ layer_id: 'x' }], 5]);
			if (format === 'form' && typeof cdr.IVR !== 'string') cdr.IVR = '[1,2]';
			return { method: 'POST', ...asCase(enc()) };
		case 4: {
			// truncated documents (JSON / XML-RPC: a truncated form body is just a shorter, valid form)
			const e = encodeCdr(cdr, format === 'form' ? 'xmlrpc' : format);
			return {
				method: 'POST',
				body: e.body.slice(0, rng.int(1, e.body.length - 2)),
				contentType: e.contentType,
			};
		}
		case 5:
			return {
				method: 'POST',
				body: rng.pick(['[]', '42', '"text"', 'null', '[{"ivruniqueid":"x"}]']),
				contentType: 'application/json',
			};
		case 6:
			return { method: 'POST', body: junk(rng), contentType: rng.pick(JUNK_TYPES) };
		case 7:
			return {
				method: 'POST',
				body: rng.pick([
					encodeXmlRpcCall('CdrNotification', [1, 2, 3]),
					encodeXmlRpcCall('CdrNotification', 'just a string'),
					'<?xml version="1.0"?><methodCall><methodName>x</methodName></methodCall>',
					'<html><body>hello</body></html>',
					`<?xml version="1.0"?><methodCall><params><param><value><struct><member><name>ivruniqueid</name><value><int>abc</int></value></member></struct></value></param></params></methodCall>`,
				]),
				contentType: 'text/xml',
			};
		case 8:
			return {
				method: 'POST',
				body: rng.pick([
					'IVR[0][__proto__]=1&ivruniqueid=a',
					'a[b][c][d][e]=1&ivruniqueid=b',
					'duration=x&ivruniqueid=c',
					'&&&=',
				]),
				contentType: 'application/x-www-form-urlencoded',
			};
		default:
			// the body of one format sent with another format's content type
			return {
				method: 'POST',
				body: JSON.stringify({ ...cdr, duration: 'x' }),
				contentType: rng.pick(['text/xml', 'application/x-www-form-urlencoded', 'text/plain']),
			};
	}
}

function asCase(e: { body: string; contentType: string }) {
	return { body: e.body, contentType: e.contentType };
}

function ivrCase(rng: Rng): Case {
	const data: Record<string, unknown> = {
		DID: '0722776772',
		CALLER_ID: '0501234567',
		IVR_UNIQUE_ID: `fz${rng.hex(8)}`,
		DTMF: '1234',
		LAYER_ID: 5,
		PREVIOUS_LAYER_ID: 5,
	};
	const payload: Record<string, unknown> = { METHOD: 'IVR_LAYER_INPUT', DATA: data };
	const json = (ct = 'application/json') => ({
		method: 'POST' as const,
		body: JSON.stringify(payload),
		contentType: ct,
	});
	switch (rng.int(0, 8)) {
		case 0:
			data.LAYER_ID = rng.pick(['five', '5.5', 5.5, { a: 1 }, [5], true, null, '']);
			return json();
		case 1:
			data[rng.pick(['DID', 'CALLER_ID', 'IVR_UNIQUE_ID', 'DTMF'])] = rng.pick([
				{ a: 1 },
				[1],
				true,
				'x'.repeat(rng.int(513, 9000)),
			]);
			return json();
		case 2:
			delete data.IVR_UNIQUE_ID;
			return json();
		case 3:
			payload.METHOD = rng.pick(['IVR_LAYER', '', 5, null]);
			return json();
		case 4:
			payload.DATA = rng.pick([null, 5, 'x', [1, 2], '{"LAYER_ID":']);
			return json();
		case 5: {
			const body = JSON.stringify(payload);
			return {
				method: 'POST',
				body: body.slice(0, rng.int(1, body.length - 2)),
				contentType: 'application/json',
			};
		}
		case 6:
			return {
				method: 'POST',
				body: junk(rng),
				contentType: rng.pick([...JUNK_TYPES, 'text/xml', 'application/x-www-form-urlencoded']),
			};
		case 7:
			data.PREVIOUS_LAYER_ID = rng.pick(['x', { a: 1 }, 1.25]);
			return json();
		default:
			return {
				method: 'POST',
				body: rng.pick(['[]', '1', '"IVR_LAYER_INPUT"', 'null', '{}']),
				contentType: 'application/json',
			};
	}
}

function popCase(rng: Rng): Case {
	const fields: Record<string, unknown> = {
		phone: '0722776772',
		ivrid: rng.hex(12),
		extenUser: 'SIPSIP1',
		did: '0722776773',
		statusCall: 'Ringing',
	};
	const form = () => new URLSearchParams(fields as Record<string, string>).toString();
	switch (rng.int(0, 6)) {
		case 0:
			delete fields.phone;
			return rng.next() < 0.5
				? { method: 'GET', query: form() }
				: { method: 'POST', body: form(), contentType: 'application/x-www-form-urlencoded' };
		case 1:
			fields[rng.pick(['phone', 'ivrid', 'extenUser', 'did', 'statusCall'])] = 'x'.repeat(rng.int(257, 5000));
			return rng.next() < 0.5
				? { method: 'GET', query: form() }
				: { method: 'POST', body: form(), contentType: 'application/x-www-form-urlencoded' };
		case 2:
			return {
				method: 'POST',
				body: JSON.stringify({
					...fields,
					[rng.pick(['phone', 'did', 'ivrid'])]: rng.pick([{ a: 1 }, [1], true]),
				}),
				contentType: 'application/json',
			};
		case 3: {
			const body = JSON.stringify(fields);
			return {
				method: 'POST',
				body: body.slice(0, rng.int(1, body.length - 2)),
				contentType: 'application/json',
			};
		}
		case 4:
			return { method: 'POST', body: junk(rng), contentType: rng.pick([...JUNK_TYPES, 'text/xml']) };
		case 5:
			return { method: 'POST', body: rng.pick(['[]', '1', 'null', '"x"']), contentType: 'application/json' };
		default:
			fields.phone = '';
			return { method: 'POST', body: form(), contentType: 'application/x-www-form-urlencoded' };
	}
}

async function fuzz(server: WebhookTestServer, make: (rng: Rng) => Case, seed: number) {
	const rng = createRng(seed);
	const dispatcher = new Agent({ connections: 8 });
	const statuses: Record<string, number> = {};
	const bad: Array<{ c: Case; status: number; body: string }> = [];
	const cases = Array.from({ length: PER_TRIGGER }, () => make(rng));
	for (let i = 0; i < cases.length; i += 8) {
		await Promise.all(
			cases.slice(i, i + 8).map(async (c) => {
				const res = await request(c.query ? `${server.url}?${c.query}` : server.url, {
					method: c.method,
					body: c.body,
					headers: c.contentType ? { 'content-type': c.contentType } : {},
					dispatcher,
				});
				const body = await res.body.text();
				statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
				if (res.statusCode < 400 || res.statusCode >= 500 || body === '')
					bad.push({ c, status: res.statusCode, body });
			}),
		);
	}
	await dispatcher.close();
	await server.idle();
	return { statuses, bad };
}

describe('fuzz: malformed requests never start an execution and always get a clear 4xx', () => {
	const unhandled: unknown[] = [];
	const onUnhandled = (e: unknown) => unhandled.push(e);
	beforeAll(() => {
		process.on('unhandledRejection', onUnhandled);
		process.on('uncaughtException', onUnhandled);
	});
	afterAll(() => {
		process.off('unhandledRejection', onUnhandled);
		process.off('uncaughtException', onUnhandled);
	});

	it.each([
		['CDR', 'voicenterCdrTrigger', cdrCase, {}],
		['IVR', 'voicenterIvrTrigger', ivrCase, { fallbackLayer: 9 }],
		['Screen Pop', 'voicenterScreenPopTrigger', popCase, {}],
	] as const)('%s trigger', async (label, type, make, params) => {
		const { nodes, connections } = chain([
			{ name: 'Trigger', type: `${PACKAGE}.${type}`, parameters: params as never },
			{ name: 'Noop', type: 'test.noop', parameters: {} },
		]);
		const server = await serveWorkflow({ nodes, connections });
		try {
			const { statuses, bad } = await fuzz(server, make as (rng: Rng) => Case, 4242);
			// figures for the report (not asserted): requests per HTTP status
			console.log(`fuzz ${label}: ${PER_TRIGGER} malformed requests →`, JSON.stringify(statuses));
			expect(bad.slice(0, 3)).toEqual([]);
			expect(server.executions).toHaveLength(0);
			expect(unhandled).toEqual([]);
		} finally {
			await server.stop();
		}
	});
});
