/**
 * Runs real workflows through n8n's engine (WorkflowExecute from n8n-core) with this
 * package's nodes and credentials. Nothing of the engine is mocked: parameters are resolved,
 * expressions evaluated, credentials authenticated and HTTP requests really sent (to the
 * simulator) exactly as n8n does it.
 */
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IConnections,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { VoicenterApi } from '../../credentials/VoicenterApi.credentials';
import { Voicenter } from '../../nodes/Voicenter/Voicenter.node';

export const PACKAGE = 'n8n-nodes-voicenter';

/** Test-only node that emits the items given in its `items` parameter (a JSON array). */
class ItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		usableAsTool: true,
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: import('n8n-workflow').IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [
			list.map((json, i) => ({ json, pairedItem: { item: Math.min(i, this.getInputData().length - 1) } })),
		];
	}
}

/** Test-only start node (what the manual trigger is to a workflow). */
class StartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Start',
		name: 'testStart',
		group: ['trigger'],
		version: 1,
		description: 'Starts the test workflow',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: import('n8n-workflow').IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const nodeRegistry: Record<string, INodeType | IVersionedNodeType> = {
	[`${PACKAGE}.voicenter`]: new Voicenter(),
	'test.items': new ItemsNode(),
	'test.start': new StartNode(),
};

const credentialRegistry: Record<string, ICredentialType> = {
	voicenterApi: new VoicenterApi(),
};

/** Lets other areas (dialer, triggers, VoIPe…) register their node and credential classes. */
export function registerNodeType(type: string, node: INodeType | IVersionedNodeType): void {
	nodeRegistry[type] = node;
}

export function registerCredentialType(type: ICredentialType): void {
	credentialRegistry[type.name] = type;
}

class NodeTypes implements INodeTypes {
	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = nodeRegistry[nodeType];
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		if ('nodeVersions' in type) return type.getNodeType(version);
		return type;
	}

	getKnownTypes() {
		return {};
	}
}

export class CredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const type = credentialRegistry[typeName];
		if (type && typeof type.authenticate === 'function')
			return await type.authenticate(credentials, requestOptions);
		return requestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used in tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return data;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties() {
		return [];
	}
}

export const nodeTypes = new NodeTypes();

/**
 * The engine's additionalData for tests: what a real n8n instance provides, with the URLs of a
 * local instance; `extra` adds or overrides fields (hooks, credentialsHelper, httpRequest…).
 */
export function testAdditionalData(extra: Record<string, unknown> = {}): IWorkflowExecuteAdditionalData {
	return {
		executeWorkflow: async () => {
			throw new Error('not supported in tests');
		},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		setExecutionStatus: () => {},
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not supported in tests');
		},
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowRunOptions {
	nodes: INode[];
	connections: IConnections;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	mode?: WorkflowExecuteMode;
	/** The node the run starts at (default: the first node). */
	startNodeName?: string;
	/** Items given to the start node. */
	startItems?: INodeExecutionData[];
}

export interface WorkflowRunResult {
	run: IRun;
	/** Output items (first output, last run) of a node, pairedItem kept. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The error a node stopped with, if any. */
	error(nodeName?: string): Error | undefined;
}

export async function runWorkflow(options: WorkflowRunOptions): Promise<WorkflowRunResult> {
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes: options.nodes,
		connections: options.connections,
		active: false,
		nodeTypes,
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', 'test-execution', {
		id: 'test-workflow',
		name: 'test',
		nodes: options.nodes,
		connections: options.connections,
		active: false,
		activeVersionId: null,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
	} as never);
	let resolveRun!: (run: IRun) => void;
	const done = { promise: new Promise<IRun>((resolve) => (resolveRun = resolve)) };
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	const additionalData = testAdditionalData({
		hooks,
		credentialsHelper: new CredentialsHelper(options.credentials ?? {}),
	});

	const startNode = options.startNodeName
		? workflow.getNode(options.startNodeName)
		: workflow.getNode(options.nodes[0].name);
	if (!startNode) throw new Error('workflow has no start node');
	const runExecutionData: IRunExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [
				{ node: startNode, data: { main: [options.startItems ?? [{ json: {} }]] }, source: null },
			],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
	const execute = new WorkflowExecute(additionalData, options.mode ?? 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await done.promise;
	const runData = run.data.resultData.runData;
	return {
		run,
		output(nodeName: string, outputIndex = 0) {
			const runs = runData[nodeName];
			if (!runs?.length)
				throw new Error(
					`Node "${nodeName}" did not run${run.data.resultData.error ? `: ${run.data.resultData.error.message}` : ''}`,
				);
			const last = runs[runs.length - 1];
			return (last.data?.main?.[outputIndex] ?? []) as INodeExecutionData[];
		},
		error(nodeName?: string) {
			if (nodeName) return runData[nodeName]?.[runData[nodeName].length - 1]?.error as Error | undefined;
			return run.data.resultData.error as Error | undefined;
		},
	};
}

/** Start → Items (optional) → node under test. */
export async function runNode(options: {
	type?: string;
	parameters: IDataObject;
	items?: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialType?: string;
	continueOnFail?: boolean;
	typeVersion?: number;
}): Promise<WorkflowRunResult & { items: INodeExecutionData[] }> {
	const credentialType = options.credentialType ?? 'voicenterApi';
	const nodes: INode[] = [
		{ id: 'start', name: 'Start', type: 'test.start', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'items',
			name: 'Items',
			type: 'test.items',
			typeVersion: 1,
			position: [200, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
		{
			id: 'node',
			name: 'Node',
			type: options.type ?? `${PACKAGE}.voicenter`,
			typeVersion: options.typeVersion ?? 1,
			position: [400, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: { [credentialType]: { id: '1', name: 'Test credentials' } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const, continueOnFail: true } : {}),
		},
	];
	const connections: IConnections = {
		Start: { main: [[{ node: 'Items', type: NodeConnectionTypes.Main, index: 0 }]] },
		Items: { main: [[{ node: 'Node', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const result = await runWorkflow({ nodes, connections, credentials: options.credentials });
	let items: INodeExecutionData[] = [];
	try {
		items = result.output('Node');
	} catch {
		items = [];
	}
	return { ...result, items };
}

/**
 * Runs a node's loadOptions method (a dropdown) through n8n-core's LoadOptionsContext, with
 * real credential authentication and HTTP, as the editor does.
 */
export async function runLoadOptions(options: {
	method: string;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	type?: string;
	parameters?: IDataObject;
	credentialType?: string;
}): Promise<INodePropertyOptions[]> {
	const type = options.type ?? `${PACKAGE}.voicenter`;
	const node: INode = {
		id: 'node',
		name: 'Node',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: (options.parameters ?? {}) as INode['parameters'],
		credentials: { [options.credentialType ?? 'voicenterApi']: { id: '1', name: 'Test credentials' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes, settings: {} });
	const additionalData = testAdditionalData({
		credentialsHelper: new CredentialsHelper(options.credentials),
	});
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.x');
	const nodeType = nodeTypes.getByNameAndVersion(type, 1);
	const method = nodeType.methods?.loadOptions?.[options.method];
	if (!method) throw new Error(`No loadOptions method ${options.method}`);
	return await method.call(context);
}
