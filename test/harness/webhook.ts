/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped in dist */
/**
 * Serves a workflow whose first node is one of our webhook triggers on a real local port, and
 * handles each request the way n8n 2.x does (packages/cli/src/webhooks/webhook-helpers.ts,
 * webhook-request-handler.ts, middlewares/body-parser.ts — read, not copied):
 *
 *  - body: the raw body is read and kept on `req.rawBody` (a Buffer); JSON, XML, form and text
 *    bodies are parsed into `req.body` by media type, and a body that fails to parse gets
 *    `422 {"code":422,"message":"Failed to parse request body"}` before the node runs;
 *  - CORS: a request with an Origin header gets Access-Control-Allow-Origin = that origin;
 *    OPTIONS gets 204;
 *  - the trigger's `webhook()` runs in n8n-core's real WebhookContext with the real node:http
 *    request and response; a throw answers 500 "Workflow Webhook Error: Workflow could not be
 *    started!";
 *  - `noWebhookResponse` → n8n writes nothing; no `workflowData` → `webhookResponse` or
 *    `{"message":"Webhook call received"}`; responseMode onReceived → `{"message":"Workflow was started"}`;
 *  - the workflow runs through n8n-core's WorkflowExecute; in responseNode mode the Respond
 *    node's `sendResponse()` (hook "sendResponse") is written as n8n's legacy response (status,
 *    headers, JSON body); a failed execution not yet answered gets `500 {"message":"Error in workflow"}`;
 *    an execution that ends without a response gets an empty 200.
 * n8n's writes go through `res.statusCode` / `setHeader` / `end` — the same calls express makes —
 * so the triggers' answer guard sees exactly what it sees in n8n.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	IExecuteFunctions,
	IExecuteResponsePromiseData,
	IN8nHttpFullResponse,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, Workflow, resolveWebhookDescriptionField } from 'n8n-workflow';
import { XMLParser } from 'fast-xml-parser';

import { VoicenterCdrTrigger } from '../../nodes/VoicenterCdrTrigger/VoicenterCdrTrigger.node';
import { VoicenterIvrTrigger } from '../../nodes/VoicenterIvrTrigger/VoicenterIvrTrigger.node';
import { VoicenterRespond } from '../../nodes/VoicenterRespond/VoicenterRespond.node';
import { VoicenterScreenPopTrigger } from '../../nodes/VoicenterScreenPopTrigger/VoicenterScreenPopTrigger.node';
import { CredentialsHelper, PACKAGE, nodeTypes, registerNodeType, testAdditionalData } from './engine';

/** Test node: fails with the message in its `message` parameter. */
class FailNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Fail',
		name: 'testFail',
		group: ['transform'],
		version: 1,
		description: 'Throws',
		usableAsTool: true,
		defaults: { name: 'Fail' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Message', name: 'message', type: 'string', default: 'CRM is down' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), this.getNodeParameter('message', 0) as string);
	}
}

/** Test node: waits `ms` milliseconds, then passes its input on. */
class DelayNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Delay',
		name: 'testDelay',
		group: ['transform'],
		version: 1,
		description: 'Waits',
		usableAsTool: true,
		defaults: { name: 'Delay' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Ms', name: 'ms', type: 'number', default: 100 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		await new Promise((r) => setTimeout(r, this.getNodeParameter('ms', 0) as number));
		return [this.getInputData()];
	}
}

/**
 * Gates for the test.gate node: a test holds a workflow at a gate and opens it by explicit
 * signal (after it has seen what it waits for), instead of racing a wall-clock delay.
 */
const gates = new Map<string, { opened: Promise<void>; open: () => void }>();

export function gate(name: string): { opened: Promise<void>; open: () => void } {
	let entry = gates.get(name);
	if (!entry) {
		let open!: () => void;
		const opened = new Promise<void>((resolve) => (open = resolve));
		entry = { opened, open };
		gates.set(name, entry);
	}
	return entry;
}

/**
 * Opens a gate; it stays open (a workflow reaching it later passes at once) until closeGate.
 * Give each test its own gate name.
 */
export function openGate(name: string): void {
	gate(name).open();
}

/** Forgets a gate: the next gate(name) is a new, closed one. */
export function closeGate(name: string): void {
	gates.delete(name);
}

/** Test node: waits until the test opens the gate named in `gate`, then passes its input on. */
class GateNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Gate',
		name: 'testGate',
		group: ['transform'],
		version: 1,
		description: 'Waits for the test to open a gate',
		usableAsTool: true,
		defaults: { name: 'Gate' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Gate', name: 'gate', type: 'string', default: 'default' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		await gate(this.getNodeParameter('gate', 0) as string).opened;
		return [this.getInputData()];
	}
}

/** Test node: passes its input on unchanged (a workflow "that does not answer"). */
class NoopNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Noop',
		name: 'testNoop',
		group: ['transform'],
		version: 1,
		description: 'Passes items on',
		usableAsTool: true,
		defaults: { name: 'Noop' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

registerNodeType(`${PACKAGE}.voicenterCdrTrigger`, new VoicenterCdrTrigger());
registerNodeType(`${PACKAGE}.voicenterIvrTrigger`, new VoicenterIvrTrigger());
/**
 * What n8n's node loader does to a webhook node with `supportsCORS` (n8n-core DirectoryLoader
 * applySpecialNodeParameters): its "Allowed Origins (CORS)" field, inside an `options`
 * collection when the node has one, else at the end of the properties.
 */
export function withN8nSpecialParameters<T extends INodeType>(node: T): T {
	const { properties, supportsCORS } = node.description;
	if (node.webhook && supportsCORS) {
		const cors = {
			displayName: 'Allowed Origins (CORS)',
			name: 'allowedOrigins',
			type: 'string' as const,
			default: '*',
			description:
				'Comma-separated list of URLs allowed for cross-origin non-preflight requests. Use * (default) to allow all origins.',
		};
		const options = properties.find(({ name }) => name === 'options');
		if (options) options.options = [cors, ...(options.options ?? [])] as never;
		else properties.push(cors);
	}
	return node;
}

registerNodeType(`${PACKAGE}.voicenterScreenPopTrigger`, withN8nSpecialParameters(new VoicenterScreenPopTrigger()));
registerNodeType(`${PACKAGE}.voicenterRespond`, new VoicenterRespond());
registerNodeType('test.fail', new FailNode());
registerNodeType('test.delay', new DelayNode());
registerNodeType('test.noop', new NoopNode());
registerNodeType('test.gate', new GateNode());

export interface ExecutionRecord {
	/** Items the trigger handed to the workflow. */
	items: INodeExecutionData[];
	run?: IRun;
	done: Promise<IRun>;
}

export interface WebhookServerOptions {
	/** The trigger node (first node) and the others. */
	nodes: INode[];
	connections?: IConnections;
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	/** Decrypted credentials by type, for nodes that read one (e.g. the webhook secret). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

const xml = new XMLParser({ ignoreAttributes: true });

type Req = http.IncomingMessage & {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
	body?: unknown;
	contentType?: string;
	query?: Record<string, string | string[]>;
	params?: Record<string, string>;
};

function additionalDataFor(
	hooks: ExecutionLifecycleHooks | undefined,
	req?: Req,
	res?: http.ServerResponse,
	credentials?: Record<string, ICredentialDataDecryptedObject>,
): IWorkflowExecuteAdditionalData {
	return testAdditionalData({
		hooks,
		httpRequest: req,
		httpResponse: res,
		credentialsHelper: credentials ? new CredentialsHelper(credentials) : undefined,
	});
}

/** n8n's legacy response write (express res.status().json()/send()), with node:http calls only. */
function legacySend(res: http.ServerResponse, code: number, data: unknown, headers: IDataObject = {}): void {
	// No writableEnded short-cut: like express, write anyway (the triggers' guard must drop it).
	try {
		res.statusCode = code;
		for (const [k, v] of Object.entries(headers)) res.setHeader(k, String(v));
		let body: string;
		if (typeof data === 'string') {
			if (!res.getHeader('content-type')) res.setHeader('Content-Type', 'text/html; charset=utf-8');
			body = data;
		} else {
			if (!res.getHeader('content-type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
			body = data === undefined ? '' : JSON.stringify(data);
		}
		res.setHeader('Content-Length', String(Buffer.byteLength(body)));
		res.end(body);
	} catch (error) {
		// express would log "headers already sent" here; the request is over either way
		res.destroy(error as Error);
	}
}

export class WebhookTestServer {
	readonly workflow: Workflow;

	readonly trigger: INode;

	readonly executions: ExecutionRecord[] = [];

	/** Requests that reached the trigger's webhook() (n8n's own 404/422/OPTIONS excluded). */
	webhookCalls = 0;

	url = '';

	private server?: http.Server;

	private sockets = new Set<import('node:net').Socket>();

	constructor(private readonly options: WebhookServerOptions) {
		this.trigger = options.nodes[0];
		this.workflow = new Workflow({
			id: 'wf-webhook-test',
			name: 'webhook test',
			nodes: options.nodes,
			connections: options.connections ?? {},
			active: true,
			nodeTypes,
			staticData: options.staticData ?? {},
			settings: {},
		});
	}

	async start(): Promise<string> {
		this.server = http.createServer((req, res) => void this.handle(req as Req, res));
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/test-id/${
			this.webhookDescriptions()[0].path
		}`;
		return this.url;
	}

	async stop(): Promise<void> {
		await this.idle();
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}

	/** Waits until every started execution has finished. */
	async idle(): Promise<void> {
		for (let i = 0; i < this.executions.length; i++) await this.executions[i].done;
	}

	private webhookDescriptions() {
		const type = nodeTypes.getByNameAndVersion(this.trigger.type, this.trigger.typeVersion);
		return type.description.webhooks ?? [];
	}

	private async handle(req: Req, res: http.ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const origin = req.headers.origin;
		if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
		if (method === 'OPTIONS') {
			res.statusCode = 204;
			res.end();
			return;
		}
		const description = this.webhookDescriptions().find((w) =>
			String(w.httpMethod)
				.split(',')
				.map((m) => m.trim())
				.includes(method),
		);
		if (!description) {
			legacySend(res, 404, {
				code: 404,
				message: `The requested webhook "${method} ${req.url}" is not registered.`,
			});
			return;
		}
		// rawBodyReader + parseBody (n8n middlewares/body-parser.ts)
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		req.rawBody = Buffer.concat(chunks);
		req.readRawBody = async () => {};
		const contentType = String(req.headers['content-type'] ?? '')
			.split(';')[0]
			.trim()
			.toLowerCase();
		req.contentType = contentType || undefined;
		const url = new URL(req.url ?? '/', 'http://localhost');
		const query: Record<string, string | string[]> = {};
		for (const [k, v] of url.searchParams) {
			const prev = query[k];
			query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
		}
		req.query = query;
		req.params = {};
		if (req.rawBody.length) {
			const text = req.rawBody.toString('utf8');
			try {
				if (contentType === 'application/json') req.body = JSON.parse(text);
				else if (contentType.endsWith('/xml') || contentType.endsWith('+xml')) {
					const valid = (await import('fast-xml-parser')).XMLValidator.validate(text);
					if (valid !== true) throw new Error(valid.err.msg);
					req.body = xml.parse(text);
				} else if (contentType === 'application/x-www-form-urlencoded')
					req.body = Object.fromEntries(new URLSearchParams(text));
				else if (contentType === 'text/plain') req.body = text;
			} catch (error) {
				legacySend(res, 422, {
					code: 422,
					message: 'Failed to parse request body',
					hint: (error as Error).message,
				});
				return;
			}
		}
		if (req.body === undefined) req.body = {};

		this.webhookCalls++;
		const webhookData: IWebhookData = {
			httpMethod: method as IWebhookData['httpMethod'],
			node: this.trigger.name,
			path: description.path,
			webhookDescription: description,
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: additionalDataFor(undefined, req, res, this.options.credentials),
		};
		const mode = this.options.mode ?? 'webhook';
		const context = new WebhookContext(
			this.workflow,
			this.trigger,
			additionalDataFor(undefined, req, res, this.options.credentials),
			mode,
			webhookData,
			[],
			null,
		);
		let responded = false;
		const respond = (code: number, data: unknown, headers?: IDataObject) => {
			if (responded) return;
			responded = true;
			legacySend(res, code, data, headers);
		};
		let result: IWebhookResponseData;
		try {
			const type = nodeTypes.getByNameAndVersion(this.trigger.type, this.trigger.typeVersion);
			result = await type.webhook!.call(context);
		} catch {
			respond(500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			return;
		}
		if (result.noWebhookResponse) responded = true;
		if (result.workflowData === undefined) {
			respond(
				200,
				result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' },
			);
			return;
		}
		// n8n resolves description fields natively when the node declares a resolver.
		const native = (field: string, fallback: unknown) => {
			const r = resolveWebhookDescriptionField(this.workflow.nodes[this.trigger.name], description, field);
			return r.resolved ? r.value : ((description as unknown as IDataObject)[field] ?? fallback);
		};
		const responseMode = String(native('responseMode', 'onReceived'));
		this.runExecution(result.workflowData, responseMode, respond, () => responded);
		// onReceived: n8n answers once the execution exists, with the trigger's webhookResponse
		// unless responseData says otherwise.
		if (responseMode === 'onReceived') {
			const responseData = native('responseData', 'firstEntryJson');
			respond(
				200,
				responseData === 'noData'
					? undefined
					: responseData || (result.webhookResponse ?? { message: 'Workflow was started' }),
			);
		}
	}

	private runExecution(
		workflowData: INodeExecutionData[][],
		responseMode: string,
		respond: (code: number, data: unknown, headers?: IDataObject) => void,
		hasResponded: () => boolean,
	): void {
		const mode = this.options.mode ?? 'webhook';
		const hooks = new ExecutionLifecycleHooks(mode, `exec-${this.executions.length + 1}`, {
			id: this.workflow.id,
			name: 'webhook test',
			nodes: this.options.nodes,
			connections: this.options.connections ?? {},
			active: true,
			activeVersionId: null,
			settings: {},
			createdAt: new Date(),
			updatedAt: new Date(),
			isArchived: false,
		} as never);
		let resolveRun!: (run: IRun) => void;
		const done = new Promise<IRun>((resolve) => (resolveRun = resolve));
		let nodeResponded = false;
		hooks.addHandler('sendResponse', (response: IExecuteResponsePromiseData) => {
			if (responseMode !== 'responseNode') return;
			nodeResponded = true;
			const full = response as IN8nHttpFullResponse;
			respond(full.statusCode ?? 200, full.body, full.headers as IDataObject);
		});
		hooks.addHandler('workflowExecuteAfter', (run: IRun) => {
			if (run.data.resultData.error) respond(500, { message: 'Error in workflow' });
			else if (responseMode === 'responseNode' && !nodeResponded && !hasResponded()) respond(200, undefined);
			else if (responseMode === 'lastNode') respond(200, undefined);
			resolveRun(run);
		});
		const record: ExecutionRecord = { items: workflowData[0] ?? [], done };
		this.executions.push(record);
		void done.then((run) => (record.run = run));
		const runExecutionData = {
			startData: {},
			resultData: { runData: {} },
			executionData: {
				contextData: {},
				metadata: {},
				nodeExecutionStack: [{ node: this.trigger, data: { main: workflowData }, source: null }],
				waitingExecution: {},
				waitingExecutionSource: {},
			},
		} as unknown as IRunExecutionData;
		const execute = new WorkflowExecute(additionalDataFor(hooks, undefined, undefined, this.options.credentials), mode, runExecutionData);
		void execute.processRunExecutionData(this.workflow);
	}
}

/** Builds a workflow: trigger → (middle nodes, in order) → Respond (optional), chained. */
export function chain(
	nodes: Array<Omit<INode, 'id' | 'position' | 'typeVersion'> & { typeVersion?: number }>,
): {
	nodes: INode[];
	connections: IConnections;
} {
	const full: INode[] = nodes.map((n, i) => ({
		id: `n${i}`,
		position: [i * 200, 0],
		typeVersion: n.typeVersion ?? 1,
		...n,
	}));
	const connections: IConnections = {};
	for (let i = 0; i < full.length - 1; i++) {
		connections[full[i].name] = {
			main: [[{ node: full[i + 1].name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}
	return { nodes: full, connections };
}

export async function serveWorkflow(options: WebhookServerOptions): Promise<WebhookTestServer> {
	const server = new WebhookTestServer(options);
	await server.start();
	return server;
}
