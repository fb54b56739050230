/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling */
/**
 * The answer guard on a real node:http response, written to the way express and the n8n
 * Webhook node write (writeHead + end, write + end, late writes after the answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

import {
	answeredEarly,
	installAnswerGuard,
	rememberEarlyFallback,
	requestArrival,
	type GuardResult,
} from '../../nodes/shared/webhookHttp';
import { isValidIvrAnswerBody } from '../../nodes/VoicenterIvrTrigger/VoicenterIvrTrigger.node';

const FALLBACK = '{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":4}';

async function withServer(
	writer: (res: http.ServerResponse) => Promise<void> | void,
	timeoutMs = 1000,
	startedAt?: number,
): Promise<{ status: number; body: string; ct: string; result: GuardResult; lateErrors: unknown[] }> {
	let result!: Promise<GuardResult>;
	const lateErrors: unknown[] = [];
	const server = http.createServer((_req, res) => {
		const guard = installAnswerGuard(res as never, {
			isValid: isValidIvrAnswerBody,
			fallbackBody: FALLBACK,
			contentType: 'application/json; charset=utf-8',
			timeoutMs,
			startedAt,
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

	it('drops the late writes n8n makes after the fallback (express status + setHeaders + json) without throwing', async () => {
		// n8n's sendLegacyResponse: res.status(), WebhookResponseHeaders.applyToResponse →
		// res.setHeaders(Map), applySandboxCSP → setHeader, then express json → send → end.
		// node:http throws ERR_HTTP_HEADERS_SENT from setHeaders/appendHeader/removeHeader.
		let release!: () => void;
		const written = new Promise<void>((r) => (release = r));
		const r = await withServer(async (res) => {
			await new Promise((x) => setTimeout(x, 250));
			try {
				writeLate(res);
			} finally {
				release();
			}
		}, 100);
		await written;
		expect([r.status, r.body, r.result.outcome]).toEqual([200, FALLBACK, 'timeout']);
		expect(r.lateErrors).toEqual([]);
	});

	function writeLate(res: http.ServerResponse): void {
		res.statusCode = 200;
		(res as unknown as { setHeaders(h: Map<string, string>): void }).setHeaders(
			new Map([['content-type', 'application/json; charset=utf-8']]),
		);
		res.appendHeader('x-late', '1');
		res.removeHeader('content-length');
		res.setHeader('Content-Security-Policy', 'sandbox');
		res.flushHeaders();
		res.writeHead(200);
		res.end('{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}');
	}

	it('counts the deadline from the given start: a request that already waited too long gets the fallback at once', async () => {
		const r = await withServer(
			async (res) => {
				await new Promise((x) => setTimeout(x, 50));
				res.end('{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}');
			},
			1000,
			performance.now() - 5000,
		);
		expect([r.status, r.body, r.result.outcome]).toEqual([200, FALLBACK, 'timeout']);
	});

	it('knows when a request reached the server once it watches that server', async () => {
		const seen: Array<{ source: string; waitedMs: number }> = [];
		const server = http.createServer(async (req, res) => {
			// n8n's own work before the trigger runs, by explicit delay
			await new Promise((x) => setTimeout(x, 200));
			const a = requestArrival(req as never);
			seen.push({ source: a.source, waitedMs: performance.now() - a.at });
			res.end('ok');
		});
		await new Promise<void>((x) => server.listen(0, '127.0.0.1', () => x()));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
		await (await request(url)).body.text(); // the first one teaches the trigger the server
		await (await request(url)).body.text();
		server.close();
		expect(seen.map((s) => s.source)).toEqual(['trigger', 'server']);
		expect(seen[0].waitedMs).toBeLessThan(200);
		expect(seen[1].waitedMs).toBeGreaterThanOrEqual(199);
	});

	it('answers the fallback at the deadline even when n8n reaches the trigger only later', async () => {
		// n8n's work before the trigger (DB, isolate) is simulated by waiting for an explicit
		// signal that is given only after the client has its answer.
		let n8nMayGoOn!: () => void;
		const n8nWork = new Promise<void>((r) => (n8nMayGoOn = r));
		const seen: Array<{ early: boolean; lateError?: unknown }> = [];
		let requests = 0;
		const server = http.createServer(async (req, res) => {
			const first = requests++ === 0;
			if (!first) await n8nWork;
			requestArrival(req as never);
			const early = answeredEarly(res as never);
			rememberEarlyFallback(req as never, {
				timeoutMs: 100,
				leadMs: 0,
				fallbackBody: FALLBACK,
				contentType: 'application/json; charset=utf-8',
				headers: () => ({ 'Access-Control-Allow-Origin': 'https://crm.example.com' }),
			});
			let lateError: unknown;
			try {
				// what n8n would write later (the trigger returns noWebhookResponse when early)
				res.statusCode = 500;
				(res as unknown as { setHeaders(h: Map<string, string>): void }).setHeaders(new Map([['x-a', '1']]));
				res.end(first ? '{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}' : 'late');
			} catch (e) {
				lateError = e;
			}
			seen.push({ early, lateError });
		});
		await new Promise<void>((x) => server.listen(0, '127.0.0.1', () => x()));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/x/ivr?a=1`;
		const firstAnswer = await (await request(url)).body.text();
		const second = await request(url);
		const secondBody = await second.body.text();
		n8nMayGoOn();
		await new Promise((x) => setTimeout(x, 100));
		server.close();
		expect(firstAnswer).toBe('{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}');
		expect([second.statusCode, secondBody, second.headers['access-control-allow-origin']]).toEqual([
			200,
			FALLBACK,
			'https://crm.example.com',
		]);
		expect(seen).toEqual([
			{ early: false, lateError: undefined },
			{ early: true, lateError: undefined },
		]);
	});

	it('arms the deadline of requests that arrived before any trigger ran on their route (a first burst)', async () => {
		let firstMayGoOn!: () => void;
		const firstWork = new Promise<void>((r) => (firstMayGoOn = r));
		let secondMayGoOn!: () => void;
		const secondWork = new Promise<void>((r) => (secondMayGoOn = r));
		let requests = 0;
		const server = http.createServer(async (req, res) => {
			const n = requests++;
			if (n === 0) {
				// primes the server watch (another route), answers at once
				requestArrival(req as never);
				res.end('primed');
				return;
			}
			await (n === 1 ? firstWork : secondWork);
			requestArrival(req as never);
			if (answeredEarly(res as never)) return;
			rememberEarlyFallback(req as never, {
				timeoutMs: 100,
				leadMs: 0,
				fallbackBody: FALLBACK,
				contentType: 'application/json; charset=utf-8',
			});
			res.end('{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}');
		});
		await new Promise<void>((x) => server.listen(0, '127.0.0.1', () => x()));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		await (await request(`${base}/other`)).body.text();
		const a = request(`${base}/webhook/burst/ivr`);
		const b = request(`${base}/webhook/burst/ivr`);
		await new Promise((x) => setTimeout(x, 50));
		firstMayGoOn(); // the first one reaches its trigger; the second is still in "n8n"
		const bodies = await Promise.all([a, b].map(async (p) => await (await p).body.text()));
		secondMayGoOn();
		await new Promise((x) => setTimeout(x, 50));
		server.close();
		expect(bodies.sort()).toEqual([FALLBACK, '{"STATUS":0,"ACTION":"GO_TO_LAYER","LAYER":12}'].sort());
	});
});
