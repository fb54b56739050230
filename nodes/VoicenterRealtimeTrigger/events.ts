/** Which Real Time API events the trigger outputs, and the extension / queue filters. */
import type { IDataObject } from 'n8n-workflow';

import {
	normalizeAllExtensionsStatus,
	normalizeExtensionEvent,
	normalizeLoginStatus,
	normalizeQueueEvent,
	readReason,
} from './transport/normalize';

export const EVENT_OPTIONS = [
	{ name: 'Extension: Call Ringing or Dialing (NEWCALL)', value: 'extension.NEWCALL' },
	{ name: 'Extension: Call Answered (ANSWER)', value: 'extension.ANSWER' },
	{ name: 'Extension: Call On Hold (HOLD)', value: 'extension.HOLD' },
	{ name: 'Extension: Call Off Hold (UNHOLD)', value: 'extension.UNHOLD' },
	{ name: 'Extension: Call Ended (HANGUP)', value: 'extension.HANGUP' },
	{ name: 'Extension: Agent Status Changed (userStatusUpdate)', value: 'extension.userStatusUpdate' },
	{ name: 'Queue: Caller Joined (JOIN)', value: 'queue.JOIN' },
	{ name: 'Queue: Caller Answered or Exited (EXIT, ANSWER)', value: 'queue.EXIT' },
	{ name: 'Queue: Caller Abandoned (ABANDONED)', value: 'queue.ABANDONED' },
	{ name: 'Snapshot: All Extensions Status (on Connect)', value: 'snapshot.AllExtensionsStatus' },
	{ name: 'Snapshot: Monitored Queues (loginStatus, on Connect)', value: 'snapshot.loginStatus' },
];

export interface EventSelection {
	events: Set<string>;
	extensions: string[];
	queues: string[];
}

export function parseList(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(/[,;\n]+/);
	return items.map((v) => String(v).trim().toLowerCase()).filter((v) => v !== '');
}

function matches(filter: string[], ...values: unknown[]): boolean {
	if (filter.length === 0) return true;
	return values.some(
		(v) => v !== undefined && v !== null && v !== '' && filter.includes(String(v).trim().toLowerCase()),
	);
}

function extensionMatches(filter: string[], ext: IDataObject): boolean {
	return matches(filter, ext.number, ext.extenUser, ext.userId, ext.onlineUserId);
}

function queueMatches(filter: string[], queue: IDataObject): boolean {
	return matches(filter, queue.id, queue.name);
}

/** The selection key of a raw event: "extension.NEWCALL", "queue.EXIT", "snapshot.loginStatus"… */
export function selectionKey(name: string, payload: unknown): string | null {
	if (name === 'ExtensionEvent') return `extension.${readReason(payload) ?? ''}`;
	if (name === 'QueueEvent') {
		const reason = (readReason(payload) ?? '').toUpperCase();
		return `queue.${reason === 'ANSWER' ? 'EXIT' : reason}`;
	}
	if (name === 'AllExtensionsStatus' || name === 'loginStatus') return `snapshot.${name}`;
	return null;
}

/** The clean item for a raw event, or null when it is not selected or filtered out. */
export function toItem(selection: EventSelection, name: string, payload: unknown): IDataObject | null {
	const key = selectionKey(name, payload);
	if (!key || !selection.events.has(key)) return null;
	if (name === 'ExtensionEvent') {
		const item = normalizeExtensionEvent(payload);
		return extensionMatches(selection.extensions, item.extension as IDataObject) ? item : null;
	}
	if (name === 'QueueEvent') {
		const item = normalizeQueueEvent(payload);
		return queueMatches(selection.queues, item.queue as IDataObject) ? item : null;
	}
	if (name === 'AllExtensionsStatus') {
		const item = normalizeAllExtensionsStatus(payload);
		item.extensions = (item.extensions as IDataObject[]).filter((e) =>
			extensionMatches(selection.extensions, e),
		);
		return item;
	}
	const item = normalizeLoginStatus(payload);
	item.queues = (item.queues as IDataObject[]).filter((q) => queueMatches(selection.queues, q));
	return item;
}
