import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { readOutcome } from '../../../shared/errors';
import type { VoicenterOutcome } from '../../../shared/errors';
import { samePhoneNumber } from '../../../shared/phone';
import {
	buildTarget,
	allowPastOriginateTimeOption,
	campaignLocator,
	dialerApiError,
	dialerPath,
	dialerRequest,
	envelopeOf,
	targetFields,
} from '../../helpers/dialer';
import { asNodeError, errorJson } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';

export const DEFAULT_BATCH_SIZE = 500;

const properties: INodeProperties[] = [
	campaignLocator,
	...targetFields,
	{
		displayName: 'Send in Bulk',
		name: 'sendInBulk',
		type: 'boolean',
		default: true,
		description:
			'Whether to send the input items in AddCallsBulk requests of up to Batch Size targets, instead of one AddCall request per item. Each item still gets its own result.',
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: DEFAULT_BATCH_SIZE,
		description:
			'Maximum number of targets per AddCallsBulk request. Voicenter documents no limit; lower it if large requests are refused.',
		displayOptions: { show: { sendInBulk: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			allowPastOriginateTimeOption,
			{
				displayName: 'Batch Grouping',
				name: 'batchGrouping',
				type: 'options',
				default: 'inputOrder',
				displayOptions: { show: { '/sendInBulk': [true] } },
				options: [
					{
						name: 'Input Order (Campaigns May Mix)',
						value: 'inputOrder',
						description:
							'Batches follow the input order; each target carries its own Campaign, as AddCallsBulk documents',
					},
					{
						name: 'One Campaign per Batch',
						value: 'perCampaign',
						description: 'Items are grouped by campaign first, so that no request mixes campaigns',
					},
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaignCall'], operation: ['add'] } },
	properties,
);

interface Prepared {
	index: number;
	body: IDataObject;
}

/** The output of one added target: `{Campaign, Target, ErrorCode, Description, CustomData}`. */
function resultJson(
	sent: IDataObject,
	entry: IDataObject | undefined,
	outcome: VoicenterOutcome,
): IDataObject {
	return {
		Campaign: sent.Campaign,
		Target: entry?.Target !== undefined ? entry.Target : sent.Target,
		...envelopeOf(outcome),
		CustomData: (entry?.CustomData ?? sent.CustomData ?? {}) as IDataObject,
	};
}

/**
 * Maps AddResult entries to the sent targets. Voicenter documents "one entry per submitted
 * target" but not their order: we assume the order of the request, and check it by Target.
 * When the lengths or a Target differ, entries are matched by Target (first unused entry
 * with the same number); a target without an entry gets undefined.
 */
export function matchAddResult(batch: Prepared[], addResult: IDataObject[]): Array<IDataObject | undefined> {
	if (
		addResult.length === batch.length &&
		batch.every((p, k) => samePhoneNumber(addResult[k]?.Target, p.body.Target))
	) {
		return addResult;
	}
	const used = new Set<number>();
	return batch.map((p) => {
		const k = addResult.findIndex((e, idx) => !used.has(idx) && samePhoneNumber(e?.Target, p.body.Target));
		if (k < 0) return undefined;
		used.add(k);
		return addResult[k];
	});
}

function makeBatches(prepared: Prepared[], size: number, grouping: string): Prepared[][] {
	const groups: Prepared[][] = [];
	if (grouping === 'perCampaign') {
		const byCampaign = new Map<string, Prepared[]>();
		for (const p of prepared) {
			const key = String(p.body.Campaign);
			if (!byCampaign.has(key)) byCampaign.set(key, []);
			byCampaign.get(key)!.push(p);
		}
		groups.push(...byCampaign.values());
	} else {
		groups.push(prepared);
	}
	const batches: Prepared[][] = [];
	for (const group of groups) {
		for (let k = 0; k < group.length; k += size) batches.push(group.slice(k, k + size));
	}
	return batches;
}

/**
 * AddCall / AddCallsBulk (§13.2, §13.3). Every item is validated first (an invalid item is
 * never sent); valid items are sent in AddCallsBulk batches (or one AddCall each), and each
 * input item gets exactly one output item, paired with it, in input order.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const fail = (index: number, error: unknown, extra: IDataObject = {}) => {
		const nodeError = asNodeError(this, error, index);
		if (!continueOnFail) throw nodeError;
		results[index] = { json: { ...extra, ...errorJson(nodeError) }, pairedItem: { item: index } };
	};

	// 1. Validate every item before any request.
	// Options are node-level (read once, from the first item), like Send in Bulk and Batch Size.
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const allowPastOriginateTime = options.allowPastOriginateTime === true;
	const now = Date.now();
	const prepared: Prepared[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const body = buildTarget(this, i, { allowPastOriginateTime, now });
			prepared.push({ index: i, body });
		} catch (error) {
			fail(i, error);
		}
	}

	const sendInBulk = this.getNodeParameter('sendInBulk', 0, true) as boolean;
	if (!sendInBulk) {
		// 2a. One AddCall per item.
		for (const p of prepared) {
			try {
				const { outcome } = await dialerRequest(this, 'AddCall', p.body, p.index);
				results[p.index] = { json: resultJson(p.body, undefined, outcome), pairedItem: { item: p.index } };
			} catch (error) {
				// Same error item as a per-target failure in bulk mode: Voicenter's code and text included.
				const context = (error as NodeApiError).context ?? {};
				const extra =
					context.voicenterCode !== undefined
						? resultJson(p.body, undefined, {
								ok: false,
								code: context.voicenterCode as number,
								message: String(context.voicenterMessage ?? ''),
							})
						: { Campaign: p.body.Campaign, Target: p.body.Target };
				fail(p.index, error, extra);
			}
		}
		return results.filter((r): r is INodeExecutionData => r !== undefined);
	}

	// 2b. AddCallsBulk batches.
	const batchSize = Math.floor(Number(this.getNodeParameter('batchSize', 0, DEFAULT_BATCH_SIZE)));
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new NodeOperationError(this.getNode(), 'Batch Size must be a whole number above 0');
	}
	const grouping = String(
		(this.getNodeParameter('options', 0, {}) as IDataObject).batchGrouping ?? 'inputOrder',
	);
	for (const batch of makeBatches(prepared, batchSize, grouping)) {
		let body: IDataObject;
		let statusCode: number;
		try {
			({ body, statusCode } = await voicenterApiRequest.call(this, {
				host: 'api',
				path: dialerPath('AddCallsBulk'),
				body: batch.map((p) => p.body),
				envelope: 'dialer',
				itemIndex: batch[0].index,
				operation: 'AddCallsBulk',
				returnErrors: true,
			}));
		} catch (error) {
			// The whole request failed: every item of the batch fails with that error.
			for (const p of batch) fail(p.index, error, { Campaign: p.body.Campaign, Target: p.body.Target });
			continue;
		}
		const top = readOutcome('dialer', body);
		const addResult = (Array.isArray(body.AddResult) ? body.AddResult : []) as IDataObject[];
		const entries = statusCode < 400 ? matchAddResult(batch, addResult) : batch.map(() => undefined);
		const complete = entries.every((e) => e !== undefined);
		for (let k = 0; k < batch.length; k++) {
			const p = batch[k];
			const entry = entries[k];
			if (!complete && (!top.ok || statusCode >= 400)) {
				// Top-level error without a result for every target: the whole batch failed.
				const outcome = top.ok ? { ok: false, code: top.code, message: `HTTP ${statusCode}` } : top;
				fail(
					p.index,
					dialerApiError(
						this,
						'AddCallsBulk',
						outcome,
						body,
						p.index,
						statusCode >= 400 ? statusCode : undefined,
					),
					{
						Campaign: p.body.Campaign,
						Target: p.body.Target,
						...envelopeOf(outcome),
					},
				);
				continue;
			}
			if (!entry) {
				fail(
					p.index,
					new NodeApiError(this.getNode(), body as never, {
						message: `Voicenter: AddCallsBulk returned no result for target ${String(p.body.Target)}`,
						itemIndex: p.index,
					}),
					{ Campaign: p.body.Campaign, Target: p.body.Target },
				);
				continue;
			}
			const outcome = readOutcome('dialer', entry);
			const json = resultJson(p.body, entry, outcome);
			if (outcome.ok) {
				results[p.index] = { json, pairedItem: { item: p.index } };
			} else {
				// A per-target failure is that item's error.
				fail(p.index, dialerApiError(this, 'AddCallsBulk', outcome, entry, p.index), json);
			}
		}
	}
	return results.filter((r): r is INodeExecutionData => r !== undefined);
}
