/**
 * Call Log → Search (§7). The request, its throttle (shared per account with the Call Log
 * Trigger and every other execution in this n8n), the "Request limit exceeded" retry and the
 * paging past the 10,000-row cap live in ../../../shared/callLog.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	CDR_FIELD_OPTIONS,
	MAX_ROWS_PER_REQUEST,
	buildSearch,
	callLogRequest,
	readCallLog,
	readFields,
	readRateLimit,
	shapeRow,
	toApiDate,
} from '../../../shared/callLog';
import {
	callTypesFilter,
	extensionsFilter,
	fieldsToReturn,
	identityCriteriaFilter,
	phonesFilter,
	rateLimitOptions,
} from '../../../shared/callLogDescription';
import { toEpochMs } from '../../../shared/dates';
import { runPerItem } from '../../../shared/execute';

export { CALL_LOG_PATH, MAX_ROWS_PER_REQUEST } from '../../../shared/callLog';

const properties: INodeProperties[] = [
	{
		displayName: 'From Date',
		name: 'fromDate',
		type: 'dateTime',
		required: true,
		default: '={{ $now.minus({ hours: 24 }).toISO() }}',
		description: "Start of the range (in the workflow's time zone; sent to Voicenter in GMT+0). Default: 24 hours ago.",
	},
	{
		displayName: 'To Date',
		name: 'toDate',
		type: 'dateTime',
		required: true,
		default: '={{ $now.toISO() }}',
		description: "End of the range (in the workflow's time zone; sent to Voicenter in GMT+0). Default: now.",
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
	fieldsToReturn,
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
			callTypesFilter,
			extensionsFilter,
			identityCriteriaFilter,
			phonesFilter,
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
		options: rateLimitOptions,
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callLog'], operation: ['search'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
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
		const search = buildSearch(node, filters, i);
		const fields = readFields(node, this.getNodeParameter('fields', i, []), i);
		const sort = this.getNodeParameter('sort', i, {}) as IDataObject;
		const sortField = String(sort.field ?? 'Date');
		const order = String(sort.order ?? 'asc') === 'desc' ? 'desc' : 'asc';
		const rateLimit = readRateLimit(this.getNodeParameter('options', i, {}) as IDataObject);

		// One request answers it all when the server can sort and cap for us.
		if (sortField !== 'Date' && limit <= MAX_ROWS_PER_REQUEST) {
			const { rows } = await callLogRequest(
				this,
				{
					fields,
					search: { ...search, fromdate: toApiDate(fromMs), todate: toApiDate(toMs) },
					sort: [{ field: sortField, order }],
				},
				rateLimit,
				i,
			);
			return rows.slice(0, limit).map((row) => shapeRow(row, fields));
		}

		// Date-ordered windowing; another sort field is applied locally afterwards.
		const collected = await readCallLog(this, {
			search,
			fields,
			fromSec: Math.floor(fromMs / 1000),
			toSec: Math.floor(toMs / 1000),
			order: sortField === 'Date' ? order : 'asc',
			limit: sortField === 'Date' ? limit : Infinity,
			rateLimit,
			itemIndex: i,
		});
		if (sortField !== 'Date') {
			const dir = order === 'desc' ? -1 : 1;
			collected.sort((a, b) => {
				const x = a[sortField] as number | string;
				const y = b[sortField] as number | string;
				return x < y ? -dir : x > y ? dir : 0;
			});
		}
		return collected.slice(0, limit).map((row) => shapeRow(row, fields));
	});
}
