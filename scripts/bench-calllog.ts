/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- benchmark script, not shipped */
/**
 * Call Log Return All over a seeded data set (default 50,000 CDRs) through a real n8n
 * workflow against the simulator, with the documented 30 requests per minute enforced.
 * Prints the request count, rows, distinct rows, wall time and peak RSS.
 *
 *   npm run bench:calllog -- --cdrs 50000 --seed 1
 */
import { runNode } from '../test/harness/engine';
import { startSimulator } from '../simulator/server';

function arg(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
	const cdrs = Number(arg('cdrs', '50000'));
	const seed = Number(arg('seed', '1'));
	const sim = await startSimulator({
		seed,
		callLog: { totalCdrs: cdrs, requestsPerWindow: 30, windowMs: 60_000 },
	});
	try {
		const started = process.hrtime.bigint();
		const result = await runNode({
			parameters: {
				resource: 'callLog',
				operation: 'search',
				fromDate: '2026-01-01T00:00:00Z',
				toDate: '2026-01-31T23:59:59Z',
				returnAll: true,
			},
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
		const error = result.error();
		if (error) throw error;
		const requests = sim.requestsTo('api', '/hub/cdr');
		const distinct = new Set(result.items.map((i) => i.json.CallID)).size;
		const figures = {
			seededCdrs: cdrs,
			requests: requests.length,
			rows: result.items.length,
			distinctRows: distinct,
			rateLimit: '30 requests / 60 s (enforced by the simulator)',
			wallTimeMs: Math.round(wallMs),
			peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
		};
		console.log(JSON.stringify(figures, null, 2));
		if (distinct !== cdrs || result.items.length !== cdrs) {
			console.error(`FAIL: expected ${cdrs} distinct rows`);
			process.exitCode = 1;
		}
	} finally {
		await sim.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
