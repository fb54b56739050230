/** What the three IVR answers share: the layer check, Custom Data and the answer's options. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type Answer = Record<string, unknown>;

/** A layer number (whole, 0 or more); numbers given as text are accepted. */
export function layer(ctx: IExecuteFunctions, name: string, label: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${label} must be a whole layer number, got "${String(value)}"`,
			{
				itemIndex: 0,
				description: `Parameter "${name}"`,
			},
		);
	}
	return n;
}

/** The Custom Data option: a JSON object (or its text); empty → null. */
export function customData(ctx: IExecuteFunctions, value: unknown): IDataObject | null {
	if (value === undefined || value === null || value === '') return null;
	let v = value;
	if (typeof v === 'string') {
		try {
			v = JSON.parse(v);
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'Custom Data must be a JSON object', { itemIndex: 0 });
		}
	}
	if (!v || typeof v !== 'object' || Array.isArray(v))
		throw new NodeOperationError(ctx.getNode(), 'Custom Data must be a JSON object', { itemIndex: 0 });
	return Object.keys(v).length ? (v as IDataObject) : null;
}

/** The IVR answers' Options (one collection for the three answers; each says which it applies to). */
export const ivrOptions: INodeProperties = {
	displayName: 'Options',
	name: 'ivrOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Caller Name',
			name: 'callerName',
			type: 'string',
			default: '',
			description: 'Name shown on the Voicenter extension that rings (Go to Layer and Dial)',
		},
		{
			displayName: 'Custom Data',
			name: 'customData',
			type: 'json',
			default: '{}',
			description:
				'Your own data (a JSON object); Voicenter passes it on to the screen pop and the CDR (Go to Layer and Dial)',
		},
		{
			displayName: 'Next Layer If Playback Fails',
			name: 'nextLayerIfFailed',
			type: 'number',
			default: 0,
			description:
				'Say Digits only: the layer the call goes to when the playback fails (sent as NEXT_LAYER_IF_FAILED; Voicenter documents it only in an example)',
		},
	],
};

/** The Caller Name option, when given. */
export function callerNameOption(options: IDataObject): string | undefined {
	return typeof options.callerName === 'string' && options.callerName !== '' ? options.callerName : undefined;
}
