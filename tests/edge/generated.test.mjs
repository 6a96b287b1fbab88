// The edge functions cfm generates, run as the edge would run them (domain/src/edge/runtime.mjs:
// each in an isolated node:vm context with a stand-in for CloudFront's `cloudfront` module).
// The cases come from `cargo run -p cfm-domain --example edge_cases -- <file>`, named by
// CFM_EDGE_CASES; `cargo xtask test` writes and runs them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cloudfrontFunction, lambdaEdge } from '../../domain/src/edge/runtime.mjs';

const cases = JSON.parse(readFileSync(process.env.CFM_EDGE_CASES, 'utf8'));

// The code outside its JSON string literals, where a construct would be code, not data.
const outsideStrings = (code) => code.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'(?:[^'\\]|\\.)*'/g, "''");

for (const c of cases) {
  const { code, mode, table, sizeBytes, limitBytes } = c.generated;
  const ids = c.origins.map((o) => o.id);
  const byId = Object.fromEntries(c.origins.map((o) => [o.id, o]));

  test(`${c.name}: fits, and is code only where the generator wrote code`, () => {
    assert.equal(Buffer.byteLength(code, 'utf8'), sizeBytes);
    assert.ok(sizeBytes <= limitBytes, `${sizeBytes} > ${limitBytes}`);
    const bare = outsideStrings(code);
    assert.doesNotMatch(bare, /\brequire\s*\(|\beval\s*\(|\bFunction\s*\(|\bimport\s*\(/);
    if (mode === 'cloudfront-function') {
      assert.doesNotMatch(bare, /=>|`|\blet\b|\bconst\b|\bclass\b|\basync\b/, 'ES5 for cloudfront-js-2.0');
    }
    assert.equal(Object.keys(table).length, 250, 'every country code (ISO and XK)');
    for (const origin of Object.values(table)) assert.ok(ids.includes(origin), `${origin} is an origin of it`);
  });

  if (mode === 'cloudfront-function') {
    test(`${c.name}: every country reaches its origin, anything else the default`, () => {
      const run = cloudfrontFunction(code);
      for (const [country, origin] of Object.entries(table)) assert.equal(run(country).origin, origin, country);
      for (const country of [undefined, '', 'ZZ', 'de', '__proto__', 'constructor']) {
        assert.equal(run(country).origin, c.defaultOriginId, `${country} → default`);
      }
    });
    test(`${c.name}: directory requests to a website origin get its index document`, () => {
      const run = cloudfrontFunction(code);
      for (const [country, origin] of Object.entries(table)) {
        const index = byId[origin].indexDocument;
        const dir = run(country, '/docs/');
        const bare = run(country, '/docs');
        const file = run(country, '/app.css');
        assert.equal(file.uri, '/app.css');
        assert.equal(dir.uri, index ? `/docs/${index}` : '/docs/', country);
        assert.equal(bare.uri, index ? `/docs/${index}` : '/docs', country);
      }
    });
  } else {
    test(`${c.name}: every country reaches its bucket through the OAI, anything else the default`, async () => {
      const run = lambdaEdge(code);
      const expect = async (country, origin) => {
        const request = await run(country);
        const s3 = request.origin.s3;
        assert.equal(s3.domainName, byId[origin].domainName, `${country}`);
        assert.equal(s3.region, byId[origin].region);
        assert.equal(s3.authMethod, 'origin-access-identity');
        // Across vm realms, compare the data, not the prototypes.
        assert.deepEqual(JSON.parse(JSON.stringify(request.headers.host)), [{ key: 'Host', value: byId[origin].domainName }]);
      };
      for (const [country, origin] of Object.entries(table)) await expect(country, origin);
      for (const country of [undefined, 'ZZ', '__proto__']) await expect(country, c.defaultOriginId);
    });
  }
}
