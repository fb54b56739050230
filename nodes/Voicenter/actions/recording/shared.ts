/**
 * Recording → Mute / Unmute (§10, MuteUnmuteCalls). Two documented shapes:
 *  - by extension: { extension, state } — the table says state "0" = mute, "1" = unmute;
 *  - by call: { ivrid, mute } — the names come from the documented error text; the values
 *    of `mute` are not documented, "1" = mute is the natural reading (inferred).
 * Because the documents conflict, both the values and the by-call parameter names are
 * options. No authentication is documented for this endpoint, so the account code is not
 * sent unless the "Send Account Code" option is on.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { requiredString, runPerItem } from '../../../shared/execute';
import { CREDENTIAL_NAME, voicenterApiRequest } from '../../../shared/transport';
import type { NextSteps } from '../../helpers/nextSteps';
import { withNextSteps } from '../../helpers/nextSteps';

/** MuteUnmuteCalls answers 400 for every error (§10.3): the message tells them apart. */
const MUTE_NEXT_STEPS: NextSteps = (_code, message) => {
	if (/extension not found/i.test(message))
		return 'Pick the extension from the list: it must be an extension of this account';
	if (/uniqueivrid not found/i.test(message))
		return 'The call has ended or the IVR ID is wrong: take the ivrid of a live call (Active Call → Get Extension Calls, or the Realtime Trigger)';
	if (/parameters are not valid/i.test(message))
		return 'Switch the option By-Call Parameter Names to the other form and try again';
	return undefined;
};

export const MUTE_PATH = '/Comet/API/MuteUnmuteCalls';

export function recordingProperties(operation: 'mute' | 'unmute'): INodeProperties[] {
	const verb = operation === 'mute' ? 'Mute' : 'Unmute';
	return [
		{
			displayName: `${verb} By`,
			name: 'by',
			type: 'options',
			default: 'extension',
			options: [
				{
					name: 'Extension',
					value: 'extension',
					description: 'All calls of the extension active at the moment of the request',
				},
				{ name: 'Call', value: 'call', description: 'One specific call, by its IVR ID' },
			],
		},
		{
			displayName: 'Extension Name or ID',
			name: 'extension',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getExtensions' },
			required: true,
			default: '',
			displayOptions: { show: { by: ['extension'] } },
			description:
				'Extension whose active calls are affected. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Call IVR ID',
			name: 'ivrid',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { by: ['call'] } },
			placeholder: 'e.g. 2020101201cc7b38df',
			description: 'Unique call ID (the `ivrid` of Active Calls, or the Real Time API)',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'By-Call Parameter Names',
					name: 'callShape',
					type: 'options',
					default: 'ivridMute',
					options: [
						{
							name: 'Ivrid + Mute (Documented Error Text)',
							value: 'ivridMute',
						},
						{
							name: 'Ivrid + State (As by Extension)',
							value: 'ivridState',
						},
					],
					description:
						'The by-call request is documented two ways. "ivrid + mute" is the most plausible; "ivrid + state" sends the by-extension value field instead.',
				},
				{
					displayName: 'Send Account Code',
					name: 'sendCode',
					type: 'boolean',
					default: false,
					description:
						'Whether to add the account code (as `code`) to the body. The endpoint documents no authentication.',
				},
				{
					displayName: 'Value Convention',
					name: 'convention',
					type: 'options',
					default: 'documented',
					options: [
						{
							name: 'As Documented (State 0 = Mute, Mute 1 = Mute)',
							value: 'documented',
						},
						{
							name: 'Inverted State (State 1 = Mute, Mute 1 = Mute)',
							value: 'invertedState',
						},
					],
					description:
						'The documents conflict on the meaning of `state`. Switch if your account mutes on "1".',
				},
			],
		},
	];
}

export async function executeRecording(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	mute: boolean,
): Promise<INodeExecutionData[]> {
	let code: string | undefined;
	return await runPerItem.call(this, items, async (i) => {
		const node = this.getNode();
		const by = this.getNodeParameter('by', i, 'extension') as string;
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const convention = String(options.convention ?? 'documented');
		const stateValue = convention === 'invertedState' ? (mute ? '1' : '0') : mute ? '0' : '1';
		const muteValue = mute ? '1' : '0';
		const body: IDataObject = {};
		const out: IDataObject = { muted: mute };
		if (by === 'extension') {
			const extension = validatePhone(
				node,
				i,
				'Extension',
				requiredString(this, 'extension', 'Extension', i),
				{ allowExtension: true },
			);
			body.extension = extension;
			body.state = stateValue;
			out.extension = extension;
		} else if (by === 'call') {
			const ivrid = requiredString(this, 'ivrid', 'Call IVR ID', i);
			if (!/^[A-Za-z0-9_.-]+$/.test(ivrid))
				throw new NodeOperationError(node, `Call IVR ID "${ivrid}" is not a call ID (item ${i})`, {
					itemIndex: i,
				});
			body.ivrid = ivrid;
			if (String(options.callShape ?? 'ivridMute') === 'ivridState') body.state = stateValue;
			else body.mute = muteValue;
			out.ivrid = ivrid;
		} else {
			throw new NodeOperationError(node, `Unknown "${by}" for ${mute ? 'Mute' : 'Unmute'} By (item ${i})`, {
				itemIndex: i,
			});
		}
		if (options.sendCode === true) {
			code ??= String((await this.getCredentials(CREDENTIAL_NAME)).accountCodeSecret ?? '');
			body.code = code;
		}
		const { body: response } = await withNextSteps(
			MUTE_NEXT_STEPS,
			async () =>
				await voicenterApiRequest.call(this, {
					host: 'monapisec',
					path: MUTE_PATH,
					body,
					envelope: 'mute',
					itemIndex: i,
					operation: mute ? 'muting the recording' : 'unmuting the recording',
				}),
		);
		return {
			...out,
			ActionID: String(response.ActionID ?? ''),
			ErrorCode: Number(response.ErrorCode),
			Message: String(response.Message ?? ''),
		};
	});
}
