/**
 * IVR answers (External Layer API, §8): route the caller. Each answer kind is a module with
 * its fields and its builder, like the action node's operations.
 */
import type { IExecuteFunctions, INodeProperties, IDataObject } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validateIvrAnswer } from '../../../shared/ivr';
import type { Answer } from './common';
import { ivrOptions } from './common';
import * as dial from './dial';
import * as goToLayer from './goToLayer';
import * as sayDigits from './sayDigits';

const answers: Record<string, { build: (ctx: IExecuteFunctions, options: IDataObject) => Answer }> = {
	goToLayer,
	sayDigits,
	dial,
};

const ivr = { show: { respondTo: ['ivr'] } };
const forAction = (action: string) => ({ show: { respondTo: ['ivr'], action: [action] } });

export const description: INodeProperties[] = [
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		noDataExpression: true,
		displayOptions: ivr,
		options: [
			{
				name: 'Go to Layer',
				value: 'goToLayer',
				description: 'Send the caller to another layer of your IVR',
				action: 'Send the caller to a layer',
			},
			{
				name: 'Say Digits',
				value: 'sayDigits',
				description: 'Read out digits, a number or a date (or play a recording), then go on to a layer',
				action: 'Read out digits to the caller',
			},
			{
				name: 'Dial',
				value: 'dial',
				description: 'Forward the call to phone numbers or extensions',
				action: 'Forward the call',
			},
		],
		default: 'goToLayer',
	},
	...updateDisplayOptions(forAction('goToLayer'), goToLayer.description),
	...updateDisplayOptions(forAction('sayDigits'), sayDigits.description),
	...updateDisplayOptions(forAction('dial'), dial.description),
	{ ...ivrOptions, displayOptions: ivr },
];

/** The IVR answer of the first item, checked against the documented schema before it is sent. */
export function buildIvrAnswer(ctx: IExecuteFunctions): Answer {
	const action = ctx.getNodeParameter('action', 0) as string;
	const options = ctx.getNodeParameter('ivrOptions', 0, {}) as IDataObject;
	const kind = answers[action];
	if (!kind) throw new NodeOperationError(ctx.getNode(), `Unknown action "${action}"`, { itemIndex: 0 });
	const body = kind.build(ctx, options);
	const problems = validateIvrAnswer(body);
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `Invalid IVR answer: ${problems[0]}`, {
			itemIndex: 0,
			description: problems.join('; '),
		});
	}
	return body;
}
