import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * Two login APIs (docs/realtime-protocol.md §1):
 *  - legacy: POST <loginUrl>/Token {token} | /User {email, pin} | /Account {username, password}
 *    → Data.Socket {Token, TokenExpiry, RefreshToken, URLList…};
 *  - current: POST <identityLoginUrl> {identityType: "Token", token} |
 *    {identityType: "User", username, password} → Data {AccessToken, RefreshToken}, then
 *    GET <getSettingsUrl> (Bearer AccessToken) → IdentityCode, IdentityCodeExpiry, MonitorList.
 */
export const REALTIME_LOGIN_URL = 'https://loginapi.voicenter.co.il/monitorAPI/Login';
export const REALTIME_REFRESH_URL = 'https://loginapi.voicenter.co.il/monitorAPI/RefreshIdentityToken';

/**
 * The current stack's URLs. Voicenter publishes only its development host
 * (loginapidev.voicenter.co.il); these defaults are the same paths on the production login
 * host — inferred, unverified (README "Realtime").
 */
export const REALTIME_CURRENT_LOGIN_URL = 'https://loginapi.voicenter.co.il/Auth/Login/Voicenter/Monitor';
export const REALTIME_CURRENT_SETTINGS_URL = 'https://loginapi.voicenter.co.il/Application/GetSettings';
export const REALTIME_CURRENT_REFRESH_URL = 'https://loginapi.voicenter.co.il/Auth/RefreshToken';

export type RealtimeLoginApi = 'current' | 'legacy';

/** The login types both stacks offer (the legacy stack adds Account). */
const BOTH_STACKS_LOGIN_TYPES = [
	{
		name: 'Token',
		value: 'token',
		description: 'A Real Time API token issued by Voicenter; includes queue events',
	},
	{
		name: 'User (Email + Password)',
		value: 'user',
		description: "A Voicenter user's own login: that user's extensions only, no queue events",
	},
];
export type RealtimeLoginType = 'token' | 'user' | 'account';

/** The legacy login path per login type. */
export const REALTIME_LOGIN_PATH: Record<RealtimeLoginType, string> = {
	token: '/Token',
	user: '/User',
	account: '/Account',
};

export function realtimeLoginApi(credentials: ICredentialDataDecryptedObject): RealtimeLoginApi {
	return credentials.loginApi === 'current' ? 'current' : 'legacy';
}

/**
 * The login body: legacy {token} / {email, pin} / {username, password}; current
 * {identityType: "Token", token} / {identityType: "User", username: <email>, password}.
 */
export function realtimeLoginBody(credentials: ICredentialDataDecryptedObject): Record<string, string> {
	const type = String(credentials.loginType ?? 'token') as RealtimeLoginType;
	if (realtimeLoginApi(credentials) === 'current') {
		if (type === 'user') {
			return {
				identityType: 'User',
				username: String(credentials.email ?? ''),
				password: String(credentials.userPassword ?? ''),
			};
		}
		return { identityType: 'Token', token: String(credentials.token ?? '') };
	}
	if (type === 'user') {
		return { email: String(credentials.email ?? ''), pin: String(credentials.userPassword ?? '') };
	}
	if (type === 'account') {
		return {
			username: String(credentials.username ?? ''),
			password: String(credentials.accountPassword ?? ''),
		};
	}
	return { token: String(credentials.token ?? '') };
}

const LEGACY = { show: { loginApi: ['legacy'] } };
const CURRENT = { show: { loginApi: ['current'] } };

export class VoicenterRealtimeApi implements ICredentialType {
	name = 'voicenterRealtimeApi';

	displayName = 'Voicenter Realtime API';

	icon: Icon = { light: 'file:voicenterRealtime.svg', dark: 'file:voicenterRealtime.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-voicenter/n8n-nodes-voicenter#realtime';

	properties: INodeProperties[] = [
		{
			displayName: 'Login API',
			name: 'loginApi',
			type: 'options',
			options: [
				{
					name: 'Current (Identity Login + GetSettings)',
					value: 'current',
					description:
						"Voicenter's current login stack (Events SDK 2025): login, then GetSettings for the socket token and the monitor servers",
				},
				{
					name: 'Legacy (monitorAPI/Login)',
					value: 'legacy',
					description: 'The older login API: /monitorAPI/Login/Token, /User or /Account',
				},
			],
			// Credentials saved before this field existed keep the legacy login.
			default: 'legacy',
		},
		{
			displayName: 'Login Type',
			name: 'loginType',
			type: 'options',
			options: BOTH_STACKS_LOGIN_TYPES,
			default: 'token',
			displayOptions: CURRENT,
		},
		{
			displayName: 'Login Type',
			name: 'loginType',
			type: 'options',
			options: [
				...BOTH_STACKS_LOGIN_TYPES,
				{
					name: 'Account (Username + Password)',
					value: 'account',
					description: 'The whole account: all monitored extensions and queues',
				},
			],
			default: 'token',
			displayOptions: LEGACY,
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The Real Time API token from Voicenter (CPanel → API, or your account manager)',
			displayOptions: { show: { loginType: ['token'] } },
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['user'] } },
		},
		{
			displayName: 'Password',
			name: 'userPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['user'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { loginApi: ['legacy'], loginType: ['account'] } },
		},
		{
			displayName: 'Password',
			name: 'accountPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { loginApi: ['legacy'], loginType: ['account'] } },
		},
		{
			displayName: 'Login URL',
			name: 'identityLoginUrl',
			type: 'string',
			default: REALTIME_CURRENT_LOGIN_URL,
			description:
				'POST endpoint of the current login. The default is inferred from Voicenter\'s development URL (loginapidev…): check it with Voicenter.',
			displayOptions: CURRENT,
		},
		{
			displayName: 'Get Settings URL',
			name: 'getSettingsUrl',
			type: 'string',
			default: REALTIME_CURRENT_SETTINGS_URL,
			description: 'Returns the socket token (IdentityCode) and the monitor servers (MonitorList)',
			displayOptions: CURRENT,
		},
		{
			displayName: 'Refresh Token URL',
			name: 'refreshTokenUrl',
			type: 'string',
			default: REALTIME_CURRENT_REFRESH_URL,
			description: 'Where a User login renews its tokens shortly before the socket token expires',
			displayOptions: CURRENT,
		},
		{
			displayName: 'Login URL',
			name: 'loginUrl',
			type: 'string',
			default: REALTIME_LOGIN_URL,
			description:
				'Base of the login endpoints (/Token, /User, /Account). Change it only to point at a simulator.',
			displayOptions: LEGACY,
		},
		{
			displayName: 'Refresh Token URL',
			name: 'refreshUrl',
			type: 'string',
			default: REALTIME_REFRESH_URL,
			description: 'Where the socket token is refreshed before it expires',
			displayOptions: LEGACY,
		},
	];

	// The login body depends on the login API and type, so a generic rule cannot build it: this
	// puts it into the JSON body of the login request (never into the URL).
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const body = requestOptions.body;
		const base =
			body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
		requestOptions.body = { ...base, ...realtimeLoginBody(credentials) };
		return requestOptions;
	}

	// "Test" is the login itself. Legacy: 401 for a wrong user/password, 500 for a wrong token.
	// Current: 401 for a wrong token or password, 400 for a bad body, 403 for a missing identity.
	test: ICredentialTestRequest = {
		request: {
			url: '={{ $credentials.loginApi === "current" ? $credentials.identityLoginUrl : $credentials.loginUrl.replace(/\\/+$/, "") + ($credentials.loginType === "user" ? "/User" : $credentials.loginType === "account" ? "/Account" : "/Token") }}',
			method: 'POST',
			body: {},
			json: true,
		},
	};
}
