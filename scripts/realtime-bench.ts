/* eslint-disable @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports, no-console -- benchmark tool, not shipped */
/**
 * Realtime Trigger figures against the local simulator, through n8n's real engine
 * (ActiveWorkflowTriggers + a WorkflowExecute run per event):
 *   npx ts-node --transpile-only scripts/realtime-bench.ts [--events 2000] [--drops 10] [--rounds 5]
 * Prints activation time, event throughput (emitted and through the workflow), reconnection
 * time after a dropped connection, and deactivation time; then the two login stacks side by
 * side (activation → socket connected, current vs legacy, interleaved rounds, ratio first).
 * Figures only: nothing is asserted.
 */

// Run with ts-node --prefer-ts-exts (npm run bench:realtime), so that `X.node` resolves to
// X.node.ts rather than the codex file X.node.json.
require('../test/realtime/setup');
const { VoicenterRealtimeApi } =
	require('../credentials/VoicenterRealtimeApi.credentials') as typeof import('../credentials/VoicenterRealtimeApi.credentials');
const { VoicenterRealtimeTrigger } =
	require('../nodes/VoicenterRealtimeTrigger/VoicenterRealtimeTrigger.node') as typeof import('../nodes/VoicenterRealtimeTrigger/VoicenterRealtimeTrigger.node');
const { attachRealtime } = require('../simulator/realtime') as typeof import('../simulator/realtime');
const { startSimulator } = require('../simulator/server') as typeof import('../simulator/server');
const { PACKAGE, registerCredentialType, registerNodeType } =
	require('../test/harness/engine') as typeof import('../test/harness/engine');
const { activateTrigger } = require('../test/harness/trigger') as typeof import('../test/harness/trigger');
const { newCall } = require('../test/realtime/fixtures') as typeof import('../test/realtime/fixtures');

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 120_000): Promise<void> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeoutMs) throw new Error('timed out');
		await sleep(1);
	}
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main() {
	const events = arg('events', 2000);
	const drops = arg('drops', 10);
	const type = `${PACKAGE}.voicenterRealtimeTrigger`;
	registerNodeType(type, new VoicenterRealtimeTrigger());
	registerCredentialType(new VoicenterRealtimeApi());
	const sim = await startSimulator();
	const rt = await attachRealtime(sim, { servers: 3 });

	let t0 = performance.now();
	const trigger = await activateTrigger({
		type,
		credentialType: 'voicenterRealtimeApi',
		credentials: { voicenterRealtimeApi: rt.credentials('token') },
		parameters: { events: ['extension.NEWCALL'], options: { reconnectDelay: 0.05 } },
	});
	const activation = performance.now() - t0;
	await rt.waitForConnections(1);
	const firstConnection = performance.now() - t0;

	t0 = performance.now();
	for (let i = 0; i < events; i++) rt.pushEvent('ExtensionEvent', newCall(`bench-${i}`));
	await until(() => trigger.emitted.length >= events);
	const emitted = performance.now() - t0;
	await trigger.waitForItems(events);
	const processed = performance.now() - t0;
	const ordered = trigger.received().every((item, i) => item.ivrid === `bench-${i}`);

	const reconnects: number[] = [];
	for (let i = 0; i < drops; i++) {
		const before = rt.authenticatedCount();
		t0 = performance.now();
		rt.dropConnections();
		await rt.waitForConnections(before + 1);
		reconnects.push(performance.now() - t0);
		await sleep(20);
	}

	t0 = performance.now();
	await trigger.deactivate();
	const deactivation = performance.now() - t0;
	await until(() => rt.openSockets === 0, 5000);

	console.log('Voicenter Realtime Trigger — figures against the local simulator (n8n engine in-process)');
	console.log(`  activation (login + trigger()):            ${ms(activation)}`);
	console.log(`  activation → socket connected:             ${ms(firstConnection)}`);
	console.log(
		`  ${events} events → emitted:                   ${ms(emitted)}  (${Math.round((events / emitted) * 1000)} events/s)`,
	);
	console.log(
		`  ${events} events → through the workflow:      ${ms(processed)}  (${Math.round((events / processed) * 1000)} events/s), in order: ${ordered}`,
	);
	console.log(
		`  reconnection after a drop (back-off unit 50 ms, ${drops} drops): median ${ms(median(reconnects))}, max ${ms(Math.max(...reconnects))}`,
	);
	console.log(`  deactivation (closeFunction):              ${ms(deactivation)}`);
	console.log(
		`  connections: ${rt.connections.map((c) => c.server).join(',')} (server index per connection)`,
	);

	// The two login stacks side by side: same engine, same simulator, interleaved, order
	// alternating per round. Current = login + GetSettings; legacy = one login request.
	const rounds = arg('rounds', 5);
	const times: Record<'current' | 'legacy', number[]> = { current: [], legacy: [] };
	for (let r = 0; r < rounds; r++) {
		const order: Array<'current' | 'legacy'> = r % 2 === 0 ? ['current', 'legacy'] : ['legacy', 'current'];
		for (const api of order) {
			sim.reset();
			const start = performance.now();
			const t = await activateTrigger({
				type,
				credentialType: 'voicenterRealtimeApi',
				credentials: { voicenterRealtimeApi: rt.credentials('token', api) },
				parameters: { events: ['extension.NEWCALL'], options: { reconnectDelay: 0.05 } },
			});
			await rt.waitForConnections(1);
			times[api].push(performance.now() - start);
			await t.deactivate();
		}
	}
	const ratios = times.current.map((c, i) => c / times.legacy[i]);
	const spread = (v: number[]) => `${ms(Math.min(...v))}–${ms(Math.max(...v))}`;
	console.log(`  login stacks, activation → socket connected (${rounds} interleaved rounds):`);
	console.log(
		`    ratio current/legacy: median ${median(ratios).toFixed(2)} (spread ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
	);
	console.log(`    current (login + GetSettings): median ${ms(median(times.current))} (${spread(times.current)})`);
	console.log(`    legacy (one login):            median ${ms(median(times.legacy))} (${spread(times.legacy)})`);
	await rt.stop();
	await sim.stop();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
