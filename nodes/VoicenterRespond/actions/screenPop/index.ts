/** Screen Pop answers (Pop Up Screen, §5.2): tell the agent's Chrome extension who is calling. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

type Answer = Record<string, unknown>;

const found = { show: { respondTo: ['screenPop'], contactFound: [true] } };

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { respondTo: ['screenPop'] } }, [
		{
			displayName: 'Contact Found',
			name: 'contactFound',
			type: 'boolean',
			default: true,
			description:
				'Whether the caller was found; if not, the "unknown caller" answer (STATUS OK, TOTAL 0) is sent',
		},
	]),
	...updateDisplayOptions(found, [
		{
			displayName: 'Client Name',
			name: 'clientName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Dana Levi',
		},
		{
			displayName: 'Customer Card URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://crm.example.com/contacts/42',
		},
		{
			displayName: 'Company',
			name: 'company',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Total Matches',
			name: 'total',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
		},
	]),
	...updateDisplayOptions({ show: { respondTo: ['screenPop'] } }, [
		{
			displayName:
				"The browser's CORS headers are set by the Screen Pop Trigger: its Allowed Origins (CORS) setting applies to every answer, this node's included",
			name: 'corsNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Allowed Origin (CORS)',
			name: 'allowedOrigin',
			type: 'string',
			default: '*',
			description:
				"Access-Control-Allow-Origin of this answer when no Screen Pop Trigger sets one. Behind the Screen Pop Trigger, the trigger's Allowed Origins (CORS) setting replaces it.",
		},
	]),
];

/** The first item's screen-pop answer and its headers. */
export function buildScreenPop(ctx: IExecuteFunctions): { body: Answer; headers: IDataObject } {
	const headers = {
		'access-control-allow-origin': (ctx.getNodeParameter('allowedOrigin', 0, '*') as string) || '*',
	};
	if (!(ctx.getNodeParameter('contactFound', 0, true) as boolean))
		return { body: { STATUS: 'OK', TOTAL: 0 }, headers };
	const total = ctx.getNodeParameter('total', 0, 1) as number;
	if (!Number.isSafeInteger(total) || total < 1)
		throw new NodeOperationError(ctx.getNode(), 'Total Matches must be a whole number of at least 1', {
			itemIndex: 0,
		});
	const answer: Answer = { STATUS: 'OK' };
	const url = String(ctx.getNodeParameter('url', 0, '') ?? '').trim();
	if (url) {
		if (!/^https?:\/\/[^\s]+$/i.test(url))
			throw new NodeOperationError(ctx.getNode(), `Customer Card URL must be an http(s) URL, got "${url}"`, {
				itemIndex: 0,
			});
		answer.URL = url;
	}
	const name = String(ctx.getNodeParameter('clientName', 0, '') ?? '').trim();
	if (name) answer.CLIENTNAME = name;
	answer.TOTAL = total;
	const company = String(ctx.getNodeParameter('company', 0, '') ?? '').trim();
	if (company) answer.COMPANY = company;
	return { body: answer, headers };
}
