/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling */
/**
 * The answer guard on a real node:http response, written to the way express and the n8n
 * Webhook node write (writeHead + end, write + end, late writes after the answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

import { installAnswerGuard, type GuardResult } from '../../nodes/shared/webhookHttp';
import { isValidIvrAnswerBody } from '../../nodes/VoicenterIvrTrigger/VoicenterIvrTrigger.node';

const FALLBACK = '{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":4}';

async function withServer(
	writer: (res: http.ServerResponse) => Promise<void> | void,
	timeoutMs = 1000,
): Promise<{ status: number; body: string; ct: string; result: GuardResult; lateErrors: unknown[] }> {
	let result!: Promise<GuardResult>;
	const lateErrors: unknown[] = [];
	const server = http.createServer((_req, res) => {
		const guard = installAnswerGuard(res as never, {
			isValid: isValidIvrAnswerBody,
			fallbackBody: FALLBACK,
			contentType: 'application/json; charset=utf-8',
			timeoutMs,
		});
		result = guard.outcome;
		Promise.resolve(writer(res)).catch((e) => lateErrors.push(e));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const res = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
	const body = await res.body.text();
	const out = {
		status: res.statusCode,
		body,
		ct: String(res.headers['content-type']),
		result: await result,
		lateErrors,
	};
	await new Promise((r) => setTimeout(r, 50));
	server.close();
	return out;
}

describe('answer guard', () => {
	it('passes a valid answer through unchanged', async () => {
		const ok = '{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}';
		const r = await withServer((res) => {
			res.statusCode = 200;
			res.setHeader('Content-Type', 'application/json; charset=utf-8');
			res.end(ok);
		});
		expect([r.status, r.body, r.ct, r.result]).toEqual([
			200,
			ok,
			'application/json; charset=utf-8',
			{ outcome: 'answered', status: 200, body: ok },
		]);
	});

	it('replaces writeHead(500) + end(text) (a node writing its own error) by the fallback', async () => {
		const r = await withServer((res) => {
			res.writeHead(500, { 'Content-Type': 'text/plain' });
			res.end('Error in workflow');
		});
		expect([r.status, r.body, r.ct, r.result.outcome]).toEqual([
			200,
			FALLBACK,
			'application/json; charset=utf-8',
			'replaced',
		]);
	});

	it('replaces a streamed (write + end) invalid body', async () => {
		const r = await withServer((res) => {
			res.statusCode = 200;
			res.write('{"STATUS":0,');
			res.end('"ACTION":"DIAL"}');
		});
		expect([r.status, r.body, r.result.outcome]).toEqual([200, FALLBACK, 'replaced']);
	});

	it('answers the fallback at the deadline and drops later writes without throwing', async () => {
		// The late writer waits for an explicit signal given once the fallback has been
		// received, so "late" never depends on how fast the machine is.
		let release!: () => void;
		const released = new Promise<void>((x) => (release = x));
		let lateWrite: Promise<void> | undefined;
		const r = await withServer((res) => {
			lateWrite = (async () => {
				await released;
				res.statusCode = 500;
				res.setHeader('Content-Type', 'application/json');
				res.writeHead(500);
				res.write('late');
				res.end('{"message":"Error in workflow"}');
			})();
			return lateWrite;
		}, 100);
		expect([r.status, r.body, r.result.outcome]).toEqual([200, FALLBACK, 'timeout']);
		release();
		await lateWrite?.catch(() => undefined);
		expect(r.lateErrors).toEqual([]);
	});
});
