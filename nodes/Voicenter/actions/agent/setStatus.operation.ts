/**
 * Agent → Set Status: `UserLogin/SetStatusFromAPI` on the API host (api.voicenter.com),
 * POST-JSON `{Code, UserId, ExtensionUser, Status}` (the credential adds `Code`). The answer
 * `{Status, StatusError, StatusErroMessage}` (sic) is success only when both are 1:
 *  - Status: 1 success, 2 invalid Code or UserId, 3 invalid extension (also "Extension is
 *    already in use": another user is logged into it), 4 status not supported;
 *  - StatusError: 0 request format error, 1 success, 4 internal error, 6 missing parameters.
 * Not documented in the source documents; taken from Voicenter's current API notes
 * (README "Agent status").
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { requiredString, runPerItem } from '../../../shared/execute';
import { voicenterApiRequest } from '../../../shared/transport';

export const SET_STATUS_PATH = '/UserLogin/SetStatusFromAPI';

/** The documented status codes; accounts may rename them in CPanel. */
export const AGENT_STATUSES: Array<{ code: number; name: string; aliases: string[] }> = [
	{ code: 1, name: 'Login', aliases: ['log in', 'logged in', 'available', 'online'] },
	{ code: 2, name: 'Logout', aliases: ['log out', 'logged out', 'offline'] },
	{ code: 3, name: 'Lunch', aliases: ['lunch break'] },
	{ code: 5, name: 'Administrative', aliases: ['administrative time', 'admin'] },
	{ code: 7, name: 'Private', aliases: ['short break', 'break'] },
	{ code: 9, name: 'Other', aliases: [] },
	{ code: 11, name: 'Training', aliases: [] },
	{ code: 12, name: 'Team Meeting', aliases: ['group meeting', 'meeting'] },
	{ code: 13, name: 'Brief', aliases: ['briefing'] },
];

const properties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 46454322',
		description: "The agent's Voicenter user ID (Active Calls' userID / onlineUserID)",
	},
	{
		displayName: 'Extension Name or ID',
		name: 'extension',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getExtensions' },
		required: true,
		default: '',
		description:
			'The extension (SIP code) the agent logs into or out of. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		required: true,
		default: 1,
		options: [
			{ name: 'Administrative (5)', value: 5 },
			{ name: 'Brief (13)', value: 13 },
			{ name: 'Login (1)', value: 1, description: 'Log the agent into the extension' },
			{ name: 'Logout (2)', value: 2, description: 'Log the agent out of the extension' },
			{ name: 'Lunch (3)', value: 3 },
			{ name: 'Other (9)', value: 9 },
			{ name: 'Private / Short Break (7)', value: 7 },
			{ name: 'Team Meeting (12)', value: 12 },
			{ name: 'Training (11)', value: 11 },
		],
		description:
			'The new status. An expression may give the code (e.g. 3) or the name (e.g. "Lunch"). Accounts can rename the statuses in CPanel; the codes stay.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['setStatus'] } },
	properties,
);

/** Reads a status given as a code (number or numeric text) or a documented name. */
export function parseStatus(value: unknown): number | undefined {
	if (typeof value === 'number') return AGENT_STATUSES.some((s) => s.code === value) ? value : undefined;
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	if (/^\d+$/.test(text)) return parseStatus(Number(text));
	const name = text.replace(/\s*\(\d+\)$/, '').replace(/[_-]+/g, ' ');
	return AGENT_STATUSES.find((s) => s.name.toLowerCase() === name || s.aliases.includes(name))?.code;
}

function statusName(code: number): string {
	return AGENT_STATUSES.find((s) => s.code === code)?.name ?? String(code);
}

function apiError(
	ctx: IExecuteFunctions,
	body: IDataObject,
	i: number,
	message: string,
	description: string,
): NodeApiError {
	const error = new NodeApiError(ctx.getNode(), body as JsonObject, { message, description, itemIndex: i });
	error.context.voicenterCode = Number(body.Status);
	error.context.voicenterStatusError = Number(body.StatusError);
	error.context.voicenterMessage = String(body.StatusErroMessage ?? '');
	return error;
}

/** Maps a SetStatusFromAPI answer that is not a success to a clear error. */
export function statusAnswerError(
	ctx: IExecuteFunctions,
	body: IDataObject,
	i: number,
	request: { userId: number; extension: string; status: number },
): NodeApiError | undefined {
	const status = Number(body.Status);
	const statusError = Number(body.StatusError);
	const text = String(body.StatusErroMessage ?? '').trim();
	if (status === 1 && statusError === 1) return undefined;
	const codes = `(Status ${Number.isNaN(status) ? '?' : status}, StatusError ${Number.isNaN(statusError) ? '?' : statusError})`;
	const said = text ? `Voicenter: ${text} ${codes}` : `Voicenter rejected the status change ${codes}`;
	if (/already in use/i.test(text))
		return apiError(
			ctx,
			body,
			i,
			`Extension ${request.extension} is already in use: another user is logged into it`,
			`${said}. Log that user out of ${request.extension} first (status Logout), or choose another extension.`,
		);
	if (statusError === 0)
		return apiError(ctx, body, i, said, 'Voicenter could not read the request (request format error).');
	if (statusError === 6)
		return apiError(ctx, body, i, said, 'Voicenter reports missing parameters (Code, UserId, ExtensionUser, Status).');
	if (statusError === 4)
		return apiError(ctx, body, i, said, 'Voicenter had an internal error updating the status; try again.');
	if (status === 2)
		return apiError(
			ctx,
			body,
			i,
			said,
			`The account code or the user ID ${request.userId} is not valid for this account.`,
		);
	if (status === 3)
		return apiError(ctx, body, i, said, `Voicenter found no extension ${request.extension} (give its SIP code).`);
	if (status === 4)
		return apiError(
			ctx,
			body,
			i,
			said,
			`The status ${request.status} (${statusName(request.status)}) is not enabled for this account.`,
		);
	return apiError(ctx, body, i, said, 'Unexpected answer from SetStatusFromAPI.');
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runPerItem.call(this, items, async (i) => {
		const node = this.getNode();
		const userText = requiredString(this, 'userId', 'User ID', i);
		if (!/^\d+$/.test(userText))
			throw new NodeOperationError(node, `User ID "${userText}" is not a Voicenter user ID (a number) (item ${i})`, {
				itemIndex: i,
			});
		const userId = Number(userText);
		const extension = validatePhone(node, i, 'Extension', requiredString(this, 'extension', 'Extension', i), {
			allowExtension: true,
		});
		const rawStatus = this.getNodeParameter('status', i, '') as unknown;
		const status = parseStatus(rawStatus);
		if (status === undefined)
			throw new NodeOperationError(
				node,
				`Status "${String(rawStatus)}" is not a documented agent status (item ${i})`,
				{
					itemIndex: i,
					description: `Use one of: ${AGENT_STATUSES.map((s) => `${s.code} ${s.name}`).join(', ')}`,
				},
			);
		const { body } = await voicenterApiRequest.call(this, {
			host: 'api',
			path: SET_STATUS_PATH,
			body: { UserId: userId, ExtensionUser: extension, Status: status },
			itemIndex: i,
			operation: "setting the agent's status",
		});
		const error = statusAnswerError(this, body, i, { userId, extension, status });
		if (error) throw error;
		return {
			userId,
			extension,
			agentStatus: status,
			agentStatusName: statusName(status),
			Status: Number(body.Status),
			StatusError: Number(body.StatusError),
			StatusErroMessage: String(body.StatusErroMessage ?? ''),
		};
	});
}
