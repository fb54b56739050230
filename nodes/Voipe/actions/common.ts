/**
 * What both VoIPe operations share: the optional fields, the two-phase item loop and the
 * output shape.
 *
 * Two phases: every item is validated before the first request is sent, so a bad number in
 * item 5 does not leave items 0–4 dialled and the node failed half-way. With continueOnFail
 * an invalid item becomes an error item and the valid ones are still dialled.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { validatePhone } from '../../shared/phone';
import { asNodeError, runPerItem } from '../../shared/execute';
import type { VoipeAnswer } from '../helpers/response';
import type { VoipeConnection, VoipeEndpoint } from '../transport';
import { getConnection, voipeApiRequest } from '../transport';

/** dial.php may answer only once the PBX has handled the call (not documented): be generous. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

export function optionsProperty(operation: string): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: [operation] } },
		options: [
			{
				displayName: 'Foreign ID',
				name: 'foreignId',
				type: 'string',
				default: '',
				description: 'Your own ID attached to the call (foreignid), e.g. a CRM record ID',
			},
			{
				displayName: 'Include Raw Response',
				name: 'includeRawResponse',
				type: 'boolean',
				default: false,
				description: 'Whether to add the answer exactly as VoIPe sent it, in the raw field',
			},
			{
				displayName: 'Outbound Caller ID',
				name: 'outboundCallerId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 031234567',
				description:
					'Caller ID for this call (outboundcid). When empty, the caller ID configured in the PBX is used.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description:
					'How long to wait for VoIPe to answer. On a timeout the call may still have been placed.',
			},
		],
	};
}

export interface PreparedCall {
	/** Query parameters, lowercase as in the documented links (§15.3). */
	qs: IDataObject;
	/** Echoed into the output item: what was actually sent, normalised. */
	echo: IDataObject;
	timeoutMs: number;
	includeRaw: boolean;
}

/** Reads and validates the Options collection: caller ID, foreign ID, timeout. */
export function readOptions(
	ctx: IExecuteFunctions,
	i: number,
): { qs: IDataObject; echo: IDataObject; timeoutMs: number; includeRaw: boolean } {
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const qs: IDataObject = {};
	const echo: IDataObject = {};
	const cid = options.outboundCallerId;
	if (cid !== undefined && cid !== null && String(cid).trim() !== '') {
		qs.outboundcid = validatePhone(node, i, 'Outbound Caller ID', cid);
		echo.outboundCallerId = qs.outboundcid;
	}
	const foreignId = options.foreignId;
	if (foreignId !== undefined && foreignId !== null && String(foreignId).trim() !== '') {
		qs.foreignid = String(foreignId).trim();
		echo.foreignId = qs.foreignid;
	}
	let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
	if (options.timeout !== undefined) {
		const seconds = Number(options.timeout);
		if (!Number.isFinite(seconds) || seconds <= 0) {
			throw new NodeOperationError(node, `Option Timeout must be a number of seconds above 0 (item ${i})`, {
				itemIndex: i,
			});
		}
		timeoutMs = Math.round(seconds * 1000);
	}
	return { qs, echo, timeoutMs, includeRaw: options.includeRawResponse === true };
}

export async function runCalls(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	endpoint: VoipeEndpoint,
	prepare: (this: IExecuteFunctions, i: number) => PreparedCall,
): Promise<INodeExecutionData[]> {
	const version = this.getNode().typeVersion;
	// Phase 1: validate every item (and the credential) before any request.
	const prepared: Array<(PreparedCall & { connection: VoipeConnection }) | Error> = [];
	let connection: VoipeConnection | undefined;
	for (let i = 0; i < items.length; i++) {
		try {
			const call = prepare.call(this, i);
			connection ??= await getConnection.call(this, endpoint, i);
			prepared.push({ ...call, connection });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, i);
			prepared.push(error instanceof Error ? error : new Error(String(error)));
		}
	}
	// Phase 2: one request per valid item.
	return await runPerItem.call(this, items, async (i) => {
		const call = prepared[i];
		if (call instanceof Error) throw call;
		const answer = await voipeApiRequest.call(this, {
			endpoint,
			connection: call.connection,
			qs: call.qs,
			itemIndex: i,
			timeoutMs: call.timeoutMs,
		});
		const json = version >= 2 ? documentedOutput(endpoint, answer, call) : renamedOutput(answer, call);
		if (call.includeRaw) json.raw = answer.raw as IDataObject | string;
		return json;
	});
}

/**
 * typeVersion 2: VoIPe's documented names (§15). Click2Call answers `response` (true, since
 * failures are errors) and `unique`; Mobile Click2Call `src`, `uniqueid` and `status`. Beside
 * them, what was sent, under the documented request names (`extension`, `destination`,
 * `tech`, `phone`, `outboundcid`, `foreignid`).
 */
function documentedOutput(endpoint: VoipeEndpoint, answer: VoipeAnswer, call: PreparedCall): IDataObject {
	const json: IDataObject =
		endpoint === 'click2call'
			? { response: true, unique: answer.uniqueId }
			: { src: answer.source ?? null, uniqueid: answer.uniqueId, status: answer.status ?? null };
	return { ...json, ...call.qs };
}

/** typeVersion 1 (kept unchanged for existing workflows): renamed fields. */
function renamedOutput(answer: VoipeAnswer, call: PreparedCall): IDataObject {
	const json: IDataObject = { success: true, uniqueId: answer.uniqueId };
	if (answer.source !== undefined) json.source = answer.source;
	if (answer.status !== undefined) json.status = answer.status;
	Object.assign(json, call.echo);
	return json;
}
