/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- command-line tool, not shipped */
/**
 * Starts the Voicenter simulator:
 *   npm run simulator -- --port 4010 --seed 1 --latency 0 --cdrs 50000 \
 *     --rate-limit 30 --rate-window-ms 60000 --max-rows 10000 --trusted-ips 127.0.0.1,::1 --xml \
 *     --realtime-demo 5000
 */
import { attachRealtime } from '../simulator/realtime';
import { startSimulator } from '../simulator/server';

function arg(name: string, fallback?: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
	const sim = await startSimulator({
		port: Number(arg('port', '4010')),
		seed: Number(arg('seed', '1')),
		latencyMs: Number(arg('latency', '0')),
		callLog: {
			totalCdrs: Number(arg('cdrs', '50000')),
			windowMs: Number(arg('rate-window-ms', '60000')),
			requestsPerWindow: Number(arg('rate-limit', '30')),
			maxRows: Number(arg('max-rows', '10000')),
			...(arg('trusted-ips') ? { trustedIps: String(arg('trusted-ips')).split(',') } : {}),
		},
		// Answer Click2Call in XML-RPC even when JSON is asked for.
		click2callAlwaysXml: process.argv.includes('--xml'),
	});
	console.log(`Voicenter simulator listening on ${sim.url}`);
	console.log(JSON.stringify({ credentials: sim.voicenterCredentials() }, null, 2));
	const realtime = await attachRealtime(sim, { servers: 3 });
	console.log(`Realtime monitor servers: ${realtime.urlList.join(', ')}`);
	console.log(
		JSON.stringify(
			{
				voicenterRealtimeApi: {
					current: realtime.credentials('token', 'current'),
					legacy: realtime.credentials('token', 'legacy'),
				},
			},
			null,
			2,
		),
	);
	// --realtime-demo [ms]: a simulated call (and a DialerEvent) every few seconds.
	if (process.argv.includes('--realtime-demo')) {
		realtime.startDemo(Number(arg('realtime-demo', '5000')) || 5000);
		console.log('Realtime demo traffic on (POST /rtcontrol/demo {"on": false} stops it)');
	}
	const stop = async () => {
		await realtime.stop();
		await sim.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

void main();
