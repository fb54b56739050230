/**
 * Real Time API login and token refresh, both login stacks (docs/realtime-protocol.md §1).
 *
 * Legacy: POST <loginUrl>/Token {token} | /User {email, pin} | /Account {username, password}
 *   → {StatusCode, Status, Data: {Socket: {Token, TokenExpiry, RefreshToken, RefreshTokenExpiry, URLList[], Url, Version}}};
 *   refresh: GET <refreshUrl> with Authorization: Bearer <RefreshToken> → the same shape.
 * Current: POST <identityLoginUrl> {identityType, token | username, password}
 *   → {StatusCode, Status, Data: {AccessToken, RefreshToken}};
 *   GET <getSettingsUrl> with Authorization: Bearer <AccessToken>
 *   → {IdentityCode, IdentityCodeExpiry, PersonID, PersonType, ExtensionMonitorID, MonitorList[{Priority, Domain, URLID, Version}]};
 *   refresh: GET <refreshTokenUrl> with Authorization: Bearer <RefreshToken> → Data {AccessToken, RefreshToken}, then GetSettings again.
 *
 * Secrets (token, passwords, access, refresh and socket tokens) travel only in JSON bodies and
 * Authorization headers, and are replaced by *** in every error text, description and the
 * response body attached to an error.
 */
import type { IDataObject, INode, ITriggerFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redact } from '../../shared/errors';
import type {
	RealtimeLoginApi,
	RealtimeLoginType,
} from '../../../credentials/VoicenterRealtimeApi.credentials';
import {
	REALTIME_CURRENT_LOGIN_URL,
	REALTIME_CURRENT_REFRESH_URL,
	REALTIME_CURRENT_SETTINGS_URL,
	REALTIME_LOGIN_PATH,
	REALTIME_LOGIN_URL,
	REALTIME_REFRESH_URL,
	realtimeLoginApi,
} from '../../../credentials/VoicenterRealtimeApi.credentials';
import type { LoginSession } from './connection';

export const REALTIME_CREDENTIAL = 'voicenterRealtimeApi';

export interface RealtimeSettings {
	loginApi: RealtimeLoginApi;
	loginType: RealtimeLoginType;
	/** Legacy: the base of /Token, /User, /Account. Current: the full login URL. */
	loginUrl: string;
	refreshUrl: string;
	/** Current stack only. */
	settingsUrl: string;
	/** The credential's secrets (for redaction only). */
	secrets: string[];
}

function obj(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

/** Replaces every secret in a value (text, or any JSON-able structure) by ***. */
export function redactDeep<T>(value: T, secrets: Array<string | null | undefined>): T {
	const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 3);
	if (list.length === 0 || value === undefined || value === null) return value;
	if (typeof value === 'string') return redact(value, list) as T;
	try {
		return JSON.parse(redact(JSON.stringify(value), list.map((s) => JSON.stringify(s).slice(1, -1)))) as T;
	} catch {
		return value;
	}
}

/** TokenExpiry / IdentityCodeExpiry as epoch seconds, epoch ms or a date string → epoch ms (null when unknown). */
export function parseExpiry(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(String(value).trim())) {
		const n = Number(value);
		if (!Number.isFinite(n) || n <= 0) return null;
		return n < 1e12 ? n * 1000 : n;
	}
	const t = Date.parse(String(value));
	return Number.isNaN(t) ? null : t;
}

function parseBody(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		return raw;
	}
}

function messageOf(body: unknown): string {
	if (typeof body === 'string') return body.trim().slice(0, 300);
	const b = obj(body);
	for (const key of ['Status', 'Message', 'message', 'error', 'Error', 'ErrorMessage', 'Description', 'title']) {
		const v = b[key];
		if (typeof v === 'string' && v) return v;
		if (v && typeof v === 'object') {
			const inner = obj(v).message;
			if (typeof inner === 'string' && inner) return inner;
		}
	}
	return '';
}

export class RealtimeLoginError extends NodeApiError {}

/** The error for a refused or failed login: Voicenter's own message, HTTP code, no secrets. */
export function loginError(
	node: INode,
	what: string,
	statusCode: number,
	body: unknown,
	secrets: string[],
	loginType?: RealtimeLoginType,
	loginApi: RealtimeLoginApi = 'legacy',
): RealtimeLoginError {
	const said = redact(messageOf(body), secrets) || `HTTP ${statusCode}`;
	// Legacy: wrong user credentials → 401 "Unauthorized"; wrong token → 500 "Unexpected token".
	// Current: 400 bad body or login type, 401 invalid token or password, 403 identity missing.
	const rejected =
		statusCode === 400 ||
		statusCode === 401 ||
		statusCode === 403 ||
		(statusCode === 500 && loginType === 'token' && /token/i.test(said)) ||
		('error' in obj(body) && statusCode < 500);
	const credentialHint =
		loginType === 'token'
			? 'Check the token of the Voicenter Realtime API credential.'
			: loginType === 'account'
				? 'Check the username and password of the Voicenter Realtime API credential.'
				: 'Check the email and password of the Voicenter Realtime API credential.';
	const hint =
		statusCode === 401 || statusCode === 403
			? what === 'GetSettings'
				? 'Voicenter refused the access token it had just issued: check the Get Settings URL of the credential.'
				: credentialHint
			: statusCode === 500 && /token/i.test(said)
				? 'Check the token of the Voicenter Realtime API credential.'
				: statusCode === 400 && loginApi === 'current'
					? 'Voicenter refused the login request: check the Login API and Login URL of the credential.'
					: undefined;
	const error = new RealtimeLoginError(
		node,
		redactDeep((typeof body === 'object' && body ? body : { body }) as JsonObject, secrets),
		{
			message: `Voicenter Realtime ${what} failed: ${said} (HTTP ${statusCode})`,
			description: hint,
			httpCode: String(statusCode),
		},
	);
	error.context.credentialsRejected = rejected;
	return error;
}

export function isCredentialsRejected(error: unknown): boolean {
	return error instanceof NodeApiError && error.context.credentialsRejected === true;
}

function noServers(node: INode, what: string, statusCode: number, body: unknown, secrets: string[], field: string) {
	return new NodeApiError(node, redactDeep(obj(body) as JsonObject, secrets), {
		message: `Voicenter Realtime ${what} returned no socket servers (${field} is empty)`,
		httpCode: String(statusCode),
	});
}

/** Reads Data.Socket of a legacy login / refresh answer; throws a clear error when it is not usable. */
export function parseLoginResponse(
	node: INode,
	what: string,
	statusCode: number,
	rawBody: unknown,
	secrets: string[],
	loginType?: RealtimeLoginType,
): LoginSession {
	const body = parseBody(rawBody);
	if (statusCode < 200 || statusCode >= 300)
		throw loginError(node, what, statusCode, body, secrets, loginType);
	const data = obj(obj(body).Data);
	const socket = obj(data.Socket ?? data.socket ?? data);
	const token = socket.Token ?? socket.IdentityCode;
	if (typeof token !== 'string' || token === '') {
		throw loginError(node, what, statusCode, body, secrets, loginType);
	}
	const refreshToken =
		typeof socket.RefreshToken === 'string' && socket.RefreshToken ? socket.RefreshToken : null;
	let servers = (Array.isArray(socket.URLList) ? socket.URLList : [])
		.map((u) => String(u ?? '').trim())
		.filter((u) => u !== '');
	if (servers.length === 0 && typeof socket.Url === 'string' && socket.Url) servers = [socket.Url];
	if (servers.length === 0) {
		throw noServers(node, what, statusCode, body, [...secrets, token, refreshToken ?? ''], 'URLList');
	}
	return {
		token,
		tokenExpiresAt: parseExpiry(socket.TokenExpiry ?? socket.IdentityCodeExpiry),
		refreshToken,
		refreshTokenExpiresAt: parseExpiry(socket.RefreshTokenExpiry),
		servers,
		version: socket.Version === undefined || socket.Version === null ? null : String(socket.Version),
	};
}

/** A MonitorList Domain → the socket server URL (https://<Domain>, as the SDK builds it). */
export function monitorUrl(domain: string): string {
	const text = domain.trim();
	if (/^[a-z]+:\/\//i.test(text)) return text;
	// Loopback hosts (a local simulator) speak plain http; every Voicenter server https.
	if (/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(text)) return `http://${text}`;
	return `https://${text}`;
}

/** Reads a GetSettings answer (top level, or under Data): the socket token and the servers by priority. */
export function parseSettingsResponse(
	node: INode,
	statusCode: number,
	rawBody: unknown,
	secrets: string[],
	tokens: { accessToken: string; refreshToken: string | null },
	loginType?: RealtimeLoginType,
): LoginSession {
	const body = parseBody(rawBody);
	if (statusCode < 200 || statusCode >= 300)
		throw loginError(node, 'GetSettings', statusCode, body, secrets, loginType, 'current');
	const top = obj(body);
	const settings = typeof top.IdentityCode === 'string' ? top : obj(top.Data ?? top.data);
	const token = settings.IdentityCode;
	if (typeof token !== 'string' || token === '') {
		throw new NodeApiError(node, redactDeep(top as JsonObject, secrets), {
			message: `Voicenter Realtime GetSettings returned no IdentityCode (the socket token): ${redact(messageOf(body), secrets) || `HTTP ${statusCode}`}`,
			httpCode: String(statusCode),
		});
	}
	const list = (Array.isArray(settings.MonitorList) ? settings.MonitorList : [])
		.map((m, i) => ({ ...obj(m), index: i }) as Record<string, unknown> & { index: number })
		.filter((m) => typeof m.Domain === 'string' && m.Domain.trim() !== '');
	if (list.length === 0) {
		throw noServers(node, 'GetSettings', statusCode, body, [...secrets, token], 'MonitorList');
	}
	// Main server = highest Priority; ties keep Voicenter's order.
	list.sort((a, b) => Number(b.Priority ?? 0) - Number(a.Priority ?? 0) || a.index - b.index);
	return {
		token,
		tokenExpiresAt: parseExpiry(settings.IdentityCodeExpiry),
		refreshToken: tokens.refreshToken,
		refreshTokenExpiresAt: null,
		accessToken: tokens.accessToken,
		servers: list.map((m) => monitorUrl(String(m.Domain))),
		version: list[0].Version === undefined || list[0].Version === null ? null : String(list[0].Version),
		personId: settings.PersonID === undefined ? null : Number(settings.PersonID),
	};
}

/** Non-secret settings of the credential, plus the secrets (for redaction only). */
export async function readRealtimeSettings(this: ITriggerFunctions): Promise<RealtimeSettings> {
	const credentials = await this.getCredentials(REALTIME_CREDENTIAL);
	const loginApi = realtimeLoginApi(credentials);
	let loginType = String(credentials.loginType ?? 'token') as RealtimeLoginType;
	if (!REALTIME_LOGIN_PATH[loginType]) loginType = 'token';
	const clean = (value: unknown, fallback: string) =>
		(String(value ?? '').trim() || fallback).replace(/\/+$/, '');
	const secrets = ['token', 'userPassword', 'accountPassword']
		.map((k) => String(credentials[k] ?? ''))
		.filter((s) => s !== '');
	if (loginApi === 'current') {
		if (loginType === 'account') {
			throw new NodeApiError(this.getNode(), {} as JsonObject, {
				message: 'The current Voicenter login API has no Account login',
				description:
					'Choose Token or User in the Voicenter Realtime API credential, or switch its Login API to Legacy.',
			});
		}
		return {
			loginApi,
			loginType,
			loginUrl: clean(credentials.identityLoginUrl, REALTIME_CURRENT_LOGIN_URL),
			settingsUrl: clean(credentials.getSettingsUrl, REALTIME_CURRENT_SETTINGS_URL),
			refreshUrl: clean(credentials.refreshTokenUrl, REALTIME_CURRENT_REFRESH_URL),
			secrets,
		};
	}
	return {
		loginApi,
		loginType,
		loginUrl: clean(credentials.loginUrl, REALTIME_LOGIN_URL),
		refreshUrl: clean(credentials.refreshUrl, REALTIME_REFRESH_URL),
		settingsUrl: '',
		secrets,
	};
}

type FullResponse = { statusCode: number; body: unknown };

function unreachable(node: INode, what: string, url: string, error: unknown, secrets: string[]): NodeApiError {
	const message = redact(error instanceof Error ? error.message : String(error), secrets);
	let where = url;
	try {
		const u = new URL(url);
		where = `${u.origin}${u.pathname}`;
	} catch {
		// keep the text
	}
	return new NodeApiError(node, { message } as JsonObject, {
		message: `Voicenter Realtime ${what} failed: ${message}`,
		description: `Could not reach ${redact(where, secrets)}`,
	});
}

/** Reads Data.AccessToken / Data.RefreshToken of a current-stack login or refresh answer. */
function parseIdentityTokens(
	node: INode,
	what: string,
	response: FullResponse,
	secrets: string[],
	loginType: RealtimeLoginType,
): { accessToken: string; refreshToken: string | null } {
	const body = parseBody(response.body);
	if (response.statusCode < 200 || response.statusCode >= 300)
		throw loginError(node, what, response.statusCode, body, secrets, loginType, 'current');
	const data = obj(obj(body).Data ?? obj(body).data);
	const accessToken = data.AccessToken;
	if (typeof accessToken !== 'string' || accessToken === '') {
		throw loginError(node, what, response.statusCode, body, secrets, loginType, 'current');
	}
	const refreshToken =
		typeof data.RefreshToken === 'string' && data.RefreshToken ? data.RefreshToken : null;
	return { accessToken, refreshToken };
}

/** GET <getSettingsUrl> with the access token as Bearer. */
async function getSettings(
	this: ITriggerFunctions,
	settings: RealtimeSettings,
	tokens: { accessToken: string; refreshToken: string | null },
	abortSignal?: AbortSignal,
): Promise<LoginSession> {
	const node = this.getNode();
	const secrets = [...settings.secrets, tokens.accessToken, tokens.refreshToken ?? ''];
	let response: FullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url: settings.settingsUrl,
			headers: { Authorization: `Bearer ${tokens.accessToken}` },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal,
		})) as FullResponse;
	} catch (error) {
		throw unreachable(node, 'GetSettings', settings.settingsUrl, error, secrets);
	}
	return parseSettingsResponse(node, response.statusCode, response.body, secrets, tokens, settings.loginType);
}

/** The login request: the credential's authenticate() puts the login fields into the body. */
export async function realtimeLogin(
	this: ITriggerFunctions,
	settings: RealtimeSettings,
	abortSignal?: AbortSignal,
): Promise<LoginSession> {
	const node = this.getNode();
	const url =
		settings.loginApi === 'current'
			? settings.loginUrl
			: `${settings.loginUrl}${REALTIME_LOGIN_PATH[settings.loginType]}`;
	let response: FullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, REALTIME_CREDENTIAL, {
			method: 'POST',
			url,
			body: {} as IDataObject,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal,
		})) as FullResponse;
	} catch (error) {
		throw unreachable(node, 'login', url, error, settings.secrets);
	}
	if (settings.loginApi === 'current') {
		const tokens = parseIdentityTokens(node, 'login', response, settings.secrets, settings.loginType);
		return await getSettings.call(this, settings, tokens, abortSignal);
	}
	return parseLoginResponse(
		node,
		'login',
		response.statusCode,
		response.body,
		settings.secrets,
		settings.loginType,
	);
}

/** GET <refreshUrl> with the refresh token as Bearer (no credential fields are sent). */
export async function realtimeRefresh(
	this: ITriggerFunctions,
	settings: RealtimeSettings,
	refreshToken: string,
	abortSignal?: AbortSignal,
): Promise<LoginSession> {
	const node = this.getNode();
	const secrets = [...settings.secrets, refreshToken];
	let response: FullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url: settings.refreshUrl,
			headers: { Authorization: `Bearer ${refreshToken}` },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal,
		})) as FullResponse;
	} catch (error) {
		throw unreachable(node, 'token refresh', settings.refreshUrl, error, secrets);
	}
	if (settings.loginApi === 'current') {
		const tokens = parseIdentityTokens(node, 'token refresh', response, secrets, settings.loginType);
		return await getSettings.call(
			this,
			settings,
			{ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? refreshToken },
			abortSignal,
		);
	}
	return parseLoginResponse(node, 'token refresh', response.statusCode, response.body, secrets);
}
