/**
 * Real Time API login and token refresh (realtime-protocol-notes.md §1, old stack):
 * POST <loginUrl>/Token {token} | /User {email, pin} | /Account {username, password}
 * → {StatusCode, Status, Data: {Socket: {Token, TokenExpiry, RefreshToken, RefreshTokenExpiry, URLList[], Url, Version}}};
 * GET <refreshUrl> with Authorization: Bearer <RefreshToken> → the same shape.
 */
import type { IDataObject, INode, ITriggerFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redact } from '../../shared/errors';
import type { RealtimeLoginType } from '../../../credentials/VoicenterRealtimeApi.credentials';
import {
	REALTIME_LOGIN_PATH,
	REALTIME_LOGIN_URL,
	REALTIME_REFRESH_URL,
} from '../../../credentials/VoicenterRealtimeApi.credentials';
import type { LoginSession } from './connection';

export const REALTIME_CREDENTIAL = 'voicenterRealtimeApi';

export interface RealtimeSettings {
	loginType: RealtimeLoginType;
	loginUrl: string;
	refreshUrl: string;
	secrets: string[];
}

function obj(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

/** TokenExpiry as epoch seconds, epoch ms or a date string → epoch ms (null when unknown). */
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
	for (const key of ['Status', 'Message', 'message', 'error', 'Error', 'ErrorMessage', 'Description']) {
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
): RealtimeLoginError {
	const said = redact(messageOf(body), secrets) || `HTTP ${statusCode}`;
	// §14.2: wrong user credentials → 401 "Unauthorized"; wrong token → 500 "Unexpected token".
	const rejected =
		statusCode === 400 ||
		statusCode === 401 ||
		statusCode === 403 ||
		(statusCode === 500 && loginType === 'token' && /token/i.test(said)) ||
		('error' in obj(body) && statusCode < 500);
	const hint =
		statusCode === 401 || statusCode === 403
			? 'Check the email / username and password of the Voicenter Realtime API credential.'
			: statusCode === 500 && /token/i.test(said)
				? 'Check the token of the Voicenter Realtime API credential.'
				: undefined;
	const error = new RealtimeLoginError(
		node,
		(typeof body === 'object' && body ? body : { body }) as JsonObject,
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

/** Reads Data.Socket of a login / refresh answer; throws a clear error when it is not usable. */
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
	let servers = (Array.isArray(socket.URLList) ? socket.URLList : [])
		.map((u) => String(u ?? '').trim())
		.filter((u) => u !== '');
	if (servers.length === 0 && typeof socket.Url === 'string' && socket.Url) servers = [socket.Url];
	if (servers.length === 0) {
		throw new NodeApiError(node, body as JsonObject, {
			message: `Voicenter Realtime ${what} returned no socket servers (URLList is empty)`,
			httpCode: String(statusCode),
		});
	}
	return {
		token,
		tokenExpiresAt: parseExpiry(socket.TokenExpiry ?? socket.IdentityCodeExpiry),
		refreshToken: typeof socket.RefreshToken === 'string' && socket.RefreshToken ? socket.RefreshToken : null,
		refreshTokenExpiresAt: parseExpiry(socket.RefreshTokenExpiry),
		servers,
		version: socket.Version === undefined || socket.Version === null ? null : String(socket.Version),
	};
}

/** Non-secret settings of the credential, plus the secrets (for redaction only). */
export async function readRealtimeSettings(this: ITriggerFunctions): Promise<RealtimeSettings> {
	const credentials = await this.getCredentials(REALTIME_CREDENTIAL);
	const loginType = String(credentials.loginType ?? 'token') as RealtimeLoginType;
	const clean = (value: unknown, fallback: string) =>
		(String(value ?? '').trim() || fallback).replace(/\/+$/, '');
	return {
		loginType: REALTIME_LOGIN_PATH[loginType] ? loginType : 'token',
		loginUrl: clean(credentials.loginUrl, REALTIME_LOGIN_URL),
		refreshUrl: clean(credentials.refreshUrl, REALTIME_REFRESH_URL),
		secrets: ['token', 'userPassword', 'accountPassword']
			.map((k) => String(credentials[k] ?? ''))
			.filter((s) => s !== ''),
	};
}

/** The login request: the credential's authenticate() puts the login fields into the body. */
export async function realtimeLogin(
	this: ITriggerFunctions,
	settings: RealtimeSettings,
	abortSignal?: AbortSignal,
): Promise<LoginSession> {
	const node = this.getNode();
	let response: { statusCode: number; body: unknown };
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, REALTIME_CREDENTIAL, {
			method: 'POST',
			url: `${settings.loginUrl}${REALTIME_LOGIN_PATH[settings.loginType]}`,
			body: {} as IDataObject,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		const message = redact(error instanceof Error ? error.message : String(error), settings.secrets);
		throw new NodeApiError(node, { message } as JsonObject, {
			message: `Voicenter Realtime login failed: ${message}`,
			description: `Could not reach ${settings.loginUrl}`,
		});
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
	refreshUrl: string,
	refreshToken: string,
	secrets: string[],
	abortSignal?: AbortSignal,
): Promise<LoginSession> {
	const node = this.getNode();
	let response: { statusCode: number; body: unknown };
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url: refreshUrl,
			headers: { Authorization: `Bearer ${refreshToken}` },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		const message = redact(error instanceof Error ? error.message : String(error), [
			...secrets,
			refreshToken,
		]);
		throw new NodeApiError(node, { message } as JsonObject, {
			message: `Voicenter Realtime token refresh failed: ${message}`,
		});
	}
	return parseLoginResponse(node, 'token refresh', response.statusCode, response.body, [
		...secrets,
		refreshToken,
	]);
}
