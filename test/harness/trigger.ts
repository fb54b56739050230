/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling */
/**
 * Activates trigger nodes the way n8n does for an active workflow: n8n-core's
 * ActiveWorkflowTriggers.addAllTriggers (from n8n's DI container) runs the node's trigger()
 * through TriggersAndPollers with a real TriggerContext; each `emit` starts a real
 * WorkflowExecute run (mode "trigger") from the trigger node with the emitted data, as
 * n8n's ActiveWorkflowManager does; deactivation goes through ActiveWorkflowTriggers.remove,
 * which calls the node's closeFunction.
 */
import os from 'node:os';
import path from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IConnections,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IExecuteFunctions,
	ITriggerFunctions,
	IWorkflowExecuteAdditionalData,
	Workflow as WorkflowType,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import type { WorkflowRunResult } from './engine';
import { CredentialsHelper, nodeTypes, registerNodeType, runWorkflow, testAdditionalData } from './engine';

// n8n-core's services read their settings (and write an encryption key) under the user folder.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-voicenter-test-home');
// Keep the engine's info logs (trigger activations, reconnections) out of the test output.
process.env.N8N_LOG_LEVEL ??= 'error';

/** Test-only node that passes its input through (what follows the trigger in the workflow). */
class PassThroughNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pass Through',
		name: 'testPassThrough',
		group: ['transform'],
		version: 1,
		description: 'Outputs its input',
		usableAsTool: true,
		defaults: { name: 'Collect' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
registerNodeType('test.passThrough', new PassThroughNode());

// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('n8n-core') as typeof import('n8n-core');
// The DI container instance n8n-core itself uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(
	require.resolve('@n8n/di', { paths: [path.dirname(require.resolve('n8n-core'))] }),
) as typeof import('@n8n/di');

export interface ActiveTrigger {
	/** Every emit, in order (the data exactly as the node emitted it). */
	emitted: INodeExecutionData[][][];
	/** The workflow run started by each emit, in order. */
	runs: WorkflowRunResult[];
	/** Errors the node reported with emitError. */
	errors: Error[];
	/** JSON of the items the downstream node received, in order, across runs. */
	received(): IDataObject[];
	/** Resolves once `count` items have gone through the workflow. */
	waitForItems(count: number): Promise<IDataObject[]>;
	/** Deactivates the workflow (closeFunction) and waits for pending runs. */
	deactivate(): Promise<void>;
}

function buildAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
): IWorkflowExecuteAdditionalData {
	// No startRunnerTask here, as before: the trigger harness never runs Code nodes.
	return testAdditionalData({
		credentialsHelper: new CredentialsHelper(credentials),
		startRunnerTask: undefined,
	});
}

let workflowCounter = 0;

export async function activateTrigger(options: {
	type: string;
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	credentialType: string;
}): Promise<ActiveTrigger> {
	const workflowId = `test-trigger-workflow-${++workflowCounter}`;
	const nodes: INode[] = [
		{
			id: 'trigger',
			name: 'Trigger',
			type: options.type,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: { [options.credentialType]: { id: '1', name: 'Test credentials' } },
		},
		{
			id: 'collect',
			name: 'Collect',
			type: 'test.passThrough',
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		},
	];
	const connections: IConnections = {
		Trigger: { main: [[{ node: 'Collect', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: workflowId,
		name: 'trigger test',
		nodes,
		connections,
		active: true,
		nodeTypes,
		settings: {},
	});
	const additionalData = buildAdditionalData(options.credentials);

	const emitted: INodeExecutionData[][][] = [];
	const runs: WorkflowRunResult[] = [];
	const errors: Error[] = [];
	const received: IDataObject[] = [];
	let waiters: Array<{ count: number; resolve: (items: IDataObject[]) => void }> = [];
	let chain: Promise<void> = Promise.resolve();
	const notify = () => {
		waiters = waiters.filter((w) => {
			if (received.length >= w.count) {
				w.resolve([...received]);
				return false;
			}
			return true;
		});
	};

	const getTriggerFunctions = (
		wf: WorkflowType,
		node: INode,
		data: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
	): ITriggerFunctions => {
		// As n8n's ActiveWorkflowManager: each emit runs the workflow from the trigger node.
		const emit = (data: INodeExecutionData[][]) => {
			emitted.push(data);
			chain = chain.then(async () => {
				const run = await runWorkflow({
					nodes,
					connections,
					credentials: options.credentials,
					mode: 'trigger',
					startNodeName: node.name,
					startItems: data[0],
				});
				runs.push(run);
				for (const item of run.output('Collect')) received.push(item.json);
				notify();
			});
		};
		const emitError = (error: Error) => {
			errors.push(error);
		};
		return new core.TriggerContext(wf, node, data, mode, activation, emit, emitError);
	};

	const activeWorkflowTriggers = Container.get(core.ActiveWorkflowTriggers);
	await activeWorkflowTriggers.addAllTriggers(
		workflowId,
		workflow,
		additionalData,
		'trigger',
		'activate',
		getTriggerFunctions,
		core.getExecutePollFunctions,
	);

	return {
		emitted,
		runs,
		errors,
		received: () => [...received],
		waitForItems: async (count: number) => {
			if (received.length >= count) return [...received];
			return await new Promise<IDataObject[]>((resolve) => waiters.push({ count, resolve }));
		},
		deactivate: async () => {
			await activeWorkflowTriggers.remove(workflowId);
			await chain;
		},
	};
}
