/** IVR answer "Say Digits" (§8.4, SAY_DIGITS): read out digits, numbers, dates or recordings. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkPlayItem, ISO_DATE } from '../../../shared/ivr';
import type { Answer } from './common';
import { layer } from './common';

export const description: INodeProperties[] = [
	{
		displayName: 'Playback',
		name: 'playback',
		type: 'fixedCollection',
		placeholder: 'Add Playback Item',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		options: [
			{
				displayName: 'Item',
				name: 'item',
				values: [
					{
						displayName: 'Type',
						name: 'recordType',
						type: 'options',
						options: [
							{ name: 'Date (YYYY-MM-DD)', value: 'Date' },
							{ name: 'Date and Time (ISO)', value: 'DateTime' },
							{ name: 'Digits (One by One)', value: 'Digits' },
							{ name: 'Number', value: 'Number' },
							{ name: 'Recording (File Name)', value: 'Recording' },
						],
						default: 'Digits',
					},
					{
						displayName: 'Content',
						name: 'content',
						type: 'string',
						default: '',
						placeholder: 'e.g. 12345 or 2026-01-31',
					},
				],
			},
		],
		description: 'What is read out to the caller, in order. Add at least one item.',
	},
	{
		displayName: 'Next Layer',
		name: 'nextLayer',
		type: 'number',
		required: true,
		default: 1,
		description: 'Layer the call goes to after the playback',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		options: [
			{ name: 'Arabic', value: 'AR' },
			{ name: 'English', value: 'EN' },
			{ name: 'Hebrew', value: 'HE' },
			{ name: 'Russian', value: 'RU' },
		],
		default: 'HE',
	},
];

const ISO_DATE_TIME_LOOSE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/;

/** Content of one playback item, normalised (ISO dates cut to what Voicenter documents). */
function playContent(ctx: IExecuteFunctions, type: string, raw: unknown, index: number): string {
	let content = raw === undefined || raw === null ? '' : String(raw).trim();
	if (type === 'Date') {
		const m = ISO_DATE_TIME_LOOSE.exec(content);
		if (m) content = m[1].slice(0, 10);
	}
	if (type === 'DateTime') {
		const m = ISO_DATE_TIME_LOOSE.exec(content);
		if (m) content = m[1];
		else if (ISO_DATE.test(content)) content = `${content}T00:00:00`;
	}
	const problem = checkPlayItem({ RecordType: type, Content: content }, index);
	if (problem) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Playback item ${index + 1} (${type}): invalid content "${content}"`,
			{
				itemIndex: 0,
				description: problem,
			},
		);
	}
	return content;
}

export function build(ctx: IExecuteFunctions, options: IDataObject): Answer {
	const playback = ctx.getNodeParameter('playback', 0, {}) as {
		item?: Array<{ recordType: string; content: unknown }>;
	};
	const list = playback.item ?? [];
	if (!list.length)
		throw new NodeOperationError(ctx.getNode(), 'Add at least one playback item', { itemIndex: 0 });
	const answer: Answer = {
		STATUS: 0,
		ACTION: 'SAY_DIGITS',
		NEXT_LAYER: layer(ctx, 'nextLayer', 'Next Layer', ctx.getNodeParameter('nextLayer', 0)),
	};
	if (options.nextLayerIfFailed !== undefined)
		answer.NEXT_LAYER_IF_FAILED = layer(
			ctx,
			'nextLayerIfFailed',
			'Next Layer If Playback Fails',
			options.nextLayerIfFailed,
		);
	answer.LANGUAGE = ctx.getNodeParameter('language', 0, 'HE') as string;
	answer.DATA = list.map((p, i) => ({
		RecordType: p.recordType,
		Content: playContent(ctx, p.recordType, p.content, i),
	}));
	return answer;
}
