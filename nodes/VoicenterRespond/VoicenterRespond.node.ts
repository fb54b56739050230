import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as ivr from './actions/ivr';
import * as screenPop from './actions/screenPop';

/**
 * Subtitle in words: "Go to layer 12", "Say digits, then layer 3", "Dial, on failure layer 1",
 * "Screen pop: contact found". (A layer given as an expression that cannot be resolved in the
 * editor leaves the subtitle empty, as n8n does for any subtitle it cannot evaluate.)
 */
const SUBTITLE =
	'={{ $parameter["respondTo"] === "screenPop" ? ($parameter["contactFound"] === false ? "Screen pop: unknown caller" : "Screen pop: contact found") : ' +
	'$parameter["action"] === "sayDigits" ? "Say digits, then layer " + $parameter["nextLayer"] : ' +
	'$parameter["action"] === "dial" ? "Dial, on failure layer " + $parameter["nextLayerOnFailure"] : ' +
	'"Go to layer " + $parameter["layer"] }}';

export class VoicenterRespond implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter Respond',
		name: 'voicenterRespond',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
		description:
			'Answer the Voicenter IVR Trigger (route the caller: send to a layer, read out digits, forward the call) or the Screen Pop Trigger (show who is calling)',
		defaults: { name: 'Voicenter Respond' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Respond To',
				name: 'respondTo',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'IVR Trigger (Route the Caller)',
						value: 'ivr',
						description:
							'Answer the IVR Trigger: send the caller to a layer, read out digits, or forward the call',
					},
					{
						name: 'Screen Pop Trigger (Who Is Calling)',
						value: 'screenPop',
						description: "Answer the Screen Pop Trigger: the caller's name and CRM card, or unknown caller",
					},
				],
				default: 'ivr',
			},
			...ivr.description,
			...screenPop.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const respondTo = this.getNodeParameter('respondTo', 0) as string;
		let body: Record<string, unknown>;
		let headers: IDataObject = { 'content-type': 'application/json; charset=utf-8' };
		if (respondTo === 'screenPop') {
			const answer = screenPop.buildScreenPop(this);
			body = answer.body;
			headers = { ...headers, ...answer.headers };
		} else {
			body = ivr.buildIvrAnswer(this);
		}
		await this.sendResponse({ body, headers, statusCode: 200 });
		return [items];
	}
}
