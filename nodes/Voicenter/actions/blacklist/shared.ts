/**
 * Blacklist Add / Remove (§9). All input items are batched into one request (or chunks of a
 * configurable size); Voicenter answers one result per phone, with the number normalised
 * (0501234567 → 972501234567). Results are matched back to the items by position, checked
 * against the normalised number, so every item gets its own result or its own error.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readOutcome, voicenterApiError } from '../../../shared/errors';
import { normalizePhone, toInternational, validatePhone } from '../../../shared/phone';
import { asNodeError, errorJson } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';
import { addNextStep, CHECK_ACCOUNT_CODE, TRY_AGAIN_THEN_SUPPORT } from '../../helpers/nextSteps';

/** The request's ErrorCode (§9) → what to do next. */
const BLACKLIST_NEXT_STEPS = {
	1: CHECK_ACCOUNT_CODE,
	2: 'Give at least one phone number',
};

/** A number's own ErrorCode (§9) → what to do next. */
const NUMBER_NEXT_STEPS = {
	1: 'Write the number in international form, e.g. 972501234567',
	2: TRY_AGAIN_THEN_SUPPORT,
};

export const DEFAULT_BATCH_SIZE = 100;

export function phoneProperty(action: string): INodeProperties {
	return {
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0501234567',
		description: `Number to ${action}, in E.164 without + (972501234567) or Israeli local format (0501234567). Several numbers can be separated by commas, or given as an array by an expression.`,
	};
}

export function batchOptions(): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_BATCH_SIZE,
				description:
					'How many numbers to send per request. All input items are sent together in requests of at most this many numbers (Voicenter documents no maximum).',
			},
		],
	};
}

interface Entry {
	itemIndex: number;
	phone: string;
	/** The number as Voicenter answers it (972… for Israeli local numbers). */
	expected: string;
	name?: string;
}

function phonesOf(ctx: IExecuteFunctions, i: number): string[] {
	const raw = ctx.getNodeParameter('phone', i, '') as unknown;
	const list = Array.isArray(raw) ? raw : String(raw ?? '').split(/[,;\n]/);
	const phones = list
		.map((p) => (p === null || p === undefined ? '' : String(p).trim()))
		.filter((p) => p !== '');
	if (phones.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Phone is required (item ${i})`, { itemIndex: i });
	}
	return phones.map((p) => validatePhone(ctx.getNode(), i, 'Phone', p));
}

export async function executeBlacklist(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	mode: 'add' | 'remove',
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const path = mode === 'add' ? '/Blacklist/AddBlackList' : '/Blacklist/RemoveBulkFromBlacklist';
	const operation = mode === 'add' ? 'adding to the blacklist' : 'removing from the blacklist';
	// Results per item, filled in as requests complete; an Error marks a failed item.
	const results: Array<IDataObject[] | Error | undefined> = new Array(items.length);
	const entries: Entry[] = [];

	const fail = (i: number, error: Error) => {
		if (!this.continueOnFail()) throw asNodeError(this, error, i);
		results[i] = error;
	};

	// 1. Validate every item before any request.
	for (let i = 0; i < items.length; i++) {
		try {
			const phones = phonesOf(this, i);
			let name: string | undefined;
			if (mode === 'add') {
				const n = this.getNodeParameter('name', i, '') as unknown;
				name = n === undefined || n === null || String(n).trim() === '' ? undefined : String(n).trim();
			}
			for (const phone of phones)
				entries.push({ itemIndex: i, phone, expected: toInternational(phone) ?? phone, name });
			results[i] = [];
		} catch (error) {
			fail(i, error as Error);
		}
	}

	// 2. Send the valid numbers in chunks.
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const size = Math.max(1, Math.floor(Number(options.batchSize ?? DEFAULT_BATCH_SIZE)) || DEFAULT_BATCH_SIZE);
	for (let start = 0; start < entries.length; start += size) {
		const chunk = entries.slice(start, start + size).filter((e) => !(results[e.itemIndex] instanceof Error));
		if (chunk.length === 0) continue;
		const Phones = chunk.map((e) =>
			e.name !== undefined ? { Phone: e.phone, Name: e.name } : { Phone: e.phone },
		);
		let body: IDataObject;
		try {
			({ body } = await voicenterApiRequest.call(this, {
				host: 'api',
				path,
				body: { Phones },
				envelope: 'blacklist',
				itemIndex: chunk[0].itemIndex,
				operation,
			}));
		} catch (error) {
			// A request-level error (bad code, missing phones, network) fails every item in the chunk.
			for (const e of chunk) {
				if (results[e.itemIndex] instanceof Error) continue;
				const copy =
					error instanceof NodeApiError ? addNextStep(error, BLACKLIST_NEXT_STEPS) : (error as Error);
				if (copy instanceof NodeApiError) copy.context.itemIndex = e.itemIndex;
				fail(e.itemIndex, copy);
			}
			continue;
		}
		const answers = (Array.isArray(body.Phones) ? body.Phones : []) as IDataObject[];
		const used = new Set<number>();
		chunk.forEach((e, k) => {
			if (results[e.itemIndex] instanceof Error) return;
			// Match by position when the number agrees, otherwise by normalised number.
			let idx = -1;
			const atPosition = answers[k];
			if (atPosition && !used.has(k) && sameNumber(atPosition.Phone, e)) idx = k;
			if (idx < 0) idx = answers.findIndex((a, j) => !used.has(j) && sameNumber(a.Phone, e));
			if (idx < 0 && answers.length === chunk.length && atPosition && !used.has(k)) idx = k;
			if (idx < 0) {
				fail(
					e.itemIndex,
					new NodeApiError(node, body as never, {
						message: `Voicenter returned no result for ${e.phone}`,
						itemIndex: e.itemIndex,
					}),
				);
				return;
			}
			used.add(idx);
			const answer = answers[idx];
			const outcome = readOutcome('blacklist', answer);
			if (!outcome.ok) {
				const err = addNextStep(
					voicenterApiError(node, 'blacklist', outcome, answer, {
						itemIndex: e.itemIndex,
						operation: `${operation} ${e.phone}`,
					}),
					NUMBER_NEXT_STEPS,
				);
				err.context.phone = String(answer.Phone ?? e.phone);
				fail(e.itemIndex, err);
				return;
			}
			const json: IDataObject = {
				Phone: String(answer.Phone ?? e.expected),
				ErrorCode: outcome.code ?? 0,
				ErrorMessage: outcome.message,
			};
			if (e.name !== undefined) json.Name = e.name;
			(results[e.itemIndex] as IDataObject[]).push(json);
		});
	}

	// 3. Output in input order, paired with the item.
	const out: INodeExecutionData[] = [];
	results.forEach((r, i) => {
		if (r instanceof Error) {
			const json = errorJson(r);
			const phone = (r as NodeApiError).context?.phone;
			if (phone !== undefined) json.Phone = phone as string;
			out.push({ json, pairedItem: { item: i } });
		} else if (r) {
			for (const json of r) out.push({ json, pairedItem: { item: i } });
		}
	});
	return out;
}

function sameNumber(answered: unknown, e: Entry): boolean {
	if (answered === undefined || answered === null) return false;
	const a = String(answered);
	if (a === e.phone || a === e.expected) return true;
	const n = normalizePhone(a);
	return n !== undefined && toInternational(n.value) === e.expected;
}
