/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console, @typescript-eslint/no-require-imports -- benchmark tool, not shipped */
/**
 * Prints figures for the webhook triggers (nothing is asserted):
 *   npx ts-node --transpile-only scripts/bench-webhooks.ts [--n 300]
 *  - CDR acknowledgement latency per format (sequential deliveries, distinct CDRs);
 *  - IVR round trip through a real engine run (trigger → Respond GO_TO_LAYER);
 *  - screen pop: ten parallel identical requests with and without "Answer Identical Requests Once".
 */
import { CDR_IVR_QUEUE, sendCdr, sendIvrLayer, sendScreenPop } from '../simulator/webhooks';

// Run with ts-node --prefer-ts-exts (npm run bench:webhooks), so that `X.node` resolves to
// X.node.ts rather than the codex file X.node.json.
const { PACKAGE } = require('../test/harness/engine') as typeof import('../test/harness/engine');
const { chain, serveWorkflow } =
	require('../test/harness/webhook') as typeof import('../test/harness/webhook');

const N = Number(process.argv[process.argv.indexOf('--n') + 1] || 300) || 300;

function stats(ms: number[]) {
	const s = [...ms].sort((a, b) => a - b);
	const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
	return { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

async function main() {
	for (const format of ['json', 'xmlrpc', 'form'] as const) {
		const { nodes, connections } = chain([
			{ name: 'CDR', type: `${PACKAGE}.voicenterCdrTrigger`, parameters: {} },
			{ name: 'Noop', type: 'test.noop', parameters: {} },
		]);
		const server = await serveWorkflow({ nodes, connections });
		const times: number[] = [];
		for (let i = 0; i < N; i++) {
			const r = await sendCdr(server.url, { ...CDR_IVR_QUEUE, ivruniqueid: `bench${i}` }, { format });
			times.push(r.attempts[0].ms);
		}
		await server.stop();
		console.log(
			`CDR ${format}: ack latency ms`,
			JSON.stringify(stats(times)),
			`executions ${server.executions.length}`,
		);
	}
	{
		const { nodes, connections } = chain([
			{ name: 'IVR', type: `${PACKAGE}.voicenterIvrTrigger`, parameters: { fallbackLayer: 9 } },
			{
				name: 'Respond',
				type: `${PACKAGE}.voicenterRespond`,
				parameters: { respondTo: 'ivr', action: 'goToLayer', layer: '={{ $json.LAYER_ID + 1 }}' },
			},
		]);
		const server = await serveWorkflow({ nodes, connections });
		const times: number[] = [];
		let problems = 0;
		for (let i = 0; i < N; i++) {
			const r = await sendIvrLayer(server.url, { IVR_UNIQUE_ID: `bench${i}` });
			times.push(r.answer.ms);
			if (r.problems.length) problems++;
		}
		await server.stop();
		console.log(
			'IVR round trip (engine run + Respond) ms',
			JSON.stringify(stats(times)),
			`schema problems ${problems}`,
		);
	}
	for (const shareParallel of [false, true]) {
		const { nodes, connections } = chain([
			{ name: 'Pop', type: `${PACKAGE}.voicenterScreenPopTrigger`, parameters: { shareParallel } },
			{ name: 'CRM', type: 'test.delay', parameters: { ms: 100 } },
			{
				name: 'Respond',
				type: `${PACKAGE}.voicenterRespond`,
				parameters: { respondTo: 'screenPop', clientName: 'X' },
			},
		]);
		const server = await serveWorkflow({ nodes, connections });
		const started = Date.now();
		const answers = await sendScreenPop(
			server.url,
			{ phone: '0722776772', ivrid: 'bench', statusCall: 'Ringing' },
			{ parallel: 10 },
		);
		const wall = Date.now() - started;
		await server.stop();
		console.log(
			`screen pop x10 (shareParallel=${shareParallel}): wall ${wall} ms, executions ${server.executions.length}, distinct answers ${new Set(answers.map((a) => a.body)).size}`,
		);
	}
}

void main().then(() => process.exit(0));
