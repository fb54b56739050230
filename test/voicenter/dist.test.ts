/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code reads the build */
/**
 * The built package (npm run build): the compiled XML-RPC codec must use the bundled
 * fast-xml-parser copy in dist, never the devDependency. Skipped (visibly) before a build;
 * .ci/run builds first.
 */
import fs from 'node:fs';
import path from 'node:path';

const dist = path.join(__dirname, '..', '..', 'dist');
const codec = path.join(dist, 'nodes', 'shared', 'xmlrpc.js');

(fs.existsSync(codec) ? describe : describe.skip)('built dist', () => {
	it('requires the bundled parser, not the fast-xml-parser package', () => {
		const text = fs.readFileSync(codec, 'utf8');
		expect(text).not.toMatch(/require\(["']fast-xml-parser["']\)/);
		expect(text).toMatch(/require\(["']\.\/vendor\/fast-xml-parser["']\)/);
		expect(fs.existsSync(path.join(dist, 'nodes', 'shared', 'vendor', 'fast-xml-parser.js'))).toBe(true);
	});

	it('decodes XML-RPC with the bundled parser', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const built = require(codec) as { decodeXmlRpc: (xml: string) => unknown };
		expect(
			built.decodeXmlRpc(
				'<methodResponse><params><param><value><struct><member><name>ERRORCODE</name><value><string>3</string></value></member></struct></value></param></params></methodResponse>',
			),
		).toEqual({ ERRORCODE: '3' });
	});

	it('ships the node, the credential and both icons', () => {
		for (const f of [
			'nodes/Voicenter/Voicenter.node.js',
			'nodes/Voicenter/Voicenter.node.json',
			'nodes/Voicenter/voicenter.svg',
			'nodes/Voicenter/voicenter.dark.svg',
			'credentials/VoicenterApi.credentials.js',
			'credentials/voicenter.svg',
		]) {
			expect(fs.existsSync(path.join(dist, f))).toBe(true);
		}
	});
});
