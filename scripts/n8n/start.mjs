#!/usr/bin/env node
/**
 * npm start — the main job: this package in a real n8n, against the Voicenter simulator.
 *
 *   npm start                       # editor on http://localhost:5678, simulator on :4010
 *   npm start -- --port 5700 --sim-port 4020
 *   npm start -- --reset            # forget the n8n data (owner, workflows, executions) first
 *   npm start -- --reimport         # re-import the example workflows over the existing ones
 *
 * First run: installs Node 24 and n8n (pinned) into .cache/ (about 7 minutes), see install.mjs.
 * Ctrl-C stops n8n and the simulator.
 */
import path from 'node:path';

import { CREDENTIAL_NAME, OWNER, REALTIME_CREDENTIAL_NAME, REALTIME_DEMO_INTERVAL_MS, ROOT, TRIGGER_PATHS, VOIPE_CREDENTIAL_NAME, cliArg, isPortFree, startStack } from './stack.mjs';
import { N8N_VERSION, isInstalled } from './install.mjs';

/** Production URLs of a workflow's triggers, with a way to call each. */
export function webhookUrls(baseUrl, workflow) {
	const urls = [];
	for (const node of workflow.nodes ?? []) {
		const ours = TRIGGER_PATHS[node.type];
		if (ours && node.webhookId) {
			const url = `${baseUrl}/webhook/${node.webhookId}/${ours.path}`;
			urls.push({ node: node.name, line: `${url}\n        try: npm run simulator:send -- ${ours.send} --url ${url}` });
		} else if (node.type === 'n8n-nodes-voicenter.voicenterCallLogTrigger') {
			urls.push({ node: node.name, line: 'polls the simulator\'s Call Log every minute (a call starts every few seconds): new calls appear in the data table "Voicenter calls" (Overview → Data tables)' });
		} else if (node.type === 'n8n-nodes-base.formTrigger') {
			const p = node.parameters?.options?.path ?? node.parameters?.path ?? node.webhookId;
			urls.push({ node: node.name, line: `open ${baseUrl}/form/${p}` });
		} else if (node.type === 'n8n-nodes-base.webhook') {
			urls.push({ node: node.name, line: `${node.parameters?.httpMethod ?? 'GET'} ${baseUrl}/webhook/${node.parameters?.path ?? node.webhookId}` });
		}
	}
	return urls;
}

async function main() {
	const port = Number(cliArg('port', process.env.N8N_PORT ?? 5678));
	const simPort = Number(cliArg('sim-port', 4010));
	for (const [what, p] of [
		['n8n', port],
		['simulator', simPort],
	]) {
		if (!(await isPortFree(p))) {
			console.error(`Port ${p} (${what}) is taken. Is another "npm start" running? Choose another with --${what === 'n8n' ? 'port' : 'sim-port'}.`);
			process.exit(1);
		}
	}
	if (!isInstalled()) {
		console.log(`First run: installing Node 24 and n8n ${N8N_VERSION} into .cache/ (about 7 minutes; log in .cache/n8n-${N8N_VERSION}/install.log)…`);
	}
	const t0 = Date.now();
	const stack = await startStack({
		userFolder: path.join(ROOT, '.cache', 'n8n-home'),
		fresh: Boolean(cliArg('reset', false)),
		port,
		simPort,
		brokerPort: Number(cliArg('broker-port', 0)) || undefined,
		replaceWorkflows: Boolean(cliArg('reimport', false)),
		simulatorOptions: { seed: Number(cliArg('seed', 1)) },
		realtimeDemo: true,
	});
	const lines = [
		'',
		'────────────────────────────────────────────────────────────────────────',
		` n8n ${N8N_VERSION} with n8n-nodes-voicenter is running (${((Date.now() - t0) / 1000).toFixed(0)} s).`,
		'',
		` Open the editor:  ${stack.url}/home/workflows`,
		` Log in:           ${OWNER.email}  /  ${OWNER.password}`,
		` Credential:       "${CREDENTIAL_NAME}" → Voicenter simulator at ${stack.sim.url}`,
		...(stack.credentials.voicenterRealtimeApi
			? [
					` Credential:       "${REALTIME_CREDENTIAL_NAME}" → the simulator's Real Time API (current login stack, monitor servers ${stack.realtime.urlList.join(', ')}); a simulated call every ${REALTIME_DEMO_INTERVAL_MS / 1000} s`,
				]
			: []),
		...(stack.credentials.voipeApi ? [` Credential:       "${VOIPE_CREDENTIAL_NAME}" → the simulator's VoIPe PBX and cPanel`] : []),
		'',
		' Example workflows:',
	];
	for (const [file, wf] of Object.entries(stack.workflows)) {
		lines.push(`  • ${wf.name}  (${file})  ${wf.active ? 'active' : 'inactive: run it from the editor'}`);
		for (const u of wf.active ? webhookUrls(stack.url, wf) : []) lines.push(`      ${u.node}: ${u.line}`);
	}
	lines.push(
		'',
		` Files written by the workflows: ${stack.filesDir}`,
		` n8n log: ${stack.n8n.logFile}`,
		' Ctrl-C stops n8n and the simulator.',
		'────────────────────────────────────────────────────────────────────────',
	);
	console.log(lines.join('\n'));
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the simulator…');
		await stack.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	stack.n8n.process.on('exit', (code) => {
		if (!stopping) {
			console.error(`n8n exited (${code}); see ${stack.n8n.logFile}`);
			void stack.sim.stop().then(() => process.exit(1));
		}
	});
}

main().catch((e) => {
	console.error(e.stack ?? e.message);
	process.exit(1);
});
