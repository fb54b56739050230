import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { EVENT_OPTIONS, parseList, toItem } from './events';
import type { EventSelection } from './events';
import { RealtimeConnection } from './transport/connection';
import {
	isCredentialsRejected,
	readRealtimeSettings,
	realtimeLogin,
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
			'Starts the workflow on live Voicenter telephony events: calls ringing, answered and ended at extensions, callers joining or abandoning queues, agent status changes',
		defaults: { name: 'Voicenter Realtime Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: REALTIME_CREDENTIAL, required: true }],
		properties: [
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
						displayName: 'Keep-Alive Interval (Seconds)',
						name: 'keepAliveInterval',
						type: 'number',
						typeOptions: { minValue: 0.1, numberPrecision: 2 },
						default: 60,
						description: 'Send a keep-alive after this long without an event (the SDK uses 60 s)',
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
		};
		const includeRaw = options.includeRaw === true;
		const seconds = (value: unknown, fallback: number) => {
			const n = Number(value);
			return Math.round((Number.isFinite(n) && n > 0 ? n : fallback) * 1000);
		};

		const settings = await readRealtimeSettings.call(this);
		const login = async (signal?: AbortSignal) => await realtimeLogin.call(this, settings, signal);
		const refresh = async (refreshToken: string, signal?: AbortSignal) =>
			await realtimeRefresh.call(this, settings.refreshUrl, refreshToken, settings.secrets, signal);

		// Log in before the workflow is active: refused credentials fail the activation with
		// Voicenter's own message.
		const session = await login();

		const connection = new RealtimeConnection(session, {
			login,
			refresh,
			keepAliveMs: seconds(options.keepAliveInterval, 60),
			reconnectBaseMs: seconds(options.reconnectDelay, 20),
			connectTimeoutMs: seconds(options.connectTimeout, 10),
			isAuthError: isCredentialsRejected,
			onEvent: (name, payload) => {
				const item = toItem(selection, name, payload);
				if (!item) return;
				if (includeRaw) item.raw = payload as IDataObject;
				this.emit([[{ json: item }]]);
			},
			onFatal: (error) => this.emitError(error),
			log: (level, message, meta) => this.logger[level](message, meta),
		});
		connection.start();

		return {
			closeFunction: async () => await connection.close(),
		};
	}
}
