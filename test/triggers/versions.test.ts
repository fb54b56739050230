/**
 * The IVR and Screen Pop Triggers' versions: 1.1 is the default, 1 stays loadable with its own
 * defaults, and the panel order is filters first, security last (n8n adds its CORS field after).
 */
import type { INodeProperties } from 'n8n-workflow';

import { VoicenterIvrTrigger } from '../../nodes/VoicenterIvrTrigger/VoicenterIvrTrigger.node';
import { VoicenterScreenPopTrigger } from '../../nodes/VoicenterScreenPopTrigger/VoicenterScreenPopTrigger.node';

function timeoutDefault(properties: INodeProperties[], version: number): unknown {
	const shown = properties.filter((p) => {
		if (p.name !== 'timeoutSeconds') return false;
		const v = p.displayOptions?.show?.['@version'] as unknown[] | undefined;
		if (!v) return true;
		return v.some(
			(c) =>
				c === version ||
				(typeof c === 'object' && c !== null && version >= (c as { _cnd: { gte: number } })._cnd.gte),
		);
	});
	expect(shown).toHaveLength(1);
	return shown[0].default;
}

describe.each([
	['IVR', new VoicenterIvrTrigger().description, 'layerIds', { 1: 5, 1.1: 4 }],
	['Screen Pop', new VoicenterScreenPopTrigger().description, 'statusCall', { 1: 5, 1.1: 2.5 }],
] as const)('%s Trigger versions', (_name, description, filter, defaults) => {
	it('offers 1 and 1.1, 1.1 by default', () => {
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
	});

	it('keeps the version-1 Answer Timeout default and a shorter one from 1.1', () => {
		expect(timeoutDefault(description.properties, 1)).toBe(defaults[1]);
		expect(timeoutDefault(description.properties, 1.1)).toBe(defaults[1.1]);
	});

	it('puts the filter before the security fields and has no CORS field of its own', () => {
		const names = description.properties.map((p) => p.name);
		expect(names.indexOf(filter)).toBeGreaterThan(0);
		expect(names.indexOf(filter)).toBeLessThan(names.indexOf('secretLocation'));
		expect(names).not.toContain('allowedOrigins');
		expect(description.triggerPanel).toMatchObject({
			executionsHelp: { inactive: expect.stringContaining('simulator:send') },
		});
	});
});
