import {
	decodeXmlRpc,
	encodeXmlRpcCall,
	encodeXmlRpcResponse,
	looksLikeXml,
	XmlRpcError,
} from '../../nodes/shared/xmlrpc';
import { decodeBody } from '../../nodes/shared/transport';
import { readOutcome } from '../../nodes/shared/errors';

const DOC_ERROR = `<methodResponse>
  <params>
    <param>
      <value>
        <struct>
          <member>
            <name>ERRORCODE</name>
            <value><string>1</string></value>
          </member>
          <member>
            <name>ERRORMESSAGE</name>
            <value><string>Phone is missing</string></value>
          </member>
          <member>
            <name>CALLID</name>
            <value><string></string></value>
          </member>
        </struct>
      </value>
    </param>
  </params>
</methodResponse>`;

describe('XML-RPC codec (nodes/shared/xmlrpc.ts)', () => {
	it('decodes the documented Click2Call error response (§4.5)', () => {
		expect(decodeXmlRpc(DOC_ERROR)).toEqual({ ERRORCODE: '1', ERRORMESSAGE: 'Phone is missing', CALLID: '' });
		// and the transport reads it as a Click2Call outcome with a numeric code
		expect(readOutcome('click2call', decodeBody(DOC_ERROR))).toEqual({
			ok: false,
			code: 1,
			message: 'Phone is missing',
		});
	});

	it('round-trips every type', () => {
		const value = {
			s: 'a <b> & c',
			i: 42,
			d: 1.5,
			t: true,
			f: false,
			n: null,
			list: [1, 'two', { three: 3 }],
			empty: {},
			nested: { deeper: { x: [] } },
		};
		expect(decodeXmlRpc(encodeXmlRpcResponse(value))).toEqual(value);
		expect(decodeXmlRpc(encodeXmlRpcCall('cdr.notify', { a: 'b' }))).toEqual({ a: 'b' });
	});

	it('reads untyped values as strings, i4 and double as numbers, boolean 1/0', () => {
		const xml =
			'<?xml version="1.0"?><methodResponse><params><param><value><struct>' +
			'<member><name>a</name><value>plain</value></member>' +
			'<member><name>b</name><value><i4> 7 </i4></value></member>' +
			'<member><name>c</name><value><double>-2.25</double></value></member>' +
			'<member><name>d</name><value><boolean>1</boolean></value></member>' +
			'</struct></value></param></params></methodResponse>';
		expect(decodeXmlRpc(xml)).toEqual({ a: 'plain', b: 7, c: -2.25, d: true });
	});

	it('rejects malformed XML and non-XML-RPC documents', () => {
		expect(() => decodeXmlRpc('<methodResponse><params>')).toThrow(XmlRpcError);
		expect(() => decodeXmlRpc('<html><body>hi</body></html>')).toThrow('Not an XML-RPC document');
		expect(() =>
			decodeXmlRpc(
				'<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>',
			),
		).toThrow('Invalid <int> value');
	});

	it('looksLikeXml / decodeBody tell XML from JSON', () => {
		expect(looksLikeXml('  <?xml version="1.0"?><a/>')).toBe(true);
		expect(looksLikeXml('{"a":1}')).toBe(false);
		expect(decodeBody('{"ERRORCODE":0}')).toEqual({ ERRORCODE: 0 });
		expect(decodeBody('[]')).toEqual({ __array: [] });
		expect(decodeBody('')).toEqual({});
	});
});

describe('error envelopes (nodes/shared/errors.ts)', () => {
	it.each([
		['click2call', { ERRORCODE: 0, ERRORMESSAGE: 'OK' }, { ok: true, code: 0, message: 'OK' }],
		[
			'callLog',
			{ ERROR_NUMBER: 5, ERROR_DESCRIPTION: 'Out of range' },
			{ ok: false, code: 5, message: 'Out of range' },
		],
		['blacklist', { ErrorCode: 2, ErrorMessage: 'x' }, { ok: false, code: 2, message: 'x' }],
		['mute', { ErrorCode: '200', Message: 'Success' }, { ok: true, code: 200, message: 'Success' }],
		[
			'mute',
			{ ErrorCode: 400, Message: 'Extension not found' },
			{ ok: false, code: 400, message: 'Extension not found' },
		],
		[
			'monitor',
			{ ERR: 1, DESC: 'Authorization failed' },
			{ ok: false, code: 1, message: 'Authorization failed' },
		],
		['dialer', { ' ErrorCode': 0, Description: 'OK' }, { ok: true, code: 0, message: 'OK' }],
	] as const)('%s %j', (envelope, body, expected) => {
		expect(readOutcome(envelope, body)).toEqual(expected);
	});
});
