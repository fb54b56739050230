/**
 * A small client for n8n's internal REST API (the one the editor uses), n8n 2.40:
 * owner setup, login (cookie bound to a browser-id header), credentials, workflows,
 * activation (publishing), manual runs and executions.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

import { paths as installPaths } from './install.mjs';

const BROWSER_ID = 'n8n-nodes-voicenter-e2e';

/** flatted, from n8n's own install: execution data is stored flatted-stringified. */
function flatted() {
	const req = createRequire(path.join(installPaths().n8nDir, 'node_modules', 'n8n', 'package.json'));
	return req('flatted');
}

export class N8nClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.cookie = '';
	}

	async request(method, urlPath, body, { allowStatus = [] } = {}) {
		const headers = { 'browser-id': BROWSER_ID, accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const [pair] = c.split(';');
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (!res.ok && !allowStatus.includes(res.status)) {
			throw new Error(`${method} ${urlPath} → ${res.status}: ${text.slice(0, 500)}`);
		}
		return { status: res.status, body: json && 'data' in json ? json.data : json, raw: text };
	}

	async settings() {
		return (await this.request('GET', '/rest/settings')).body;
	}

	/** Sets up the owner on a fresh instance, then logs in (also on an instance set up before). */
	async setupOwnerOrLogin(owner) {
		const settings = await this.settings();
		const needsSetup = settings?.userManagement?.showSetupOnFirstLoad;
		if (needsSetup) {
			await this.request('POST', '/rest/owner/setup', owner);
		}
		await this.request('POST', '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		return { setUp: Boolean(needsSetup) };
	}

	async listCredentials() {
		return (await this.request('GET', '/rest/credentials')).body ?? [];
	}

	/** Creates the credential, or updates the data of the one with the same name and type. */
	async upsertCredential({ name, type, data }) {
		const existing = (await this.listCredentials()).find((c) => c.name === name && c.type === type);
		if (existing) {
			const r = await this.request('PATCH', `/rest/credentials/${existing.id}`, { name, type, data });
			return { id: r.body.id, name: r.body.name, type };
		}
		const r = await this.request('POST', '/rest/credentials', { name, type, data });
		return { id: r.body.id, name: r.body.name, type };
	}

	async listWorkflows() {
		return (await this.request('GET', '/rest/workflows')).body ?? [];
	}

	async getWorkflow(id) {
		return (await this.request('GET', `/rest/workflows/${id}`)).body;
	}

	async createWorkflow(wf) {
		const body = {
			name: wf.name,
			nodes: wf.nodes,
			connections: wf.connections,
			settings: wf.settings ?? { executionOrder: 'v1' },
			pinData: wf.pinData ?? {},
			active: false,
		};
		return (await this.request('POST', '/rest/workflows', body)).body;
	}

	async deleteWorkflow(id) {
		const wf = await this.getWorkflow(id);
		if (wf.active || wf.activeVersionId) await this.deactivateWorkflow(id);
		if (!wf.isArchived) await this.request('POST', `/rest/workflows/${id}/archive`, {});
		await this.request('DELETE', `/rest/workflows/${id}`);
	}

	/**
	 * Imports a workflow by name: with replace, an existing workflow of the same name is
	 * archived and deleted first; without, it is kept as it is.
	 */
	async upsertWorkflow(wf, { replace = true } = {}) {
		const existing = (await this.listWorkflows()).filter((w) => w.name === wf.name && !w.isArchived);
		if (existing.length && !replace) return { ...(await this.getWorkflow(existing[0].id)), kept: true };
		for (const w of existing) await this.deleteWorkflow(w.id);
		return await this.createWorkflow(wf);
	}

	/** Saves new nodes/connections (a draft in n8n 2.x); activateWorkflow() publishes them. */
	async updateWorkflow(id, patch) {
		return (await this.request('PATCH', `/rest/workflows/${id}`, patch)).body;
	}

	/**
	 * Publishes (activates) the workflow's current version, and waits until it is live: n8n 2.x
	 * publishes through an outbox, so its webhooks are registered a moment after the answer.
	 */
	async activateWorkflow(id, { timeoutMs = 60000 } = {}) {
		const wf = await this.getWorkflow(id);
		const result = (await this.request('POST', `/rest/workflows/${id}/activate`, { versionId: wf.versionId })).body;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const r = await this.request('GET', `/rest/workflows/${id}/publication-status`, undefined, { allowStatus: [404] });
			if (r.status === 404) return result; // publication service off: activation was synchronous
			const st = r.body;
			if (st.status === 'failed' || st.status === 'partial') {
				throw new Error(`publishing workflow ${id} failed: ${JSON.stringify(st.triggers)}`);
			}
			if (st.status === 'published' && st.liveVersionId === wf.versionId && !st.pendingVersionId) return result;
			if (Date.now() > deadline) throw new Error(`workflow ${id} was not live after ${timeoutMs / 1000} s: ${JSON.stringify(st)}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	async deactivateWorkflow(id) {
		return (await this.request('POST', `/rest/workflows/${id}/deactivate`, {})).body;
	}

	/** Runs a workflow from a trigger, as the editor's "Execute workflow" does; returns the execution id. */
	async runManually(id, triggerName) {
		const r = await this.request('POST', `/rest/workflows/${id}/run`, { triggerToStartFrom: { name: triggerName } });
		if (!r.body?.executionId) throw new Error(`manual run of ${id} did not start: ${r.raw.slice(0, 500)}`);
		return r.body.executionId;
	}

	/** An execution with its run data parsed. */
	async getExecution(id) {
		const e = (await this.request('GET', `/rest/executions/${id}`)).body;
		if (e && typeof e.data === 'string') e.data = flatted().parse(e.data);
		return e;
	}

	async waitForExecution(id, { timeoutMs = 120000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const e = await this.getExecution(id);
			if (e && e.finished !== undefined && e.status && !['new', 'running', 'waiting'].includes(e.status)) return e;
			if (Date.now() > deadline) throw new Error(`execution ${id} did not finish in ${timeoutMs / 1000} s`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}

	async listExecutions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const r = await this.request('GET', `/rest/executions?filter=${filter}&limit=100`);
		return r.body?.results ?? [];
	}

	async personalProjectId() {
		return (await this.request('GET', '/rest/projects/personal')).body.id;
	}

	async listDataTables(projectId) {
		const r = await this.request('GET', `/rest/projects/${projectId}/data-tables?take=100`);
		return r.body?.data ?? r.body ?? [];
	}

	/**
	 * Creates a data table with its rows; an existing table of that name is kept as it is
	 * (replace: dropped and created anew). columns: [{ name, type: string|number|boolean|date }].
	 */
	async upsertDataTable({ name, columns, rows, replace = false }) {
		const projectId = await this.personalProjectId();
		const existing = (await this.listDataTables(projectId)).find((t) => t.name === name);
		if (existing && !replace) return existing;
		if (existing) await this.request('DELETE', `/rest/projects/${projectId}/data-tables/${existing.id}`);
		const table = (await this.request('POST', `/rest/projects/${projectId}/data-tables`, { name, columns })).body;
		if (rows.length) {
			await this.request('POST', `/rest/projects/${projectId}/data-tables/${table.id}/insert`, { data: rows, returnType: 'count' });
		}
		return table;
	}

	async dataTableRows(name) {
		const projectId = await this.personalProjectId();
		const table = (await this.listDataTables(projectId)).find((t) => t.name === name);
		if (!table) throw new Error(`no data table ${name}`);
		const r = await this.request('GET', `/rest/projects/${projectId}/data-tables/${table.id}/rows?take=1000`);
		return r.body?.data ?? r.body ?? [];
	}

	/** Node types as the editor loads them. */
	async nodeTypes() {
		const r = await fetch(`${this.baseUrl}/types/nodes.json`, { headers: { cookie: this.cookie, 'browser-id': BROWSER_ID } });
		if (!r.ok) throw new Error(`/types/nodes.json → ${r.status}`);
		return await r.json();
	}

	async credentialTypes() {
		const r = await fetch(`${this.baseUrl}/types/credentials.json`, { headers: { cookie: this.cookie, 'browser-id': BROWSER_ID } });
		if (!r.ok) throw new Error(`/types/credentials.json → ${r.status}`);
		return await r.json();
	}
}
