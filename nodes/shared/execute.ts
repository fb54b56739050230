/**
 * Item loop shared by every operation: validates and runs each item, keeps `pairedItem`,
 * and honours continueOnFail (a failing item becomes an error item; the others still run).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type ItemResult = IDataObject | IDataObject[];

/** The json of an error item produced under continueOnFail. */
export function errorJson(error: unknown): IDataObject {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.errorDescription = error.description;
		const ctx = (error as NodeApiError).context ?? {};
		if (ctx.voicenterCode !== undefined) json.voicenterCode = ctx.voicenterCode as number;
		if (ctx.voicenterMessage !== undefined) json.voicenterMessage = ctx.voicenterMessage as string;
		if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	}
	return json;
}

/** Wraps unknown errors so that what leaves an operation is always a NodeApiError/NodeOperationError. */
export function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeApiError(
		ctx.getNode(),
		{ message: error instanceof Error ? error.message : String(error) } as JsonObject,
		{
			itemIndex,
		},
	);
}

export function toItems(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

export async function runPerItem(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	handler: (itemIndex: number) => Promise<ItemResult>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			out.push(...toItems(await handler(i), i));
		} catch (error) {
			if (this.continueOnFail()) {
				out.push({ json: errorJson(error), pairedItem: { item: i } });
				continue;
			}
			throw asNodeError(this, error, i);
		}
	}
	return out;
}

/** Reads a required string parameter and fails with a clear message when it is empty. */
export function requiredString(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (text === '') {
		throw new NodeOperationError(ctx.getNode(), `${label} is required (item ${itemIndex})`, { itemIndex });
	}
	return text;
}
