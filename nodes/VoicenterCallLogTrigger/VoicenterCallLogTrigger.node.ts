/**
 * Voicenter Call Log Trigger: polls the Call Log (§7) and emits every new call exactly once,
 * without a public URL. See ../shared/callLogCursor.ts for the late-call design (look-back
 * window + the keys of the calls already emitted inside it) and README "Call Log Trigger".
 */
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { buildSearch, readCallLog, readFields, readRateLimit, shapeRow } from '../shared/callLog';
import {
	callTypesFilter,
	extensionsFilter,
	fieldsToReturn,
	identityCriteriaFilter,
	phonesFilter,
	rateLimitOptions,
} from '../shared/callLogDescription';
import type { CursorState } from '../shared/callLogCursor';
import { DEFAULT_LATE_CALL_MINUTES, advanceCursor, isCursorState, newCalls } from '../shared/callLogCursor';
import { toEpochMs } from '../shared/dates';
import { getExtensions } from '../shared/extensionOptions';

export class VoicenterCallLogTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voicenter Call Log Trigger',
		name: 'voicenterCallLogTrigger',
		icon: { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'New calls in the Call Log',
		description: 'Starts the workflow for every new call in the Voicenter Call Log, once per call (polling, no public URL needed)',
		defaults: { name: 'Voicenter Call Log Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'voicenterApi', required: true }],
		properties: [
			{
				displayName:
					'Voicenter asks to poll the Call Log at most every 5 minutes (Poll Times → Every X → 5 minutes) and allows 30 Call Log requests per minute per account; this trigger throttles to that, shared with every workflow of the account in this n8n. Each call is emitted once, also when its record appears late (long calls): see Late Call Window.',
				name: 'pollNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'options',
				options: [
					{
						name: 'Now',
						value: 'now',
						description: 'Only calls that reach the Call Log after the workflow is activated',
					},
					{
						name: 'A Date and Time',
						value: 'date',
						description: 'Backfill: every call since that moment on the first poll, then new ones',
					},
					{
						name: 'The Last N Hours',
						value: 'hours',
						description: 'Backfill: every call of the last hours on the first poll, then new ones',
					},
				],
				default: 'now',
				description:
					'Where the first poll after activation starts. Changing it later starts over from the new setting.',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				required: true,
				default: '',
				description: "In the workflow's time zone",
				displayOptions: { show: { startFrom: ['date'] } },
			},
			{
				displayName: 'Hours',
				name: 'startHours',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 24,
				displayOptions: { show: { startFrom: ['hours'] } },
			},
			fieldsToReturn,
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [callTypesFilter, extensionsFilter, identityCriteriaFilter, phonesFilter],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Late Call Window (Minutes)',
						name: 'lateCallMinutes',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_LATE_CALL_MINUTES,
						description:
							"A call's record reaches the Call Log when the call ends, dated when it started. Each poll looks back this far, so a call is emitted as long as it ends within this time of its start. Longer means more rows re-read per poll and a larger memory of emitted calls.",
					},
					{
						displayName: 'Test Event Calls',
						name: 'testEventCount',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 5,
						description: 'How many of the most recent calls "Fetch Test Event" returns',
					},
					...rateLimitOptions,
				],
			},
		],
	};

	methods = { loadOptions: { getExtensions } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const node = this.getNode();
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const search = buildSearch(node, filters);
		const fields = readFields(node, this.getNodeParameter('fields', []));
		const rateLimit = readRateLimit(options);
		const nowSec = Math.floor(Date.now() / 1000);
		const toItems = (rows: IDataObject[]): INodeExecutionData[] =>
			rows.map((row) => ({ json: shapeRow(row, fields) }));

		// "Fetch Test Event": the latest few calls; the cursor is not read or moved.
		if (this.getMode() === 'manual') {
			const count = Math.min(100, Math.max(1, Math.floor(Number(options.testEventCount ?? 5)) || 5));
			let rows: IDataObject[] = [];
			for (const hours of [1, 24 * 7]) {
				rows = await readCallLog(this, {
					search,
					fields,
					fromSec: nowSec - hours * 3600,
					toSec: nowSec,
					order: 'desc',
					limit: count,
					rateLimit,
				});
				if (rows.length) break;
			}
			if (!rows.length)
				throw new NodeOperationError(node, 'No calls in the Call Log in the last 7 days', {
					description: 'Make or receive a call, or widen the filters, then fetch a test event again.',
				});
			return [toItems(rows)];
		}

		const lateCallSec = Math.max(1, Number(options.lateCallMinutes ?? DEFAULT_LATE_CALL_MINUTES)) * 60;
		const startFrom = String(this.getNodeParameter('startFrom', 'now'));
		let startSec: number | undefined;
		if (startFrom === 'date') {
			const ms = toEpochMs(this.getNodeParameter('startDate', '') as unknown, this.getTimezone());
			if (ms === undefined) throw new NodeOperationError(node, 'Start Date is missing or not a date');
			startSec = Math.floor(ms / 1000);
		} else if (startFrom === 'hours') {
			const hours = Number(this.getNodeParameter('startHours', 24));
			if (!Number.isFinite(hours) || hours <= 0)
				throw new NodeOperationError(node, 'Hours must be more than 0');
			startSec = nowSec - Math.round(hours * 3600);
		}
		// Which setting the saved state belongs to: the Start Date as written (an expression
		// such as "{{ $now.minus(…) }}" must not start over at every poll).
		const start = startFrom === 'date' ? `date:${String(node.parameters.startDate ?? '')}` : startFrom;

		const staticData = this.getWorkflowStaticData('node');
		const saved = isCursorState(staticData.callLog) && staticData.callLog.start === start ? staticData.callLog : undefined;
		const read = async (fromSec: number) =>
			await readCallLog(this, { search, fields, fromSec, toSec: nowSec, order: 'asc', limit: Infinity, rateLimit });

		if (!saved && startSec === undefined) {
			// First activation, "Now": remember what is already there (also calls still going on
			// whose records arrive later are then new), emit nothing.
			const existing = await read(nowSec - lateCallSec);
			staticData.callLog = advanceCursor({ start, cursor: nowSec, seen: {} }, existing, nowSec, lateCallSec);
			return null;
		}
		const state: CursorState = saved ?? { start, cursor: startSec!, seen: {}, floor: startSec };
		const fromSec = Math.max(state.floor ?? -Infinity, state.cursor - lateCallSec);
		// Everything is read before anything is changed: a failing poll leaves the cursor where it was.
		const rows = await read(Math.min(fromSec, nowSec));
		const fresh = newCalls(state, rows);
		staticData.callLog = advanceCursor(state, rows, nowSec, lateCallSec);
		return fresh.length ? [toItems(fresh)] : null;
	}
}
