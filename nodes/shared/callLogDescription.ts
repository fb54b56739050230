/**
 * Description fragments of the Call Log parameters, shared by Call Log → Search and the
 * Voicenter Call Log Trigger so both show (and read) the same fields under the same names.
 */
import type { INodeProperties } from 'n8n-workflow';

import { CALL_TYPES, CDR_FIELD_OPTIONS } from './callLog';

export const callTypesFilter: INodeProperties = {
	displayName: 'Call Type Names or IDs',
	name: 'cdrTypes',
	type: 'multiOptions',
	options: CALL_TYPES,
	default: [],
	description: 'Only calls of these types (sent as their numeric IDs)',
};

export const extensionsFilter: INodeProperties = {
	displayName: 'Extension Names or IDs',
	name: 'extensions',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getExtensions' },
	default: [],
	description:
		'Only calls of these extensions. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const identityCriteriaFilter: INodeProperties = {
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
};

export const phonesFilter: INodeProperties = {
	displayName: 'Phones',
	name: 'phones',
	type: 'string',
	default: '',
	placeholder: 'e.g. 972501234567, 0722776772',
	description: 'Only calls from or to these numbers (comma-separated, or an array by expression)',
};

/**
 * Fields to Return. Empty (the default) returns every field of §7.2, which is what the old
 * default (all 25 fields listed) did: workflows saved with either keep their output.
 */
export const fieldsToReturn: INodeProperties = {
	displayName: 'Fields to Return',
	name: 'fields',
	type: 'multiOptions',
	options: CDR_FIELD_OPTIONS,
	default: [],
	description: 'CDR fields Voicenter returns for each call. Leave empty for all of them.',
};

/** Throttle and retry options (options collection entries). */
export const rateLimitOptions: INodeProperties[] = [
	{
		displayName: 'Max Requests per Window',
		name: 'maxRequestsPerWindow',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		description:
			'Throttle: at most this many Call Log requests per rate-limit window for this account, shared by every workflow in this n8n (Voicenter allows 30 per minute)',
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
];
