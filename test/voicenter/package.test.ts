/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code reads the repository */
import fs from 'node:fs';
import path from 'node:path';

import { Voicenter } from '../../nodes/Voicenter/Voicenter.node';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('package and node description', () => {
	it('is an n8n community package with zero runtime dependencies that ships dist only', () => {
		expect(pkg.name).toBe('n8n-nodes-voicenter');
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.n8n.nodes).toContain('dist/nodes/Voicenter/Voicenter.node.js');
		expect(pkg.n8n.credentials).toContain('dist/credentials/VoicenterApi.credentials.js');
		expect(fs.existsSync(path.join(root, 'LICENSE'))).toBe(true);
	});

	it('is found under Communication, usable as a tool, with every non-Dialer resource and operation', () => {
		const codex = JSON.parse(fs.readFileSync(path.join(root, 'nodes/Voicenter/Voicenter.node.json'), 'utf8'));
		expect(codex.categories).toEqual(['Communication']);
		const description = new Voicenter().description;
		expect(description.usableAsTool).toBe(true);
		for (const icon of Object.values(description.icon as Record<string, string>)) {
			expect(fs.existsSync(path.join(root, 'nodes/Voicenter', icon.replace('file:', '')))).toBe(true);
		}
		const resource = description.properties.find((p) => p.name === 'resource')!;
		const resources = (resource.options as Array<{ value: string }>).map((o) => o.value);
		expect(resources).toEqual(
			expect.arrayContaining(['activeCall', 'agent', 'blacklist', 'callLog', 'click2Call', 'extension', 'recording']),
		);
		const operations = (name: string) =>
			(
				description.properties.find(
					(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(name),
				)!.options as Array<{ value: string }>
			).map((o) => o.value);
		expect(operations('click2Call')).toEqual(['call', 'terminate']);
		expect(operations('blacklist')).toEqual(['add', 'remove']);
		expect(operations('callLog')).toEqual(['search']);
		expect(operations('recording')).toEqual(['download', 'mute', 'unmute']);
		expect(operations('agent')).toEqual(['setStatus']);
		expect(operations('extension')).toEqual(['getMany']);
		expect(operations('activeCall')).toEqual(['getExtensionCalls', 'getQueueCallers']);
	});
});
