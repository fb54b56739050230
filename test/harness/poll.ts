/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling */
/**
 * Runs a polling trigger the way n8n 2.40 does for an active workflow, with n8n-core's own
 * pieces: a real PollContext, n8n-core's PollTriggerExecutor (the function the cron calls:
 * staging scope, TriggersAndPollers.runPollFunction, __emit / __emitError), and a real
 * WorkflowExecute run (mode "trigger") for each emit.
 *
 * What n8n's server adds around it is reproduced here, as read in n8n 2.40.7's
 * trigger-execution-context.factory.js and active-workflow-manager.js:
 *  - on activation the first poll runs at once (`executePollTrigger(true)`: errors are thrown),
 *    then the workflow's static data is saved;
 *  - on every emit, static data is saved (`saveStaticData`) before the run starts;
 *  - a poll that returns null saves nothing (the change stays in memory until the next save);
 *  - a restart loads the workflow, static data as last saved, and activates it again.
 * "Saved" here is a JSON copy, as the database holds it.
 */
import os from 'node:os';
import path from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IPollFunctions,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { CredentialsHelper, nodeTypes, runWorkflow, testAdditionalData } from './engine';
import './trigger'; // registers the pass-through node that follows the trigger

process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-voicenter-test-home');
process.env.N8N_LOG_LEVEL ??= 'error';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('n8n-core') as typeof import('n8n-core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(
	require.resolve('@n8n/di', { paths: [path.dirname(require.resolve('n8n-core'))] }),
) as typeof import('@n8n/di');

export interface Poller {
	/** Activation: the first poll at once (errors thrown, as n8n's activation does), then a save. */
	activate(): Promise<void>;
	/** One scheduled poll (what the cron runs). Resolves when its workflow run is done. */
	poll(): Promise<void>;
	/** n8n restarts: the in-memory workflow is dropped, the saved one activated again. */
	restart(): Promise<void>;
	/** "Fetch Test Event": the poll function in manual mode; its items. */
	manual(): Promise<INodeExecutionData[][] | null>;
	/** JSON of every item that went through the workflow, in order. */
	received: IDataObject[];
	/** Number of emits (one workflow run each). */
	emits: number;
	/** Errors the poll reported (n8n records them as failed trigger executions). */
	errors: Error[];
	/** The static data as n8n last saved it (database copy). */
	saved(): IDataObject;
	/** The static data in memory right now. */
	live(): IDataObject;
}

let counter = 0;

export function createPoller(options: {
	type: string;
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	credentialType?: string;
}): Poller {
	const workflowId = `test-poll-workflow-${++counter}`;
	const credentialType = options.credentialType ?? 'voicenterApi';
	const nodes: INode[] = [
		{
			id: 'trigger',
			name: 'Trigger',
			type: options.type,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: { [credentialType]: { id: '1', name: 'Test credentials' } },
		},
		{ id: 'collect', name: 'Collect', type: 'test.passThrough', typeVersion: 1, position: [200, 0], parameters: {} },
	];
	const connections: IConnections = {
		Trigger: { main: [[{ node: 'Collect', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	let database: IDataObject = {};
	let workflow: Workflow;
	const received: IDataObject[] = [];
	const errors: Error[] = [];
	let emits = 0;
	let pending: Promise<void> = Promise.resolve();

	const load = () => {
		workflow = new Workflow({
			id: workflowId,
			name: 'poll test',
			nodes,
			connections,
			active: true,
			nodeTypes,
			settings: {},
			staticData: JSON.parse(JSON.stringify(database)) as IDataObject,
		});
	};
	const save = () => {
		const data = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged === true) {
			const copy = JSON.parse(JSON.stringify(data)) as IDataObject;
			delete copy.__dataChanged;
			database = copy;
			data.__dataChanged = false;
		}
	};
	const additionalData = () =>
		testAdditionalData({ credentialsHelper: new CredentialsHelper(options.credentials), startRunnerTask: undefined });

	const pollFunctions = (mode: WorkflowExecuteMode): IPollFunctions => {
		const node = workflow.getNode('Trigger')!;
		const emit = (data: INodeExecutionData[][]) => {
			emits++;
			save();
			pending = pending.then(async () => {
				const run = await runWorkflow({
					nodes,
					connections,
					credentials: options.credentials,
					mode: 'trigger',
					startNodeName: 'Trigger',
					startItems: data[0],
				});
				for (const item of run.output('Collect')) received.push(item.json);
			});
		};
		const emitError = (error: Error) => {
			errors.push(error);
		};
		return new core.PollContext(workflow, node, additionalData(), mode, 'activate', emit, emitError);
	};

	const execute = async (testing: boolean) => {
		const executor = Container.get(core.PollTriggerExecutor);
		const run = executor.create(workflow, workflow.getNode('Trigger')!, pollFunctions('trigger'), () => true);
		await run(testing);
		await pending;
	};

	load();
	return {
		async activate() {
			await execute(true);
			save();
		},
		async poll() {
			await execute(false);
		},
		async restart() {
			load();
			await execute(true);
			save();
		},
		async manual() {
			const ctx = pollFunctions('manual');
			const nodeType = nodeTypes.getByNameAndVersion(options.type, 1);
			return await nodeType.poll!.call(ctx);
		},
		received,
		get emits() {
			return emits;
		},
		errors,
		saved: () => database,
		live: () => JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
	};
}
