/* eslint-disable @n8n/community-nodes/no-restricted-imports -- script tooling, not shipped */
/**
 * Under ts-node, `require('./Voicenter.node')` would load Voicenter.node.json (the codex file):
 * Node tries .js, .json, .node before the .ts extension ts-node registers. Import this module
 * first in a script to try .ts before .json/.node, as jest does.
 */
import Module from 'node:module';

const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
for (const ext of ['.json', '.node']) {
	const handler = extensions[ext];
	if (handler && extensions['.ts']) {
		delete extensions[ext];
		extensions[ext] = handler;
	}
}
