/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- command-line tool, not shipped */
/**
 * Sends Voicenter-style webhooks to a URL (e.g. a real n8n's production or test webhook URL).
 *
 *   npm run simulator:send -- cdr --url URL [--format json|xmlrpc|form] [--sample outgoing|ivr-queue]
 *        [--id IVRUNIQUEID] [--deliveries N] [--interval-ms 1000] [--max-attempts 5]
 *   npm run simulator:send -- ivr --url URL [--layer 5] [--previous-layer 5] [--dtmf 1234]
 *        [--caller 0501234567] [--did 0722776772] [--id IVRUNIQUEID]
 *   npm run simulator:send -- screenpop --url URL [--method GET|POST] [--parallel 10]
 *        [--phone 0722776772] [--status Ringing|Dialing] [--exten SIPSIP1]
 *   common: --header "Name: value" (repeatable)
 * Prints the answers as JSON (status, headers, body; for IVR the schema problems; for CDRs
 * whether the CDR was acknowledged).
 */
import {
	CDR_IVR_QUEUE,
	CDR_OUTGOING,
	sendCdr,
	sendIvrLayer,
	sendScreenPop,
	type CdrFormat,
} from '../simulator/webhooks';

const argv = process.argv.slice(2);
const command = argv[0];

function arg(name: string, fallback?: string): string | undefined {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : fallback;
}

function headers(): Record<string, string> {
	const out: Record<string, string> = {};
	argv.forEach((a, i) => {
		if (a === '--header' && argv[i + 1]) {
			const [k, ...v] = argv[i + 1].split(':');
			out[k.trim().toLowerCase()] = v.join(':').trim();
		}
	});
	return out;
}

async function main(): Promise<number> {
	const url = arg('url');
	if (!url || !['cdr', 'ivr', 'screenpop'].includes(command ?? '')) {
		console.error('usage: send-webhook.ts cdr|ivr|screenpop --url URL [options] (see the file header)');
		return 2;
	}
	if (command === 'cdr') {
		const sample = arg('sample', 'ivr-queue') === 'outgoing' ? CDR_OUTGOING : CDR_IVR_QUEUE;
		const cdr = { ...sample, ...(arg('id') ? { ivruniqueid: arg('id') } : {}) };
		const deliveries = Number(arg('deliveries', '1'));
		const result = await sendCdr(url, cdr, {
			format: (arg('format', 'json') as CdrFormat) ?? 'json',
			intervalMs: Number(arg('interval-ms', '1000')),
			maxAttempts: Number(arg('max-attempts', '5')),
			extraDeliveries: Math.max(0, deliveries - 1),
			headers: headers(),
		});
		console.log(JSON.stringify(result, null, 2));
		return result.acknowledged ? 0 : 1;
	}
	if (command === 'ivr') {
		const result = await sendIvrLayer(
			url,
			{
				LAYER_ID: arg('layer', '5'),
				PREVIOUS_LAYER_ID: arg('previous-layer', arg('layer', '5')),
				DTMF: arg('dtmf', '0'),
				CALLER_ID: arg('caller', '0501234567'),
				DID: arg('did', '0722776772'),
				IVR_UNIQUE_ID: arg('id', `sim${Date.now()}`),
			},
			{ headers: headers() },
		);
		console.log(JSON.stringify(result, null, 2));
		return result.problems.length ? 1 : 0;
	}
	const answers = await sendScreenPop(
		url,
		{
			phone: arg('phone', '0722776772'),
			ivrid: arg('id', `sim${Date.now()}`),
			extenUser: arg('exten', 'SIPSIP1'),
			did: arg('did', '0722776773'),
			statusCall: arg('status', 'Ringing'),
		},
		{
			method: arg('method', 'GET') === 'POST' ? 'POST' : 'GET',
			parallel: Number(arg('parallel', '1')),
			headers: headers(),
		},
	);
	console.log(JSON.stringify(answers, null, 2));
	return answers.every((a) => a.status === 200) ? 0 : 1;
}

void main().then((code) => process.exit(code));
