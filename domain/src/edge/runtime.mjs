// A stand-in for the edge, to run the functions cfm generates as CloudFront would: each in an
// isolated node:vm context (no require, no process), a CloudFront Function with a stand-in for
// the `cloudfront` module, a Lambda@Edge function with its origin-request event. The node:test
// suite (tests/edge) and `cfm demo` both run generated code through it.

import vm from 'node:vm';

const IMPORT = "import cf from 'cloudfront';\n";
const HEADER = 'cloudfront-viewer-country';

/** A viewer-request function: `(country, uri) → {origin, uri}`, the origin it selected. */
export function cloudfrontFunction(code) {
  if (!code.startsWith(IMPORT)) throw new Error('a cloudfront-js-2.0 function imports the cloudfront module first');
  const selected = [];
  const context = vm.createContext({ cf: { selectRequestOriginById: (id) => selected.push(id) } });
  vm.runInContext(code.slice(IMPORT.length), context, { filename: 'function.js' });
  return (country, uri = '/') => {
    selected.length = 0;
    const headers = country === undefined ? {} : { [HEADER]: { value: country } };
    const request = context.handler({ request: { method: 'GET', uri, headers, querystring: {}, cookies: {} } });
    if (selected.length !== 1) throw new Error(`${selected.length} origins selected, not exactly one`);
    return { origin: selected[0], uri: request.uri };
  };
}

/** An origin-request Lambda@Edge function: `async (country) → request`, as it sends it on. */
export function lambdaEdge(code) {
  const module = { exports: {} };
  const context = vm.createContext({ module, exports: module.exports });
  vm.runInContext(code, context, { filename: 'index.js' });
  return async (country) => {
    const headers = country === undefined ? {} : { [HEADER]: [{ key: 'CloudFront-Viewer-Country', value: country }] };
    const request = { uri: '/', headers, origin: { s3: { domainName: 'placeholder', authMethod: 'none' } } };
    return module.exports.handler({ Records: [{ cf: { request } }] });
  };
}
