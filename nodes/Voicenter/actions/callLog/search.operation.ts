/**
 * Call Log → Search (§7). Return All gets every CDR of any range with the fewest requests:
 * the API caps a response at 10,000 rows and documents no paging, so the node sorts by date
 * and, while TOTAL_HITS says more rows remain, asks again from the last row's second
 * (ascending; to it, when descending), skipping the rows of that boundary second it already
 * has. Requests are throttled to the documented 30 per minute, and the documented
 * "Request limit exceeded" (403, ERROR_NUMBER 1) is waited out and retried.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validatePhone } from '../../../shared/phone';
import { runPerItem } from '../../../shared/execute';
import { pause, voicenterApiRequest } from '../../../shared/transport';
import { CALL_TYPES, CDR_FIELDS, CDR_FIELD_OPTIONS, cdrEpochSeconds, toApiDate, toEpochMs } from './fields';

export const CALL_LOG_PATH = '/hub/cdr';
/** Documented cap of one Call Log response (§7). */
export const MAX_ROWS_PER_REQUEST = 10_000;

const properties: INodeProperties[] = [
	{
		displayName: 'From Date',
		name: 'fromDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: "Start of the range (in the workflow's time zone; sent to Voicenter in GMT+0)",
	},
	{
		displayName: 'To Date',
		name: 'toDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: "End of the range (in the workflow's time zone; sent to Voicenter in GMT+0)",
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Fields to Return',
		name: 'fields',
		type: 'multiOptions',
		options: CDR_FIELD_OPTIONS,
		// Literal list (the lint checks it): every field of §7.2, as CDR_FIELDS.
		default: [
			'CallerNumber',
			'TargetNumber',
			'Date',
			'DateEpoch',
			'Duration',
			'CallID',
			'Type',
			'CdrType',
			'DialStatus',
			'TargetExtension',
			'CallerExtension',
			'DID',
			'QueueName',
			'RecordURL',
			'RecordExpect',
			'RingTime',
			'Price',
			'RepresentativeName',
			'RepresentativeCode',
			'UserName',
			'DepartmentName',
			'DepartmentId',
			'TargetPrefixName',
			'DTMFData',
			'CustomData',
		],
		description: 'CDR fields Voicenter returns for each call (default: all)',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Call ID',
				name: 'CallID',
				type: 'string',
				default: '',
				description: 'Search for one specific call',
			},
			{
				displayName: 'Call Type Names or IDs',
				name: 'cdrTypes',
				type: 'multiOptions',
				options: CALL_TYPES,
				default: [],
				description: 'Only calls of these types (sent as their numeric IDs)',
			},
			{
				displayName: 'Extension Names or IDs',
				name: 'extensions',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getExtensions' },
				default: [],
				description:
					'Only calls of these extensions. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Identity Criteria',
				name: 'IdentityCriteria',
				type: 'options',
				default: 'Account',
				options: [
					{ name: 'Account', value: 'Account', description: 'The whole account of the code' },
					{ name: 'Department', value: 'Department', description: 'Only that specific account' },
					{
						name: 'Hierarchical',
						value: 'Hierarchical',
						description: 'The account and all accounts under it',
					},
					{ name: 'User', value: 'User', description: "Only one user's calls" },
				],
				description: 'Search scope',
			},
			{
				displayName: 'Phones',
				name: 'phones',
				type: 'string',
				default: '',
				placeholder: 'e.g. 972501234567, 0722776772',
				description: 'Only calls from or to these numbers (comma-separated, or an array by expression)',
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'collection',
		placeholder: 'Add Sort Option',
		default: {},
		options: [
			{
				displayName: 'Sort By',
				name: 'field',
				type: 'options',
				options: CDR_FIELD_OPTIONS.filter(
					(o) => !['DTMFData', 'CustomData', 'DateEpoch'].includes(String(o.value)),
				),
				default: 'Date',
			},
			{
				displayName: 'Order',
				name: 'order',
				type: 'options',
				options: [
					{ name: 'Ascending', value: 'asc' },
					{ name: 'Descending', value: 'desc' },
				],
				default: 'asc',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Requests per Window',
				name: 'maxRequestsPerWindow',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description:
					'Throttle: at most this many Call Log requests per rate-limit window (Voicenter allows 30 per minute)',
			},
			{
				displayName: 'Rate Limit Retries',
				name: 'rateLimitRetries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3,
				description: 'How often to wait and retry when Voicenter answers "Request limit exceeded"',
			},
			{
				displayName: 'Rate Limit Window (Seconds)',
				name: 'rateLimitWindowSeconds',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 3 },
				default: 60,
				description:
					'Length of the rate-limit window; also how long to wait before retrying after "Request limit exceeded"',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callLog'], operation: ['search'] } },
	properties,
);

/** Sliding-window throttle shared by every request of one execution. */
class Throttle {
	private sent: number[] = [];

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly max: number,
		private readonly windowMs: number,
	) {}

	async wait(): Promise<void> {
		for (;;) {
			const now = Date.now();
			this.sent = this.sent.filter((t) => now - t < this.windowMs);
			if (this.sent.length < this.max) {
				this.sent.push(now);
				return;
			}
			await pause(this.ctx, this.sent[0] + this.windowMs - now + 1);
		}
	}

	/** Dates the last request by its answer: the server counts it on arrival, which is later than our send time. */
	done(): void {
		if (this.sent.length) this.sent[this.sent.length - 1] = Date.now();
	}
}

function listParam(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(/[,;\n]/);
	return list.map((v) => (v === null || v === undefined ? '' : String(v).trim())).filter((v) => v !== '');
}

function rowKey(row: IDataObject): string {
	return row.CallID !== undefined && row.CallID !== '' ? String(row.CallID) : JSON.stringify(row);
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	let throttle: Throttle | undefined;
	return await runPerItem.call(this, items, async (i) => {
		// ---- validate everything before any request ----
		const timeZone = this.getTimezone();
		const fromMs = toEpochMs(this.getNodeParameter('fromDate', i, '') as unknown, timeZone);
		const toMs = toEpochMs(this.getNodeParameter('toDate', i, '') as unknown, timeZone);
		if (fromMs === undefined)
			throw new NodeOperationError(node, `From Date is missing or not a date (item ${i})`, { itemIndex: i });
		if (toMs === undefined)
			throw new NodeOperationError(node, `To Date is missing or not a date (item ${i})`, { itemIndex: i });
		if (fromMs > toMs)
			throw new NodeOperationError(node, `From Date is after To Date (item ${i})`, { itemIndex: i });
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = returnAll ? Infinity : Math.floor(Number(this.getNodeParameter('limit', i, 50)));
		if (!returnAll && (!Number.isFinite(limit) || limit < 1))
			throw new NodeOperationError(node, `Limit must be 1 or more (item ${i})`, { itemIndex: i });

		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const search: IDataObject = { fromdate: toApiDate(fromMs), todate: toApiDate(toMs) };
		const phones = listParam(filters.phones).map((p) => validatePhone(node, i, 'Phones', p));
		if (phones.length) search.phones = phones;
		const extensions = listParam(filters.extensions).map((e) =>
			validatePhone(node, i, 'Extensions', e, { allowExtension: true }),
		);
		if (extensions.length) search.extensions = extensions;
		if (filters.IdentityCriteria) search.IdentityCriteria = String(filters.IdentityCriteria);
		if (filters.CallID !== undefined && String(filters.CallID).trim() !== '')
			search.CallID = String(filters.CallID).trim();
		const cdrTypes = (Array.isArray(filters.cdrTypes) ? filters.cdrTypes : []).map(Number);
		if (cdrTypes.some((t) => !Number.isInteger(t)))
			throw new NodeOperationError(node, `Call Types must be call type IDs (item ${i})`, { itemIndex: i });
		if (cdrTypes.length) search.cdrTypes = cdrTypes;

		let fields = listParam(this.getNodeParameter('fields', i, CDR_FIELDS));
		if (fields.length === 0) fields = [...CDR_FIELDS];
		const unknown = fields.filter((f) => !CDR_FIELDS.includes(f));
		if (unknown.length)
			throw new NodeOperationError(node, `Unknown field "${unknown[0]}" in Fields to Return (item ${i})`, {
				itemIndex: i,
			});
		const sort = this.getNodeParameter('sort', i, {}) as IDataObject;
		const sortField = String(sort.field ?? 'Date');
		const order = String(sort.order ?? 'asc') === 'desc' ? 'desc' : 'asc';

		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const windowMs = Math.max(0, Number(options.rateLimitWindowSeconds ?? 60) * 1000);
		throttle ??= new Throttle(this, Math.max(1, Number(options.maxRequestsPerWindow ?? 30)), windowMs);
		const retries = Math.max(0, Math.floor(Number(options.rateLimitRetries ?? 3)));

		const request = async (searchBody: IDataObject, requestFields: string[], sortBody: IDataObject[]) => {
			await throttle!.wait();
			let body: IDataObject;
			try {
				({ body } = await voicenterApiRequest.call(this, {
					host: 'api',
					path: CALL_LOG_PATH,
					body: { fields: requestFields, search: searchBody, sort: sortBody },
					envelope: 'callLog',
					itemIndex: i,
					operation: 'the Call Log search',
					rateLimitRetries: retries,
					rateLimitWaitMs: windowMs,
				}));
			} finally {
				throttle!.done();
			}
			const rows = (Array.isArray(body.CDR_LIST) ? body.CDR_LIST : []) as IDataObject[];
			const total = Number(body.TOTAL_HITS ?? rows.length);
			const returned = Number(body.RETURN_HITS ?? rows.length);
			return { rows, total, returned };
		};

		const shape = (row: IDataObject): IDataObject => {
			const out: IDataObject = {};
			for (const f of fields) {
				if (!(f in row)) continue;
				if (f === 'Date') {
					const sec = cdrEpochSeconds(row);
					out.Date = sec === undefined ? row.Date : new Date(sec * 1000).toISOString();
				} else out[f] = row[f];
			}
			return out;
		};

		// One request answers it all when the server can sort and cap for us.
		if (sortField !== 'Date' && limit <= MAX_ROWS_PER_REQUEST) {
			const { rows } = await request(search, fields, [{ field: sortField, order }]);
			return rows.slice(0, limit).map(shape);
		}

		// Date-ordered windowing. Date and CallID are needed to continue and de-duplicate.
		const requestFields = [...fields];
		for (const f of ['Date', 'CallID']) if (!requestFields.includes(f)) requestFields.push(f);
		const windowOrder = sortField === 'Date' ? order : 'asc';
		const wanted = sortField === 'Date' ? limit : Infinity;
		let fromSec = Math.floor(fromMs / 1000);
		let toSec = Math.floor(toMs / 1000);
		let boundarySec: number | undefined;
		let boundaryKeys = new Set<string>();
		const collected: IDataObject[] = [];
		for (;;) {
			const { rows, total, returned } = await request(
				{ ...search, fromdate: toApiDate(fromSec * 1000), todate: toApiDate(toSec * 1000) },
				requestFields,
				[{ field: 'Date', order: windowOrder }],
			);
			let lastSec: number | undefined;
			let previous: number | undefined;
			for (const row of rows) {
				const sec = cdrEpochSeconds(row);
				if (sec === undefined)
					throw new NodeOperationError(node, `Voicenter returned a CDR without a readable Date (item ${i})`, {
						itemIndex: i,
					});
				// Paging past the cap relies on date order: refuse to guess rather than lose rows.
				if (previous !== undefined && (windowOrder === 'asc' ? sec < previous : sec > previous))
					throw new NodeOperationError(
						node,
						`Voicenter did not return the CDRs sorted by date, so the rows beyond its per-request cap cannot be fetched reliably (item ${i})`,
						{ itemIndex: i },
					);
				previous = sec;
				const key = rowKey(row);
				if (sec === boundarySec && boundaryKeys.has(key)) continue;
				if (sec !== boundarySec) {
					boundarySec = sec;
					boundaryKeys = new Set();
				}
				boundaryKeys.add(key);
				lastSec = sec;
				if (collected.length < wanted) collected.push(row);
			}
			if (rows.length === 0 || total <= returned || collected.length >= wanted) break;
			const edge = windowOrder === 'asc' ? fromSec : toSec;
			const pageEnd = cdrEpochSeconds(rows[rows.length - 1]);
			if (pageEnd === undefined || pageEnd === edge || lastSec === undefined) {
				throw new NodeOperationError(
					node,
					`More than ${returned} calls share the second ${toApiDate((pageEnd ?? edge) * 1000)}Z: Voicenter's per-request cap cannot page past it (item ${i})`,
					{ itemIndex: i, description: 'Narrow the search with filters (call types, extensions or phones).' },
				);
			}
			if (windowOrder === 'asc') fromSec = pageEnd;
			else toSec = pageEnd;
		}

		if (sortField !== 'Date') {
			const dir = order === 'desc' ? -1 : 1;
			collected.sort((a, b) => {
				const x = a[sortField] as number | string;
				const y = b[sortField] as number | string;
				return x < y ? -dir : x > y ? dir : 0;
			});
		}
		return collected.slice(0, limit).map(shape);
	});
}
