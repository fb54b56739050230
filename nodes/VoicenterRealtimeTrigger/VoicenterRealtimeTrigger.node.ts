import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { EVENT_OPTIONS, parseList, parseListKeepCase, toItem } from './events';
import type { EventSelection } from './events';
import { RealtimeConnection } from './transport/connection';
import type { LoginSession } from './transport/connection';
import {
	isCredentialsRejected,
	readRealtimeSettings,
	realtimeLogin,
	redactDeep,
	realtimeRefresh,
	REALTIME_CREDENTIAL,
} from './transport/login';

export class VoicenterRealtimeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter Realtime Trigger',
		name: 'voicenterRealtimeTrigger',
		icon: { light: 'file:voicenterRealtime.svg', dark: 'file:voicenterRealtime.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].length + " event type(s)"}}',
		description:
			'Starts the workflow on live Voicenter telephony events: calls ringing, answered and ended at extensions, callers joining or abandoning queues, agent status changes, dialer campaigns',
		defaults: { name: 'Voicenter Realtime Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: REALTIME_CREDENTIAL, required: true }],
		properties: [
			{
				displayName:
					'Connects to Voicenter\'s Real Time API while the workflow is active; each event starts one execution. Log in with a Real Time API token (issued by Voicenter: ask your account manager or Voicenter support), or with a user\'s or the account\'s login. Queue events reach token and account logins only; a user login sees only that user\'s extensions. Events sent while the workflow is inactive are not replayed.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				default: ['extension.NEWCALL', 'extension.ANSWER', 'extension.HANGUP'],
				required: true,
				description:
					'Which events start the workflow. Queue events are sent only for token and account logins.',
			},
			{
				displayName: 'Extensions',
				name: 'extensions',
				type: 'string',
				default: '',
				placeholder: 'e.g. SIPSIP1, 1234567',
				description:
					'Only events of these extensions (comma-separated SIP IDs, extension numbers or user IDs). Empty: all.',
			},
			{
				displayName: 'Queues',
				name: 'queues',
				type: 'string',
				default: '',
				placeholder: 'e.g. 15106, Sales',
				description: 'Only events of these queues (comma-separated queue IDs or names). Empty: all.',
			},
			{
				displayName: 'Campaigns',
				name: 'campaigns',
				type: 'string',
				default: '',
				placeholder: 'e.g. 13569, Summer sale',
				description:
					'Only dialer events of these campaigns (comma-separated campaign IDs, names or codes). Empty: all.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Connect Timeout (Seconds)',
						name: 'connectTimeout',
						type: 'number',
						typeOptions: { minValue: 0.1, numberPrecision: 2 },
						default: 10,
						description: 'How long the socket handshake may take before the next server is tried',
					},
					{
						displayName: 'Include Raw Payload',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether to add the payload exactly as Voicenter sent it, under "raw"',
					},
					{
						displayName: 'Keep-Alive Event Name',
						name: 'keepAliveEvent',
						type: 'options',
						options: [
							{
								name: 'Automatic (Per Login API)',
								value: 'auto',
								description:
									'Current login API: keepalive. Legacy: keepalive and keepAlive (both spellings the SDKs used).',
							},
							{ name: 'Keepalive', value: 'keepalive' },
							{ name: 'keepAlive', value: 'keepAlive' },
						],
						default: 'auto',
						description: 'The application keep-alive event the trigger emits after a quiet minute',
					},
					{
						displayName: 'Keep-Alive Interval (Seconds)',
						name: 'keepAliveInterval',
						type: 'number',
						typeOptions: { minValue: 0.1, numberPrecision: 2 },
						default: 60,
						description: 'Send a keep-alive after this long without an event (the SDK uses 60 s)',
					},
					{
						displayName: 'Narrow Extensions on the Server',
						name: 'narrowOnServer',
						type: 'boolean',
						default: true,
						description:
							'Whether to also ask Voicenter (updateMonitoredExtensions) to send only the extensions of the Extensions filter. Applies when the filter lists SIP IDs only; with extension numbers or user IDs in it, the trigger filters locally.',
					},
					{
						displayName: 'Reconnect Delay (Seconds)',
						name: 'reconnectDelay',
						type: 'number',
						typeOptions: { minValue: 0.01, numberPrecision: 2 },
						default: 20,
						description:
							'Back-off unit: after a lost connection the trigger waits 1×, 2×, … 6× this, after a failed attempt 1×, 2×, 3× (the SDK uses 20 s)',
					},
				],
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (typeof WebSocket === 'undefined') {
			throw new NodeOperationError(
				this.getNode(),
				'This n8n runs on a Node.js without a built-in WebSocket: the Voicenter Realtime Trigger needs Node.js 22 or later',
			);
		}
		const events = this.getNodeParameter('events', []) as string[];
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const selection: EventSelection = {
			events: new Set(events),
			extensions: parseList(this.getNodeParameter('extensions', '')),
			queues: parseList(this.getNodeParameter('queues', '')),
			campaigns: parseList(this.getNodeParameter('campaigns', '')),
		};
		// Server-side narrowing (updateMonitoredExtensions) takes SIP IDs. When the filter also
		// holds numeric entries (extension numbers, user IDs), the server is not narrowed: it
		// would drop the events those entries match. They are filtered here only.
		const extensionFilter = parseListKeepCase(this.getNodeParameter('extensions', ''));
		const sipIds = extensionFilter.filter((v) => !/^\d+$/.test(v));
		const narrow =
			options.narrowOnServer !== false && sipIds.length > 0 && sipIds.length === extensionFilter.length;
		const includeRaw = options.includeRaw === true;
		const seconds = (value: unknown, fallback: number) => {
			const n = Number(value);
			return Math.round((Number.isFinite(n) && n > 0 ? n : fallback) * 1000);
		};

		const settings = await readRealtimeSettings.call(this);
		const keepAliveChoice = String(options.keepAliveEvent ?? 'auto');
		const keepAliveEvents =
			keepAliveChoice === 'keepalive' || keepAliveChoice === 'keepAlive'
				? [keepAliveChoice]
				: settings.loginApi === 'current'
					? ['keepalive']
					: ['keepalive', 'keepAlive'];
		// Every token seen so far: redacted from anything logged.
		const seen = new Set<string>(settings.secrets);
		const remember = (session: LoginSession) => {
			for (const t of [session.token, session.refreshToken, session.accessToken]) if (t) seen.add(t);
			return session;
		};
		const clean = (text: string) => redactDeep(text, [...seen]);
		const login = async (signal?: AbortSignal) =>
			remember(await realtimeLogin.call(this, settings, signal));
		const refresh = async (refreshToken: string, signal?: AbortSignal) =>
			remember(await realtimeRefresh.call(this, settings, refreshToken, signal));

		// Log in before the workflow is active: refused credentials fail the activation with
		// Voicenter's own message.
		const session = await login();

		const connection = new RealtimeConnection(session, {
			login,
			refresh,
			keepAliveMs: seconds(options.keepAliveInterval, 60),
			reconnectBaseMs: seconds(options.reconnectDelay, 20),
			connectTimeoutMs: seconds(options.connectTimeout, 10),
			keepAliveEvents,
			isAuthError: isCredentialsRejected,
			onConnect: (emit) => {
				if (narrow) emit('updateMonitoredExtensions', { extensionsString: sipIds.join(',') });
			},
			onEvent: (name, payload) => {
				const item = toItem(selection, name, payload);
				if (!item) return;
				if (includeRaw) item.raw = payload as IDataObject;
				this.emit([[{ json: item }]]);
			},
			onFatal: (error) => this.emitError(error),
			log: (level, message, meta) =>
				this.logger[level](clean(message), meta ? redactDeep(meta, [...seen]) : meta),
		});
		connection.start();

		return {
			closeFunction: async () => await connection.close(),
		};
	}
}
