/**
 * The one request function of the VoIPe node. Both VoIPe endpoints are documented as links
 * (§15), so they are sent as GET with the parameters in the query string (method inferred).
 * Every request goes through `httpRequestWithAuthentication`: the credential adds the client
 * name to Mobile Click2call requests, so node code never puts it into a request. The node
 * reads the credential only for the server URLs and to redact the client name from errors.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VOIPE_MOBILE_PATH } from '../../../credentials/VoipeApi.credentials';
import { redact, redactDeep, redactError } from '../../shared/errors';
import type { VoipeAnswer } from '../helpers/response';
import { parseVoipeAnswer } from '../helpers/response';

export const CREDENTIAL_NAME = 'voipeApi';

export type VoipeEndpoint = 'click2call' | 'mobileClick2call';

interface EndpointSpec {
	label: string;
	path: string;
	urlField: string;
	urlLabel: string;
	defaultUrl?: string;
}

export const ENDPOINTS: Record<VoipeEndpoint, EndpointSpec> = {
	click2call: {
		label: 'Click2Call',
		path: '/web/dial.php',
		urlField: 'pbxUrl',
		urlLabel: 'PBX Server URL',
	},
	mobileClick2call: {
		label: 'Mobile Click2Call',
		path: VOIPE_MOBILE_PATH,
		urlField: 'mobileBaseUrl',
		urlLabel: 'Mobile Click2Call Base URL',
		defaultUrl: 'https://cpanel.voipe.cc',
	},
};

/** Longest piece of a server answer quoted in an error. */
const MAX_QUOTE = 500;

/**
 * Normalises a server URL from the credential: http:// is assumed when no scheme is given
 * (the PBX link is documented over plain http), only http and https are allowed, trailing
 * slashes and a pasted endpoint path or query string are removed. Undefined when invalid.
 */
export function normalizeBaseUrl(raw: string, path: string): string | undefined {
	let url = raw.trim();
	if (url === '') return undefined;
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
	if (!/^https?:\/\/[^/?#\s]+/i.test(url)) return undefined;
	url = url.replace(/[?#].*$/, '');
	if (url.toLowerCase().endsWith(path.toLowerCase())) url = url.slice(0, -path.length);
	return url.replace(/\/+$/, '');
}

export interface VoipeConnection {
	baseUrl: string;
	secrets: string[];
}

/** Reads the credential once per endpoint and checks it; throws before any request. */
export async function getConnection(
	this: IExecuteFunctions,
	endpoint: VoipeEndpoint,
	itemIndex: number,
): Promise<VoipeConnection> {
	const spec = ENDPOINTS[endpoint];
	const credentials = await this.getCredentials(CREDENTIAL_NAME, itemIndex);
	const clientName = String(credentials.clientNameSecret ?? '').trim();
	const rawUrl = String(credentials[spec.urlField] ?? '').trim() || spec.defaultUrl || '';
	if (rawUrl === '') {
		throw new NodeOperationError(
			this.getNode(),
			`The VoIPe credential has no ${spec.urlLabel}, which ${spec.label} needs (item ${itemIndex})`,
			{ itemIndex },
		);
	}
	const baseUrl = normalizeBaseUrl(rawUrl, spec.path);
	if (!baseUrl) {
		throw new NodeOperationError(
			this.getNode(),
			`The ${spec.urlLabel} of the VoIPe credential must be an http:// or https:// address (item ${itemIndex})`,
			{ itemIndex },
		);
	}
	if (endpoint === 'mobileClick2call' && clientName === '') {
		throw new NodeOperationError(
			this.getNode(),
			`The VoIPe credential has no Client Name, which Mobile Click2Call needs (item ${itemIndex})`,
			{ itemIndex },
		);
	}
	return { baseUrl, secrets: [clientName] };
}

function quote(text: string, secrets: string[]): string {
	const clean = redact(text, secrets);
	return clean.length > MAX_QUOTE ? `${clean.slice(0, MAX_QUOTE)}…` : clean;
}

function apiError(
	node: INode,
	message: string,
	description: string,
	itemIndex: number,
	secrets: string[],
	httpCode?: number,
): NodeApiError {
	const error = new NodeApiError(node, { message, description } as JsonObject, {
		message,
		description,
		itemIndex,
		httpCode: httpCode !== undefined ? String(httpCode) : undefined,
	});
	// Every part of the error (message, description, messages, cause, stack) without the client name.
	return redactError(error, secrets);
}

export interface VoipeRequest {
	endpoint: VoipeEndpoint;
	connection: VoipeConnection;
	/** Query parameters, lowercase as in the documented links; empty values are left out. */
	qs: IDataObject;
	itemIndex: number;
	timeoutMs?: number;
}

/** Sends one request and returns the parsed answer; any failure is a NodeApiError. */
export async function voipeApiRequest(this: IExecuteFunctions, req: VoipeRequest): Promise<VoipeAnswer> {
	const node = this.getNode();
	const spec = ENDPOINTS[req.endpoint];
	const { secrets } = req.connection;
	const qs: IDataObject = {};
	for (const [k, v] of Object.entries(req.qs)) if (v !== undefined && v !== null && v !== '') qs[k] = v;
	const options: IHttpRequestOptions = {
		method: 'GET',
		baseURL: req.connection.baseUrl,
		url: spec.path,
		qs,
		headers: { Accept: 'application/json, text/plain;q=0.9, */*;q=0.8' },
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: req.timeoutMs,
	};
	let response: { body: unknown; statusCode: number };
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)) as {
			body: unknown;
			statusCode: number;
		};
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		// n8n reports a request timeout as "The connection was aborted…" (code ECONNABORTED).
		const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
		const timedOut =
			/timeout|timed out|aborted|ECONNABORTED|ETIMEDOUT/i.test(text) ||
			['ECONNABORTED', 'ETIMEDOUT'].includes(String(cause?.code ?? ''));
		throw apiError(
			node,
			`Could not reach VoIPe for the ${spec.label} request: ${quote(text, secrets)}`,
			timedOut
				? 'No answer in time. The call may still have been placed: check the PBX before retrying.'
				: `Check the ${spec.urlLabel} of the VoIPe credential`,
			req.itemIndex,
			secrets,
		);
	}
	// An answer that echoes the request (the client name is in its query string) is cleaned
	// before anything — output item, error, log — can see it.
	const answer = redactDeep(parseVoipeAnswer(response.body), secrets);
	const said = `VoIPe answered: ${quote(answer.text, secrets) || '(empty body)'}`;
	if (response.statusCode >= 400) {
		throw apiError(
			node,
			`VoIPe answered HTTP ${response.statusCode} to the ${spec.label} request`,
			said,
			req.itemIndex,
			secrets,
			response.statusCode,
		);
	}
	if (answer.unrecognised) {
		throw apiError(
			node,
			`VoIPe returned an unrecognised answer to the ${spec.label} request`,
			said,
			req.itemIndex,
			secrets,
		);
	}
	if (!answer.ok) {
		const detail =
			answer.message ??
			(answer.status !== undefined && !/^(ok|success|true|1|yes)$/i.test(answer.status)
				? `status "${answer.status}"`
				: `response "${answer.response ?? ''}"`);
		throw apiError(
			node,
			`VoIPe rejected the ${spec.label} request: ${quote(detail, secrets)}`,
			said,
			req.itemIndex,
			secrets,
		);
	}
	return answer;
}
