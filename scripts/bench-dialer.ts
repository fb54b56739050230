/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- benchmark script, not shipped */
/**
 * Dialer benchmark: adds N leads (default 10,000) to a campaign through a real n8n workflow
 * run against the simulator with injected latency (default 20 ms), once with AddCallsBulk
 * batching and once with one AddCall request per item (the per-item baseline), in the same
 * run. Prints request counts, wall times, their ratio and peak RSS.
 *
 *   npm run bench:dialer -- --items 10000 --batch 500 --latency 20 [--bulk-only]
 */
import { runNode } from '../test/harness/engine';
import { DIALER_CAMPAIGNS } from '../simulator/routes/dialer';
import { startSimulator } from '../simulator/server';

function arg(name: string, fallback: string): number {
	const i = process.argv.indexOf(`--${name}`);
	return Number(i >= 0 ? process.argv[i + 1] : fallback);
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function main() {
	const count = arg('items', '10000');
	const batchSize = arg('batch', '500');
	const latencyMs = arg('latency', '20');
	const sim = await startSimulator({ latencyMs });
	const credentials = { voicenterApi: sim.voicenterCredentials() };
	const items = Array.from({ length: count }, (_, n) => ({
		phone: String(972500000000 + n),
		name: `Lead ${n}`,
		leadId: n,
	}));
	const parameters = {
		resource: 'campaignCall',
		operation: 'add',
		// The campaign picked from the list (as a user would); the lead fields by expression.
		campaign: { __rl: true, mode: 'list', value: DIALER_CAMPAIGNS.smart },
		target: '={{ $json.phone }}',
		customData: { field: [{ key: 'var_LeadID', value: '={{ $json.leadId }}' }] },
		additionalFields: { customerName: '={{ $json.name }}', priority: 1 },
		batchSize,
	};

	async function measure(label: string, sendInBulk: boolean) {
		sim.reset();
		const started = performance.now();
		const result = await runNode({ parameters: { ...parameters, sendInBulk }, items, credentials });
		const wallMs = performance.now() - started;
		const error = result.error();
		if (error) throw new Error(`${label}: the workflow failed: ${error.message}`);
		const requests = sim.requestsTo('api').filter((r) => r.path.startsWith('/ForwardDialer/Dialer/')).length;
		const paired = result.items.every((it, n) => (it.pairedItem as { item: number }).item === n);
		const ok = result.items.filter((it) => it.json.ErrorCode === 0).length;
		const row = {
			label,
			requests,
			wallMs,
			outputItems: result.items.length,
			okItems: ok,
			pairedInOrder: paired,
			peakRss: mb(process.resourceUsage().maxRSS),
		};
		console.log(
			`${label.padEnd(26)} requests=${String(requests).padStart(6)}  wall=${(wallMs / 1000).toFixed(2).padStart(8)} s  items=${row.outputItems} ok=${ok} paired=${paired}  peakRSS=${row.peakRss}`,
		);
		return row;
	}

	console.log(
		`Dialer bench: ${count} leads, batch ${batchSize}, simulator latency ${latencyMs} ms, node ${process.version}`,
	);
	// A short warm-up run, so that module loading and first-use costs are not billed to either mode.
	await runNode({ parameters: { ...parameters, sendInBulk: true }, items: items.slice(0, 10), credentials });
	const bulk = await measure(`AddCallsBulk (batch ${batchSize})`, true);
	if (process.argv.includes('--bulk-only')) {
		await sim.stop();
		return;
	}
	const perItem = await measure('AddCall per item', false);
	await sim.stop();
	console.log(`expected bulk requests: ⌈${count}/${batchSize}⌉ = ${Math.ceil(count / batchSize)}`);
	console.log(`request ratio: ${(perItem.requests / bulk.requests).toFixed(1)}×`);
	console.log(`wall-time ratio (per item / bulk): ${(perItem.wallMs / bulk.wallMs).toFixed(1)}×`);
	console.log(`peak RSS of the process: ${mb(process.resourceUsage().maxRSS)}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
