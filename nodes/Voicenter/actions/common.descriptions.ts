/**
 * Description fragments used by more than one operation of the Voicenter node (the way
 * n8n-nodes-base's Airtable v2 keeps its common.descriptions.ts), with the small readers that
 * go with them, so a fragment and the code reading it change together.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// ----------------------------------------------------------------------------------------
// Return All + Limit

/**
 * The Return All toggle and the Limit it hides. `extraShow` is merged into both fields'
 * displayOptions (e.g. `{ output: ['calls'] }` when the pair applies to one output mode only).
 */
export function returnAllOrLimit(
	options: { returnAllDefault?: boolean; extraShow?: IDataObject } = {},
): INodeProperties[] {
	const extra = options.extraShow as Record<string, Array<string | boolean>> | undefined;
	const returnAll: INodeProperties = {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	};
	if (options.returnAllDefault) returnAll.default = true;
	if (extra) returnAll.displayOptions = { show: { ...extra } };
	return [
		returnAll,
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...(extra ?? {}), returnAll: [false] } },
		},
	];
}

/**
 * Reads the pair above: the number of results to keep (Infinity for Return All). A limit
 * below 1 (possible through an expression) stops the item before any request.
 */
export function readLimit(ctx: IExecuteFunctions, i: number, returnAllDefault = false): number {
	const returnAll = ctx.getNodeParameter('returnAll', i, returnAllDefault) as boolean;
	if (returnAll) return Infinity;
	const limit = Number(ctx.getNodeParameter('limit', i, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of 1 or more (item ${i})`, {
			itemIndex: i,
			description: 'Set Limit to 1 or more, or turn on Return All',
		});
	}
	return limit;
}

/** The first `limit` entries of a list (all of them for Infinity). */
export function takeFirst<T>(list: T[], limit: number): T[] {
	return limit === Infinity ? list : list.slice(0, limit);
}

// ----------------------------------------------------------------------------------------
// Active Call: the two parallel operations (extensions and their calls, queues and their callers)

export interface ActiveListSpec {
	/** Parameter name of the selector dropdown: `extension` / `queue`. */
	selector: string;
	/** Display name of the selector, n8n's "… Name or ID" form. */
	selectorLabel: string;
	loadOptionsMethod: string;
	/** "extension" / "queue", in the texts. */
	unit: string;
	/** "call" / "caller", in the texts. */
	child: string;
	/** Parameter name of the "only with children" toggle: `onlyWithCalls` / `onlyWithCallers`. */
	onlyName: string;
	onlyLabel: string;
	onlyDescription: string;
}

/** Selector (one or all), Output (one item per parent or per child), "only with children". */
export function activeListProperties(spec: ActiveListSpec): INodeProperties[] {
	const Unit = spec.unit[0].toUpperCase() + spec.unit.slice(1);
	const Child = spec.child[0].toUpperCase() + spec.child.slice(1);
	return [
		{
			displayName: spec.selectorLabel,
			name: spec.selector,
			type: 'options',
			typeOptions: { loadOptionsMethod: spec.loadOptionsMethod },
			default: '',
			description: `One ${spec.unit}, or all ${spec.unit}s of the organisation. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- the option names are built from the spec; 'parent' is the first value
			default: 'parent',
			options: [
				{
					name: `One Item per ${Unit}`,
					value: 'parent',
					description: `Calls listed inside each ${spec.unit}`,
				},
				{
					name: `One Item per ${Child}`,
					value: 'call',
					description: `Each call with its ${spec.unit}'s details`,
				},
			],
		},
		{
			displayName: spec.onlyLabel,
			name: spec.onlyName,
			type: 'boolean',
			default: false,
			displayOptions: { show: { output: ['parent'] } },
			description: spec.onlyDescription,
		},
	];
}

/**
 * Shapes an Active Calls answer as the Output parameter asks: one item per parent (its
 * children always an array, optionally only parents that have some) or one item per child
 * with its parent's details under `parentKey`.
 */
export function shapeActiveList(
	parents: IDataObject[],
	childKey: string,
	parentKey: string,
	output: string,
	onlyWithChildren: boolean,
): IDataObject[] {
	if (output === 'call') {
		return parents.flatMap((parent) => {
			const { [childKey]: children, ...details } = parent;
			return ((Array.isArray(children) ? children : []) as IDataObject[]).map((child) => ({
				...child,
				[parentKey]: details,
			}));
		});
	}
	return parents
		.map((parent) => ({ ...parent, [childKey]: Array.isArray(parent[childKey]) ? parent[childKey] : [] }))
		.filter((parent) => !onlyWithChildren || (parent[childKey] as unknown[]).length > 0);
}
